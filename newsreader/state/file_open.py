"""Opening the state file, whatever shape it is in: new, current, old (migrate), newer
(read-only), damaged (move aside, restore a snapshot), or unwritable (keep changes in memory).

Opening never raises for a bad file; it says what happened in ``Opened.notices``. A file that
could not be read is never written, moved or deleted.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.state import db, migrations, snapshots


class Damaged(Exception):
    """The file was read and is not a sound SQLite database."""


class NewerSchema(Exception):
    """The file was written by a newer newsreader."""

    def __init__(self, version: int) -> None:
        super().__init__(f"schema {version}")
        self.version = version


class Unusable(Exception):
    """The path cannot hold a database (not a regular file, WAL not possible)."""


@dataclass(slots=True)
class Opened:
    """The result of opening: a disk connection, or an in-memory copy and why."""

    disk: sqlite3.Connection | None = None
    memory: sqlite3.Connection | None = None
    reason: str | None = None
    """Why changes are not being saved (None while saving)."""
    retry: bool = False
    """Whether trying the file again later can help (not for a newer schema)."""
    notices: list[str] = field(default_factory=list)


def open_state(path: Path, snapshot_dir: Path | None) -> Opened:
    """Open ``path`` as well as it can be opened; see the module docstring."""
    notices: list[str] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot create the data folder {path.parent} ({exc.strerror})"
        notices.append(f"{reason}: changes are kept in memory and will not be saved")
        return Opened(memory=empty_memory(), reason=reason, retry=True, notices=notices)
    for attempt in (1, 2):
        try:
            conn = open_disk(path, snapshot_dir)
        except NewerSchema as exc:
            reason = "the state file was written by a newer newsreader"
            notices.append(
                f"{path} is from a newer newsreader ({exc}; this one knows {migrations.CURRENT}): "
                "opened read-only, changes will not be saved"
            )
            return Opened(memory=read_copy(path) or empty_memory(), reason=reason, notices=notices)
        except (Damaged, sqlite3.DatabaseError) as exc:
            if not damaged(exc) or attempt == 2:
                return _unwritable(path, exc, notices)
            restored = _recover(path, snapshot_dir, str(exc), notices)
            if restored is not None:
                return restored
            continue
        except (OSError, sqlite3.Error, Unusable) as exc:
            return _unwritable(path, exc, notices)
        _maybe_snapshot(conn, snapshot_dir, notices)
        return Opened(disk=conn, notices=notices)
    raise AssertionError("unreachable")  # pragma: no cover


def open_disk(path: Path, snapshot_dir: Path | None = None) -> sqlite3.Connection:
    """Open ``path`` read-write in WAL mode at the current schema, migrating (after a
    snapshot) when older. Raises Damaged, NewerSchema, Unusable, OSError or sqlite3.Error."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise Unusable(f"{path} is not a regular file")
    if st is not None and st.st_size == 0:
        raise Damaged("the file is empty (0 bytes)")
    if st is None:
        _create(path)
    # mode=rw: never create a file here (that is _create's job, done whole).
    conn = db.connect(path, mode="mode=rw" if path.exists() else None)
    try:
        version = migrations.user_version(conn)  # reads the header: garbage raises NOTADB here
        if version > migrations.CURRENT:
            raise NewerSchema(version)
        if st is not None:
            check = conn.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise Damaged(f"integrity check: {check[0][0]}")
        _ensure_wal(conn)
        if version < migrations.CURRENT:
            if version > 0 and snapshot_dir is not None:
                # Before changing the schema, keep a copy a user could go back to.
                with suppress(OSError, sqlite3.Error):
                    snapshots.take(conn, snapshot_dir)
            db.run_write(conn, migrations.migrate, deadline=5.0)
    except BaseException:
        conn.close()
        raise
    return conn


def _create(path: Path) -> None:
    """Create a new state file whole: built under a temporary name, then linked into place,
    so a crash never leaves a half-made (0-byte) file and two instances never clobber each
    other's (``link`` fails if the name exists)."""
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
    for extra in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{tmp}{extra}")
    conn = db.connect(tmp)
    try:
        _ensure_wal(conn)
        db.run_write(conn, migrations.migrate)
    finally:
        conn.close()  # the last connection checkpoints and removes the -wal
    try:
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        pass  # another instance made it first: use theirs
    except OSError:
        # No hard links here (some network or FAT filesystems): let SQLite create it.
        pass
    finally:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
    snapshots.fsync_dir(path.parent)


def _ensure_wal(conn: sqlite3.Connection) -> None:
    row = conn.execute("PRAGMA journal_mode").fetchone()
    if row and row[0] == "wal":
        return
    for _ in range(50):  # another instance may hold a lock while it creates the file
        try:
            row = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            break
        except sqlite3.OperationalError as exc:
            if db.failure(exc) is not db.Failure.BUSY:
                raise
    if not row or row[0] != "wal":
        raise Unusable(f"cannot use write-ahead logging (journal mode {row[0] if row else '?'})")


def damaged(exc: BaseException) -> bool:
    """Whether ``exc`` says the file was read and is not a sound database."""
    return isinstance(exc, Damaged) or db.failure(exc) is db.Failure.CORRUPT


def _recover(path: Path, snapshot_dir: Path | None, why: str, notices: list[str]) -> Opened | None:
    """Move a damaged file aside and put the newest good snapshot in its place. Returns an
    in-memory Opened when the file cannot be moved (the caller then stops), else None."""
    snap = snapshots.newest_good(snapshot_dir)
    try:
        aside = snapshots.move_aside(path)
    except OSError as exc:
        reason = f"the state file is damaged and cannot be moved aside ({exc.strerror})"
        memory = read_copy(snap.path) if snap is not None else None
        source = f"showing the snapshot from {_when(snap)}" if snap else "starting empty"
        notices.append(f"{path}: {reason}; {source}; changes will not be saved")
        return Opened(memory=memory or empty_memory(), reason=reason, notices=notices)
    restored = ""
    if snap is not None:
        try:
            snapshots.restore(snap, path)
            restored = (
                f"restored the snapshot from {_when(snap)} ({_held(path)}); "
                f"changes made in the {_since(snap)} after it are not in it"
            )
        except (OSError, sqlite3.Error) as exc:
            restored = f"could not restore a snapshot ({db.describe(exc)}); starting empty"
    else:
        restored = "there is no snapshot to restore; starting empty"
    notices.append(
        f"the state file was damaged ({why}): {restored}. The damaged file is kept "
        f"as {aside}{_backup_hint(aside)}"
    )
    return None


def _held(path: Path) -> str:
    """What a restored file holds, in words: how many articles read and bookmarks."""
    try:
        conn = db.connect(path, mode="ro")
        try:
            read = conn.execute("SELECT count(*) FROM articles WHERE read").fetchone()[0]
            marks = conn.execute("SELECT count(*) FROM bookmarks").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return "contents unknown"
    return f"{read} article{'s' * (read != 1)} read, {marks} bookmark{'s' * (marks != 1)}"


def _since(snap: snapshots.Snapshot) -> str:
    """How long ago the snapshot was taken, roughly."""
    from datetime import UTC, datetime

    minutes = max(0, int((datetime.now(UTC) - snap.taken).total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours = minutes // 60
    return f"{hours} hours" if hours < 48 else f"{hours // 24} days"


def _backup_hint(aside: Path) -> str:
    """A hint when the damaged file is in fact a newsreader backup (an export written over
    the state file): importing it brings its records back."""
    try:
        with open(aside, "rb") as fh:
            head = fh.read(200)
    except OSError:
        return ""
    if b'"format": "newsreader-backup"' not in head:
        return ""
    return f"; it is a newsreader backup: 'newsreader import {aside}' merges it back"


def _unwritable(path: Path, exc: BaseException, notices: list[str]) -> Opened:
    reason = str(exc) if isinstance(exc, Unusable | Damaged) else db.describe(exc)
    memory = read_copy(path) if path.exists() else None
    if memory is None and path.exists():
        notices.append(
            f"cannot read the state file {path} ({reason}); it is left untouched. "
            "Starting empty: changes are kept in memory and will not be saved"
        )
    else:
        notices.append(f"{path}: {reason}; changes are kept in memory and will not be saved")
    return Opened(memory=memory or empty_memory(), reason=reason, retry=True, notices=notices)


def read_copy(path: Path) -> sqlite3.Connection | None:
    """Copy the file into memory without writing anything next to it (``mode=ro`` first;
    ``immutable=1`` when the folder is read-only and WAL needs a -shm it cannot create)."""
    for how in ("mode=ro", "immutable=1"):
        src: sqlite3.Connection | None = None
        mem = db.memory_db()
        try:
            src = db.connect(path, mode=how)
            if src.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise Damaged("integrity check failed")
            src.backup(mem)
            if migrations.user_version(mem) < migrations.CURRENT:
                db.run_write(mem, migrations.migrate)
            return mem
        except (sqlite3.Error, Damaged):
            mem.close()
        finally:
            db.close_quietly(src)
    return None


def empty_memory() -> sqlite3.Connection:
    """A new in-memory database with the current schema."""
    mem = db.memory_db()
    db.run_write(mem, migrations.migrate)
    return mem


def _maybe_snapshot(
    conn: sqlite3.Connection, snapshot_dir: Path | None, notices: list[str]
) -> None:
    if snapshot_dir is None or not snapshots.due(snapshot_dir):
        return
    try:
        if snapshots.has_data(conn):
            snapshots.take(conn, snapshot_dir)
    except (OSError, sqlite3.Error) as exc:
        notices.append(f"could not write a snapshot in {snapshot_dir} ({db.describe(exc)})")


def _when(snap: snapshots.Snapshot | None) -> str:
    if snap is None:
        return "?"
    return snap.taken.astimezone().strftime("%Y-%m-%d %H:%M")
