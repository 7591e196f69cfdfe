"""The stat cache: per file (size, mtime_ns) and the parsed summary, so an unchanged library
is listed without reading a single file. It is derived data; a broken catalog is rebuilt.

The last scan's snapshot (``snapshot.py``, ~180 bytes an article) is a file beside the
catalog, and the catalog's ``snapshot`` row holds only its header (the walk's digest, the
counts and the checksum of the rest), so the file is used only when the catalog that wrote it
vouches for it: a catalog rebuilt or thrown away has no row, and a file another writer
replaced meanwhile has another header. Kept whole in SQLite, every scan that found a change
wrote the whole snapshot through the database, and every start read it back from it
(benchmarks/README.md has the numbers).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from newsreader.cache_db import CacheSchema, open_cache
from newsreader.library.article import Article, ArticleSummary, make_summary
from newsreader.library.snapshot import HEADER_SIZE, state_of

SCHEMA_VERSION = 2
"""Bump when parsing gives a file another title, date or dateline (2: Markdown rendered), so
every file is read again."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    title TEXT, day TEXT, dateline TEXT, hash TEXT, reason TEXT
);
CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 0), data BLOB NOT NULL);
"""
_CACHE = CacheSchema(_SCHEMA, SCHEMA_VERSION, frozenset({"files", "snapshot"}), "files")


SNAPSHOT_SUFFIX = ".snapshot"
"""The snapshot's file: the catalog's name with this added."""


class CatalogEntry(NamedTuple):
    """One file as last seen: its summary, or the reason it was skipped.

    A NamedTuple, not a frozen dataclass: a start-up reads 10k of them (~4 µs less each)."""

    path: str
    size: int
    mtime_ns: int
    title: str = ""
    day: str | None = None
    dateline: str | None = None
    content_hash: str = ""
    reason: str | None = None

    @classmethod
    def from_article(cls, art: Article) -> CatalogEntry:
        """The entry for a parsed article."""
        return cls(
            str(art.path),
            art.size,
            art.mtime_ns,
            art.title,
            art.date.isoformat() if art.date else None,
            art.dateline,
            art.content_hash,
        )

    @classmethod
    def skipped(cls, path: str, size: int, mtime_ns: int, reason: str) -> CatalogEntry:
        """The entry for a file that is not an article."""
        return cls(path, size, mtime_ns, reason=reason)

    def summary(self, article_id: str) -> ArticleSummary:
        """The article summary this entry describes."""
        return make_summary(
            article_id,
            self.path,
            self.title,
            date.fromisoformat(self.day) if self.day else None,
            self.dateline,
            self.size,
            self.mtime_ns,
            self.content_hash,
        )


class Catalog:
    """A small SQLite cache; falls back to memory when its file cannot be used."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        row = conn.execute("PRAGMA database_list").fetchone()
        self._snapshot_file = Path(row[2] + SNAPSHOT_SUFFIX) if row and row[2] else None
        """Where the snapshot is kept; None for a catalog in memory (it keeps it in its row)."""

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None, check: bool = True) -> Iterator[Catalog]:
        """Open (or recreate) the catalog at ``path``; None or an unusable path means memory.

        ``check=False`` skips reading every row to find damage (for reading the snapshot
        only: its own checksum covers it)."""
        conn = open_cache(path, _CACHE, timeout=5, probe=check)
        try:
            yield cls(conn)
        finally:
            conn.close()

    def entries(self) -> dict[str, CatalogEntry]:
        """Every file the catalog knows, by path."""
        rows = self._conn.execute(
            "SELECT path, size, mtime_ns, title, day, dateline, hash, reason FROM files"
        )
        return {r[0]: CatalogEntry(*r) for r in rows}

    def entries_for(self, paths: Iterable[str]) -> dict[str, CatalogEntry]:
        """What the catalog knows of these files (a re-scan that saw a few stats change)."""
        wanted = [p for p in paths if _storable(p)]
        out: dict[str, CatalogEntry] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self._conn.execute(
                "SELECT path, size, mtime_ns, title, day, dateline, hash, reason FROM files "
                f"WHERE path IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            out.update((r[0], CatalogEntry(*r)) for r in rows)
        return out

    def snapshot(self) -> bytes | None:
        """The packed result of the last scan (``snapshot.py``), if one was stored."""
        try:
            row = self._conn.execute("SELECT data FROM snapshot WHERE id = 0").fetchone()
        except sqlite3.Error:
            return None
        if row is None or not isinstance(row[0], bytes):
            return None
        held: bytes = row[0]
        if len(held) != HEADER_SIZE or self._snapshot_file is None:
            return held  # the whole snapshot (in memory, or as an older version stored it)
        try:
            with open(self._snapshot_file, "rb") as fh:
                blob = fh.read()
        except OSError:
            return None
        return blob if state_of(blob) == held else None

    def set_snapshot(self, data: bytes | None) -> None:
        """Store (or, with None, forget) the packed result of this scan."""
        row = data
        if data is not None and self._snapshot_file is not None:
            from newsreader.filewrite import replace_unsynced

            try:
                replace_unsynced(self._snapshot_file, data)
                row = state_of(data)
            except OSError:
                pass  # kept in the row, as a catalog in memory keeps it
        try:
            with self._conn:
                if row is None:
                    self._conn.execute("DELETE FROM snapshot")
                else:
                    self._conn.execute("INSERT OR REPLACE INTO snapshot VALUES (0, ?)", (row,))
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs a slower start next time

    def replace(
        self, fresh: Iterable[CatalogEntry], keep: set[str] | None = None, gone: Iterable[str] = ()
    ) -> None:
        """Store ``fresh`` entries; forget files no longer in ``keep`` (when given) and the
        files in ``gone``."""
        fresh = [e for e in fresh if _storable(e.path)]
        gone = [p for p in gone if _storable(p)]
        try:
            with self._conn:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            e.path,
                            e.size,
                            e.mtime_ns,
                            e.title,
                            e.day,
                            e.dateline,
                            e.content_hash,
                            e.reason,
                        )
                        for e in fresh
                    ],
                )
                forget = [(p,) for p in gone]
                if keep is not None:
                    forget += [
                        (p,)
                        for (p,) in self._conn.execute("SELECT path FROM files")
                        if p not in keep
                    ]
                self._conn.executemany("DELETE FROM files WHERE path = ?", forget)
        except sqlite3.Error:
            pass  # a cache that cannot be written only costs a re-read next time


def _storable(path: str) -> bool:
    """False for a file name that is not UTF-8 (SQLite text cannot hold it): such files are
    only in the snapshot, and parsed again when it is out of date."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
