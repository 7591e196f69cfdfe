"""The state file as the store uses it: a pool of connections (``pool.py``), one write at a
time per process in ``BEGIN IMMEDIATE`` with a short busy timeout, and the in-memory
fallback.

When the file cannot be written (disk full, read-only, locked too long) everything the file
held is copied into memory, work continues there, ``notices`` says so, and every few seconds
a write tries to replay the kept changes into the file. Every write is idempotent (fixed
values and timestamps, upserts), so replaying one that did reach the disk is harmless.

A file damaged, deleted or replaced while in use is noticed at the next write: what this
process holds is written in its place (a damaged one is moved aside first), or the new file
is used, and ``notices`` says which.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from newsreader.state import db, file_open, records, rescue, snapshots
from newsreader.state.pool import FileReplaced, Pool, identity

T = TypeVar("T")

RETRY_INTERVAL_S = 5.0
"""How often, at most, a write tries the file again while changes are kept in memory."""
_SNAPSHOT_CHECK_S = 60.0


class StateFile:
    """Reads and writes on the state file, or on its in-memory stand-in; thread-safe."""

    def __init__(self, path: Path, snapshot_dir: Path | None, opened: file_open.Opened) -> None:
        self.path = path
        self.snapshot_dir = snapshot_dir
        self.notices: list[str] = list(opened.notices)
        """One-line messages for the user, oldest first (restored, read-only, not saving…)."""
        # Writes and mode switches take _lock; using the in-memory connection takes only
        # _memory_lock, so a read never waits behind a disk write or a retry.
        self._lock = threading.RLock()
        self._memory_lock = threading.Lock()
        self._pool = Pool(path)
        self._memory = opened.memory
        self._reason = opened.reason
        self._retry = opened.retry
        self._next_retry = time.monotonic() + RETRY_INTERVAL_S
        self._pending: list[db.Op[Any]] = []
        self._memory_whole = False
        """The in-memory copy is the whole truth, not the file plus ``_pending`` (the file was
        damaged, deleted or replaced under us): resuming writes it whole."""
        self._watch: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._seen_serial = 0
        self._own_serials: set[int] = set()
        self._mode_changed = False
        self._closed = False
        self._snapshot_checked = time.monotonic()
        if opened.disk is not None:
            self._pool.install(opened.disk)
            self._start_watch()

    @property
    def saving(self) -> bool:
        """False while changes are kept in memory only (disk full, read-only, newer schema)."""
        return self._memory is None

    @property
    def reason(self) -> str | None:
        """Why changes are not being saved, or None."""
        return self._reason

    @property
    def pending_changes(self) -> int:
        """Changes made since saving stopped, waiting to be written."""
        return len(self._pending)

    def retry_saving(self) -> bool:
        """Try now to write changes kept in memory back to the file; True when saving."""
        with self._lock:
            return self._resume(force=True)

    def has_changed(self) -> bool:
        """Whether another connection or process committed since the last call."""
        # A short wait at most: this is polled from the UI thread.
        if not self._lock.acquire(timeout=0.05):
            return False
        try:
            changed, self._mode_changed = self._mode_changed, False
            if self._watch is None:
                return changed
            try:
                version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
                if version == self._data_version:
                    return changed
                self._data_version = version
                current = records.serial(self._watch)
            except sqlite3.Error:
                return changed
            commits = current - self._seen_serial
            own = sum(1 for s in self._own_serials if self._seen_serial < s <= current)
            self._own_serials = {s for s in self._own_serials if s > current}
            self._seen_serial = current
            return changed or commits > own
        finally:
            self._lock.release()

    def close(self) -> None:
        """Write back kept changes if possible, then close every connection."""
        with self._lock:
            if self._closed:
                return
            if self._pending and not self._resume(force=True):
                self.notices.append(f"{len(self._pending)} changes were not saved")
            self._closed = True
            self._pool.close()
            self._drop_connections()
            with self._memory_lock:
                db.close_quietly(self._memory)

    def _drop_connections(self) -> None:
        """Close the pooled and watch connections; connections lent out now are closed when
        they come back."""
        self._pool.drop()
        db.close_quietly(self._watch)
        self._watch = None

    @contextmanager
    def _old_file_closed(self) -> Iterator[None]:
        """Every connection to the file we had open is closed, so the file now at the path
        can be opened (see ``pool.py`` for why it must not be before)."""
        watch, self._watch = self._watch, None
        with self._pool.swapping(watch):
            yield

    def read(self, op: db.Op[T]) -> T:
        """Run ``op`` in one read transaction (on the in-memory copy when not saving)."""
        while (memory := self._memory) is not None:
            with self._memory_lock:
                if self._memory is memory:
                    return op(memory)
        failed: BaseException
        try:
            conn, generation = self._pool.checkout()
        except FileReplaced:
            with self._lock:
                self._follow_file()
            return self.read(op)
        except (sqlite3.Error, OSError) as exc:
            failed = exc
        else:
            try:
                return db.run_read(conn, op)
            except (sqlite3.Error, OSError) as exc:
                if db.failure(exc) is db.Failure.OTHER:
                    raise
                failed = exc
            finally:
                self._pool.checkin(conn, generation)
        with self._lock:
            if self._memory is None:
                self._fail_over(failed)
        return self.read(op)

    def write(self, op: db.Op[T]) -> T:
        """Run ``op`` in one write transaction; kept in memory when the file cannot take it."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the state store is closed")
            if self._memory is not None:
                self._resume()
            else:
                self._follow_file()
            if self._memory is None:
                try:
                    return self._write_disk(op)
                except FileReplaced:  # replaced again since _follow_file looked
                    return self.write(op)
                except (sqlite3.Error, OSError) as exc:
                    if db.failure(exc) is db.Failure.OTHER:
                        raise
                    self._fail_over(exc)
            with self._memory_lock:
                assert self._memory is not None
                result = db.run_write(self._memory, op)
            self._pending.append(op)
            return result

    def _write_disk(self, op: db.Op[T]) -> T:
        conn, generation = self._pool.checkout()
        try:
            result, serial = db.run_write(conn, lambda c: (op(c), records.bump_serial(c)))
        finally:
            self._pool.checkin(conn, generation)
        self._own_serials.add(serial)
        self._maybe_snapshot()
        return result

    def _fail_over(self, exc: BaseException) -> None:
        """Stop writing to the file: continue on an in-memory copy of what it holds."""
        memory = self._copy_into_memory()
        with self._old_file_closed():
            if memory is None:
                # The file itself is damaged: fall back to the newest good snapshot.
                memory = (
                    file_open.read_copy(self.path)
                    or rescue.snapshot_copy(self.snapshot_dir)
                    or file_open.empty_memory()
                )
                self._memory_whole = True
            self._keep_in_memory(memory, exc)

    def _copy_into_memory(
        self, source: sqlite3.Connection | None = None
    ) -> sqlite3.Connection | None:
        """What the file we have open holds (through ``source``, else a pooled connection),
        copied into memory; None when it cannot be read whole."""
        memory = db.memory_db()
        try:
            if source is not None:
                source.backup(memory)
            else:
                conn, generation = self._pool.checkout()
                try:
                    conn.backup(memory)
                finally:
                    self._pool.checkin(conn, generation)
            if memory.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise file_open.Damaged("the copy failed its integrity check")
        except (sqlite3.Error, OSError, RuntimeError, file_open.Damaged):
            memory.close()
            return None
        return memory

    def _keep_in_memory(self, memory: sqlite3.Connection, exc: BaseException) -> None:
        with self._memory_lock:
            self._memory = memory
        self._reason = db.describe(exc)
        self._retry = True
        self._next_retry = time.monotonic() + RETRY_INTERVAL_S
        self._mode_changed = True
        self.notices.append(
            f"not saving: {self._reason}; changes are kept in memory "
            "and will be written when the state file can be written again"
        )

    def _resume(self, force: bool = False) -> bool:
        """Back to the file when it can be written again, replaying the kept changes."""
        if self._memory is None:
            return True
        if not self._retry or (not force and time.monotonic() < self._next_retry):
            return False
        self._next_retry = time.monotonic() + RETRY_INTERVAL_S
        pending = list(self._pending)

        def replay(conn: sqlite3.Connection) -> int:
            for op in pending:
                op(conn)
            return records.bump_serial(conn)

        with self._old_file_closed():
            reopened = self._reopen()
        if reopened is None:
            return False
        conn, whole, healed = reopened
        if whole:
            pending = []
        try:
            serial = db.run_write(conn, replay)
        except (sqlite3.Error, OSError):
            db.close_quietly(conn)
            return False
        self._own_serials.add(serial)
        self._pool.install(conn)
        with self._memory_lock:
            db.close_quietly(self._memory)
            self._memory, self._reason = None, None
        self._pending.clear()
        self._memory_whole = False
        self._mode_changed = True
        self._start_watch()
        kept = "everything it held" if whole else f"{len(pending)} kept changes"
        self.notices.append(healed or f"saving again: wrote {kept} to {self.path}")
        return True

    def _reopen(self) -> tuple[sqlite3.Connection, bool, str] | None:
        """The file opened again for ``_resume``, whether what memory holds was written as
        the file (nothing to replay), and what to tell of a damaged file set aside; None
        while it is still unusable, for whatever reason."""
        whole, healed = False, ""
        try:
            # No file (never made, or deleted): memory holds everything, write it whole.
            if not os.path.lexists(self.path):
                whole = self._put_memory_in_place()
            conn = file_open.open_disk(self.path, self.snapshot_dir)
        except Exception as exc:
            if not file_open.damaged(exc) or not self._memory_whole:
                return None
            try:  # damaged under us: keep it for a look, write what we hold in its place
                aside = snapshots.move_aside(self.path)
                whole = self._put_memory_in_place()
                conn = file_open.open_disk(self.path, self.snapshot_dir)
            except Exception:
                return None
            healed = (
                f"the state file was damaged while in use: moved it to {aside.name} "
                "and saved what newsreader held in its place"
            )
        return conn, whole, healed

    def _put_memory_in_place(self) -> bool:
        with self._memory_lock:
            assert self._memory is not None
            return rescue.write_whole(self._memory, self.path)

    def _follow_file(self) -> None:
        """Before a write: if the file was deleted or replaced since we opened it, our
        connections write to a file nobody will open again. Save what we hold in its place
        (deleted), or move to the new file (replaced), keeping what we held as a snapshot."""
        now = identity(self.path)
        if now == self._pool.identity or self._memory is not None:
            return  # our file, or already left it (another thread followed first)
        # Before the old file is closed: all it holds. The watch connection is on it for
        # sure; the pool may be empty, and a new connection would open the new file.
        held = self._copy_into_memory(self._watch)
        with self._old_file_closed():
            try:
                if now is None:
                    if held is None:  # nothing could be read from the old file
                        raise FileNotFoundError(f"{self.path} was deleted")
                    rescue.write_whole(held, self.path)
                    what = "was deleted while newsreader was running; saved it again"
                else:
                    what = "was replaced by another program; using the new one"
                    if held is not None and self.snapshot_dir is not None:
                        with suppress(OSError, sqlite3.Error):
                            kept = snapshots.take(held, self.snapshot_dir)
                            what += f" (what it replaced is kept as {kept.name})"
                self._pool.install(file_open.open_disk(self.path, self.snapshot_dir))
            except Exception as exc:  # keep what the old file held, in memory
                self._memory_whole = True
                self._keep_in_memory(held or file_open.empty_memory(), exc)
                return
        db.close_quietly(held)
        self._start_watch()
        self._mode_changed = True
        self.notices.append(f"the state file {self.path} {what}")

    def _start_watch(self) -> None:
        try:
            self._watch = db.connect(self.path, mode="mode=rw")
            self._data_version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
            self._seen_serial = records.serial(self._watch)
            self._pool.note_log()
        except sqlite3.Error:
            db.close_quietly(self._watch)
            self._watch = None

    def _maybe_snapshot(self) -> None:
        if self.snapshot_dir is None:
            return
        if time.monotonic() - self._snapshot_checked < _SNAPSHOT_CHECK_S:
            return
        self._snapshot_checked = time.monotonic()
        if not snapshots.due(self.snapshot_dir):
            return
        # The write before this has committed: a failing snapshot must not look like a
        # failed write, so it only leaves a notice.
        try:
            conn, generation = self._pool.checkout()
        except (OSError, sqlite3.Error):
            return
        try:
            if snapshots.has_data(conn):
                snapshots.take(conn, self.snapshot_dir)
        except (OSError, sqlite3.Error) as exc:
            self.notices.append(f"could not write a snapshot ({db.describe(exc)})")
        finally:
            self._pool.checkin(conn, generation)
