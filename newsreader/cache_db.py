"""SQLite files of derived data (the library's catalog, the story groups): opened at the
schema this code writes, made afresh when they are from another version or cannot be read,
and in memory as the last resort, so a broken cache only ever costs work done again."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import NamedTuple


class CacheSchema(NamedTuple):
    """What a cache file holds: its tables, the script that makes them, its version."""

    script: str
    version: int
    tables: frozenset[str]
    probe: str
    """A table read at open, so a damaged file fails now rather than mid-command."""


def open_cache(
    path: Path | None, schema: CacheSchema, *, timeout: float, probe: bool = True
) -> sqlite3.Connection:
    """A connection to the cache at ``path`` (a new one in its place when it cannot be used;
    in memory when neither can, or when ``path`` is None)."""
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return _open_checked(str(path), schema, timeout, probe)
        except (sqlite3.Error, OSError):
            with contextlib.suppress(OSError):
                path.unlink()
            with contextlib.suppress(sqlite3.Error, OSError):
                return _open_checked(str(path), schema, timeout, True)
    return _open_checked(":memory:", schema, timeout, True)


def _open_checked(
    target: str, schema: CacheSchema, timeout: float, probe: bool
) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=timeout)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        # Only a file that needs it is written to: opening one must not change it (each
        # write is a journal and an fsync; a start-up only reads).
        if version != schema.version or not schema.tables <= tables:
            if version not in (0, schema.version):
                for table in sorted(schema.tables):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.executescript(schema.script)
            conn.execute(f"PRAGMA user_version = {schema.version}")
            conn.commit()
        if probe:
            conn.execute(f"SELECT count(*) FROM {schema.probe}").fetchone()
        # A cache: a write waits for no fsync (a scan that found one changed file spent most
        # of its time there). A crash still leaves a whole transaction or none; a power cut
        # can cost the file, which is then made again like any broken one.
        conn.execute("PRAGMA synchronous = OFF")
    except sqlite3.Error:
        conn.close()
        raise
    return conn
