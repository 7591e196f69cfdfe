"""Crash-safe file writes and a lock shared by threads and processes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX; elsewhere the callers' in-process locks are all there is
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


class StoreError(Exception):
    """A file or folder cannot be written; ``str(error)`` is the one-line reason."""


def atomic_write(path: Path, data: bytes) -> None:
    """``newsreader.filewrite.write_atomic``: whole or not at all, through a symlink, never
    over anything but a regular file; StoreError when it cannot."""
    from newsreader.filewrite import WriteError, write_atomic

    try:
        write_atomic(path, data)
    except WriteError as exc:
        raise StoreError(str(exc)) from None


@contextlib.contextmanager
def file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if needed).

    flock locks belong to the open file, so two threads of one process exclude each other too.
    """
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot write to {lock_path.parent}: {exc.strerror}") from None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
