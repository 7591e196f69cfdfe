"""Putting a database back where the state file should be, after the file was damaged,
deleted or replaced while newsreader had it open."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import suppress
from pathlib import Path

from newsreader.state import file_open, snapshots


def write_whole(source: sqlite3.Connection, path: Path) -> bool:
    """Put a copy of the database behind ``source`` at ``path`` (temp file, fsynced, linked
    into place). False when another process made a file there first: theirs stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.rescue-{os.getpid()}-{threading.get_ident()}")
    try:
        snapshots.copy_database(source, tmp)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # no hard links on this filesystem
            if os.path.lexists(path):
                return False
            os.replace(tmp, path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
    snapshots.fsync_dir(path.parent)
    return True


def snapshot_copy(folder: Path | None) -> sqlite3.Connection | None:
    """The newest good snapshot, copied into memory; None when there is none."""
    snap = snapshots.newest_good(folder)
    return file_open.read_copy(snap.path) if snap is not None else None
