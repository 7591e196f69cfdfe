"""The connections a store keeps open on its state file, and the one rule for changing files
under them.

A pool hands out one connection per call, so readers in WAL mode never wait for a writer.
When the file at the path is no longer the one the pool has open (another program replaced
or deleted it), no connection to the new file may be opened while any to the old one is
open. Both files share the ``-wal`` and ``-shm`` names, and SQLite's locks do not tell two
connections of one process apart: a connection to the new file would reset the
shared-memory index an old one has mapped (committed changes vanish from the old one's
reads, or the process dies of SIGBUS), and would read the new file through the old file's
log. ``swapping`` closes every old connection first, and removes the old file's log (the
store has copied what the old file held by then).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from newsreader.state import db

_POOL_MAX = 4


class FileReplaced(OSError):
    """The file at the state file's path is no longer the one the pool has open."""


def identity(path: Path | str) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path`` now, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class Pool:
    """Connections to the file at ``path``, lent out one per call; thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity: tuple[int, int] | None = None
        """The file the pool's connections are open on; None when none is."""
        self._log_identity: tuple[int, int] | None = None
        self._changed = threading.Condition(threading.Lock())
        self._idle: list[sqlite3.Connection] = []
        self._generation = 0
        self._lent = 0
        self._swapping = False
        self._closed = False

    def install(self, conn: sqlite3.Connection) -> None:
        """Use ``conn``, just opened on the file now at the path, from here on."""
        with self._changed:
            self._idle = [conn]
            self._generation += 1
        self.identity = identity(self.path)

    def note_log(self) -> None:
        """Remember which ``-wal`` belongs to our file; call with a connection open on it
        (the log exists from a connection's first read until the last one closes)."""
        self._log_identity = identity(f"{self.path}-wal")

    def checkout(self) -> tuple[sqlite3.Connection, int]:
        """A connection to our file (pooled, or opened now); give it back with ``checkin``.
        Raises FileReplaced when a new one would open another file."""
        with self._changed:
            self._changed.wait_for(lambda: not self._swapping)
            if self._closed:
                raise RuntimeError("the state store is closed")
            generation = self._generation
            self._lent += 1
            if self._idle:
                return self._idle.pop(), generation
        expected = self.identity

        def same_file() -> None:
            # Checked once the file is open and before anything is read: the file opened
            # is the one at the path now, or was until just now.
            if identity(self.path) != expected:
                raise FileReplaced(f"{self.path} was replaced or deleted")

        try:
            # mode=rw: if the file vanished, fail instead of creating an empty one.
            return db.connect(self.path, mode="mode=rw", opened=same_file), generation
        except BaseException:
            self._returned()
            raise

    def checkin(self, conn: sqlite3.Connection, generation: int) -> None:
        """Take back a lent connection; one lent before ``drop`` is closed."""
        with self._changed:
            self._lent -= 1
            self._changed.notify_all()
            if generation == self._generation and len(self._idle) < _POOL_MAX:
                self._idle.append(conn)
                return
        db.close_quietly(conn)

    def _returned(self) -> None:
        with self._changed:
            self._lent -= 1
            self._changed.notify_all()

    def drop(self) -> None:
        """Close the idle connections; those lent out now are closed when they come back."""
        with self._changed:
            idle, self._idle = self._idle, []
            self._generation += 1
        for conn in idle:
            db.close_quietly(conn)

    def close(self) -> None:
        with self._changed:
            self._closed = True
        self.drop()

    @contextmanager
    def swapping(self, *also: sqlite3.Connection | None) -> Iterator[None]:
        """Wait until no connection is lent out, then close every one (and ``also``, other
        connections to the same file); none is lent out until the block ends. Inside, the
        file at the path can be opened safely: a log left by our old file is removed (SQLite
        leaves it behind when its file was replaced or deleted, and would replay it into
        whatever file then has the name)."""
        with self._changed:
            self._swapping = True
            self._changed.wait_for(lambda: self._lent == 0)
        try:
            self.drop()
            for conn in also:
                db.close_quietly(conn)
            self._remove_old_log()
            yield
        finally:
            with self._changed:
                self._swapping = False
                self._changed.notify_all()

    def _remove_old_log(self) -> None:
        if self.identity is None or identity(self.path) == self.identity:
            return  # still our file: its log is its own
        if self._log_identity is None or identity(f"{self.path}-wal") != self._log_identity:
            return  # no log, or one that came with the new file
        for extra in ("-wal", "-shm"):
            with suppress(FileNotFoundError):
                os.unlink(f"{self.path}{extra}")
        self._log_identity = None
