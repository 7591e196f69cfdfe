"""Rotating snapshots of the state file (SQLite's backup API), restoring one, and moving a
damaged file aside. Nothing here deletes a user's file except old snapshots beyond ``KEEP``."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsreader.state import db, migrations

KEEP = 8
"""How many snapshots to keep."""
INTERVAL_S = 3600.0
"""A new snapshot is taken when the newest one is older than this."""
_PREFIX = "state-"
_SUFFIX = ".sqlite3"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One snapshot file and when it was taken."""

    path: Path
    taken: datetime


def snapshots(folder: Path | None) -> list[Snapshot]:
    """The snapshots in ``folder``, newest first."""
    if folder is None:
        return []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found: list[Snapshot] = []
    for name in names:
        if not (name.startswith(_PREFIX) and name.endswith(_SUFFIX)):
            continue
        stamp = name[len(_PREFIX) : -len(_SUFFIX)].split("-", 1)[0]
        try:
            taken = datetime.strptime(stamp, "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Snapshot(folder / name, taken))
    found.sort(key=lambda s: (s.taken, s.path.name), reverse=True)
    return found


def due(folder: Path | None, interval: float = INTERVAL_S) -> bool:
    """Whether the newest snapshot is older than ``interval`` seconds (or there is none)."""
    if folder is None:
        return False
    existing = snapshots(folder)
    if not existing:
        return True
    age = datetime.now(UTC) - existing[0].taken
    return age.total_seconds() >= interval


_RECORDS = ("articles", "bookmarks", "saved_searches")
"""The tables whose rows are worth a snapshot (saved searches only from schema 4 on)."""


def has_data(conn: sqlite3.Connection) -> bool:
    """Whether the database holds any record worth a snapshot."""
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    present = [t for t in _RECORDS if t in tables]
    if not present:
        return False
    row = conn.execute(
        "SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in present)
    ).fetchone()
    return bool(row and row[0])


def take(conn: sqlite3.Connection, folder: Path, keep: int = KEEP) -> Path:
    """Copy the database behind ``conn`` into ``folder`` as a new snapshot (written to a temp
    file, fsynced, renamed), then drop the oldest beyond ``keep``. Raises OSError/sqlite3.Error."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    name = f"{_PREFIX}{now.strftime('%Y%m%dT%H%M%S%f')}-{os.getpid()}{_SUFFIX}"
    final = folder / name
    tmp = folder / f".{name}.tmp"
    copy_database(conn, tmp)
    os.replace(tmp, final)
    fsync_dir(folder)
    for old in snapshots(folder)[keep:]:
        with suppress(OSError):
            old.path.unlink()
    _drop_stale_temporaries(folder)
    return final


def _drop_stale_temporaries(folder: Path) -> None:
    """Remove half-written snapshots left by a process killed while writing one."""
    cutoff = time.time() - INTERVAL_S
    for tmp in folder.glob(f".{_PREFIX}*.tmp"):
        with suppress(OSError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy of ``source`` to ``target`` as a plain (non-WAL) file, fsynced."""
    with suppress(FileNotFoundError):
        target.unlink()
    dst = sqlite3.connect(str(target), isolation_level=None)
    try:
        source.backup(dst)
        # A copy of a WAL database is flagged WAL; a rollback-journal file opens anywhere,
        # even read-only, without a -shm beside it.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def newest_good(folder: Path | None) -> Snapshot | None:
    """The newest snapshot that opens, passes ``quick_check`` and is not from a newer schema."""
    for snap in snapshots(folder):
        conn: sqlite3.Connection | None = None
        try:
            conn = db.connect(snap.path, mode="mode=ro")
            if migrations.user_version(conn) > migrations.CURRENT:
                continue
            if conn.execute("PRAGMA quick_check").fetchone() == ("ok",):
                return snap
        except sqlite3.Error:
            continue
        finally:
            db.close_quietly(conn)
    return None


def restore(snap: Snapshot, target: Path) -> None:
    """Put a copy of ``snap`` at ``target`` (which must not exist): temp file, then rename."""
    src = db.connect(snap.path, mode="mode=ro")
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        copy_database(src, tmp)
    finally:
        src.close()
    os.replace(tmp, target)
    fsync_dir(target.parent)


def move_aside(path: Path) -> Path:
    """Rename a damaged state file (and its -wal/-shm) to ``<name>.corrupt-<timestamp>``."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 2
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    os.rename(path, aside)
    for extra in ("-wal", "-shm", "-journal"):
        # A stale WAL next to a fresh file would be replayed into it: move it with its file.
        with suppress(FileNotFoundError):
            os.rename(f"{path}{extra}", f"{aside}{extra}")
    fsync_dir(path.parent)
    return aside


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every filesystem allows it)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
