"""SQLite plumbing for the state file: connection settings, short write transactions, and
what a failure means for the user (locked, damaged, cannot be written)."""

from __future__ import annotations

import enum
import sqlite3
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

T = TypeVar("T")

BUSY_TIMEOUT_MS = 200
"""How long one statement waits for another connection's lock before SQLite gives up."""
WRITE_DEADLINE_S = 1.0
"""How long a write keeps retrying a file locked by a holder that commits nothing meanwhile
(a stuck program) before the store stops waiting for it."""
BUSY_WRITER_WAIT_S = 30.0
"""How long, at most, a write waits while the lock holders keep committing: another busy
writer, not a stuck one. On a loaded 2-core machine two instances writing flat out made each
other wait up to 1.6 s for the lock; giving up after 1 s sent one to the in-memory fallback."""

Op = Callable[[sqlite3.Connection], T]


class Failure(enum.Enum):
    """What a SQLite error means for the store."""

    BUSY = "the state file is locked by another program"
    CORRUPT = "the state file is damaged"
    UNWRITABLE = "the state file cannot be written"
    FULL = "the disk is full"
    OTHER = "unexpected database error"


# Primary result codes (sqlite3.h); the extended code's low byte is the primary one.
_KINDS = {
    3: Failure.UNWRITABLE,  # SQLITE_PERM
    5: Failure.BUSY,
    6: Failure.BUSY,  # SQLITE_LOCKED
    8: Failure.UNWRITABLE,  # SQLITE_READONLY
    10: Failure.UNWRITABLE,  # SQLITE_IOERR (a write past RLIMIT_FSIZE lands here too)
    11: Failure.CORRUPT,
    13: Failure.FULL,
    14: Failure.UNWRITABLE,  # SQLITE_CANTOPEN
    15: Failure.BUSY,  # SQLITE_PROTOCOL: a lock race in WAL, retryable
    26: Failure.CORRUPT,  # SQLITE_NOTADB
}


def failure(exc: BaseException) -> Failure:
    """Classify an exception raised while using the state file."""
    if isinstance(exc, OSError):
        return Failure.UNWRITABLE
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _KINDS.get(code & 0xFF, Failure.OTHER)
    return Failure.OTHER


def describe(exc: BaseException) -> str:
    """One line for the user: the failure and SQLite's own words."""
    kind = failure(exc)
    if isinstance(exc, OSError):
        detail = exc.strerror or exc.__class__.__name__
    else:
        detail = str(exc) or exc.__class__.__name__
    return f"{kind.value} ({detail})"


def connect(
    target: Path | str, *, mode: str | None = None, opened: Callable[[], None] | None = None
) -> sqlite3.Connection:
    """A connection in autocommit mode (we write ``BEGIN IMMEDIATE`` ourselves), usable from
    any thread one at a time. ``mode`` is a URI parameter: ``"mode=rw"`` (never create the
    file), ``"mode=ro"`` or ``"immutable=1"``; None opens or creates the file. ``opened``
    runs once the file is open but before anything is read from it, the last moment to
    refuse a file that is not the one expected: it raises to refuse."""
    if mode is not None:
        uri = f"file:{quote(str(target))}?{mode}"
        conn = sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(
            str(target),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
    try:
        if opened is not None:
            opened()
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # FULL: a WAL commit is fsynced before it returns, so "committed" means on disk.
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def memory_db() -> sqlite3.Connection:
    """An in-memory database for changes that cannot be saved; guard it with a lock."""
    return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)


def run_write(conn: sqlite3.Connection, op: Op[T], deadline: float = WRITE_DEADLINE_S) -> T:
    """Run ``op`` in ``BEGIN IMMEDIATE`` … ``COMMIT``, retrying a locked file until
    ``deadline`` seconds have passed; any error rolls back and propagates."""
    _begin(conn, "BEGIN IMMEDIATE", deadline)
    try:
        result = op(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise
    return result


def run_read(conn: sqlite3.Connection, op: Op[T], deadline: float = WRITE_DEADLINE_S) -> T:
    """Run ``op`` in one read transaction, so its queries see one consistent state."""
    _begin(conn, "BEGIN", deadline)
    try:
        return op(conn)
    finally:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("COMMIT")


def _begin(conn: sqlite3.Connection, statement: str, deadline: float) -> None:
    started = time.monotonic()
    end = started + deadline
    version: int | None = None
    looked = False
    while True:
        try:
            conn.execute(statement)
            return
        except sqlite3.OperationalError as exc:
            if failure(exc) is not Failure.BUSY:
                raise
            now = time.monotonic()
            if not looked:
                version, looked = _data_version(conn), True
            if now >= end:
                # Others committed since the last look: a busy writer, worth waiting for.
                current = _data_version(conn)
                if current is None or current == version or now - started >= BUSY_WRITER_WAIT_S:
                    raise
                version, end = current, now + deadline
            time.sleep(0.005)


def _data_version(conn: sqlite3.Connection) -> int | None:
    """Changes when another connection commits (None if it cannot be read now)."""
    try:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])
    except sqlite3.Error:
        return None


def close_quietly(conn: sqlite3.Connection | None) -> None:
    """Close a connection that may already be broken."""
    if conn is not None:
        with suppress(sqlite3.Error):
            conn.close()
