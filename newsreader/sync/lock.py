"""One sync run at a time per device: the app's and a ``newsreader sync``'s, apart."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def sync_lock(path: Path, wait: bool = True) -> Iterator[bool]:
    """One sync at a time per device (the app and a ``newsreader sync``). Yields False,
    without waiting, when another holds it and ``wait`` is off."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
