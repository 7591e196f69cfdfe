"""The near-duplicate store: each content hash's signature, its LSH band keys, and the pairs
found so far, in one SQLite file in the cache folder.

Derived data, like the catalog: keyed by content hash, so a renamed file keeps its signature
and an index rebuild leaves it alone; a damaged or outdated file is recreated and filled
again. Pairs are found when a signature is added (its bands looked up against every stored
one), so reading the groups never compares signatures.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsreader.cache_db import CacheSchema, open_cache
from newsreader.stories.minhash import Signature, band_keys, near_duplicates

SCHEMA_VERSION = 1
"""Bump when a signature's meaning changes (shingle size, bins, hashing)."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sigs (
    id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, sig BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL, art INTEGER NOT NULL, PRIMARY KEY (key, art)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pairs (
    a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_b ON pairs (b);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
"""
_CACHE = CacheSchema(_SCHEMA, SCHEMA_VERSION, frozenset({"sigs", "bands", "pairs", "meta"}), "sigs")


class StoryStore:
    """Signatures and near-duplicate pairs by content hash. One writer at a time (SQLite's
    lock); falls back to memory when its file cannot be used."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._unmarked = False
        """The synced mark is gone in this transaction (or was never there)."""

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None) -> Iterator[StoryStore]:
        """Open (or recreate) the store at ``path``; None or an unusable path: memory."""
        conn = open_cache(path, _CACHE, timeout=10)
        try:
            yield cls(conn)
        finally:
            conn.close()

    def synced_to(self) -> bytes:
        """The catalog state (``snapshot.state_of``) the store was last synced with, when
        nothing has changed it since; else empty."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'synced'").fetchone()
        return bytes(row[0]) if row is not None else b""

    def mark_synced(self, state: bytes) -> None:
        """The store holds exactly the contents of the scan with this catalog state: a
        later scan with the same state has nothing to sign or forget."""
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('synced', ?)", (state,))
        self._unmarked = False

    def others_commits(self) -> int:
        """A number that changes when another connection commits to the file (SQLite's
        ``data_version``; this connection's own commits leave it as it is)."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _unmark(self) -> None:
        # Any change but a whole sync's makes the mark untrue; dropped once per transaction,
        # so a build that adds 10k signatures deletes it once.
        if not self._unmarked:
            self._conn.execute("DELETE FROM meta WHERE key = 'synced'")
            self._unmarked = True

    def known(self) -> dict[str, int]:
        """Every stored content hash, to its row id."""
        return dict(self._conn.execute("SELECT hash, id FROM sigs"))

    def forget(self, content_hash: str) -> None:
        """Forget one content: its signature, band keys and pairs."""
        row = self._conn.execute("SELECT id FROM sigs WHERE hash = ?", (content_hash,)).fetchone()
        if row is not None:
            self.remove([row[0]])

    def paired(self, content_hash: str) -> bool | None:
        """Whether this content has a near-duplicate pair stored; None when it is not stored."""
        row = self._conn.execute("SELECT id FROM sigs WHERE hash = ?", (content_hash,)).fetchone()
        if row is None:
            return None
        found = self._conn.execute(
            "SELECT 1 FROM pairs WHERE a = ?1 OR b = ?1 LIMIT 1", (row[0],)
        ).fetchone()
        return found is not None

    def add(self, content_hash: str, sig: Signature) -> list[str]:
        """Store one article's signature and pair it with every stored near-duplicate;
        returns their content hashes. An empty signature (an unreadable or wordless
        article) is stored so it is not read again, and pairs with nothing."""
        conn = self._conn
        self._unmark()
        old = conn.execute("SELECT id FROM sigs WHERE hash = ?", (content_hash,)).fetchone()
        if old is not None:
            self.remove([old[0]])
        cur = conn.execute(
            "INSERT INTO sigs (hash, sig) VALUES (?, ?)", (content_hash, sig.to_bytes())
        )
        art = cur.lastrowid
        assert art is not None  # an INSERT always sets it
        keys = band_keys(sig)
        if not keys:
            return []
        candidates: set[int] = set()
        for key in keys:
            candidates.update(
                r[0] for r in conn.execute("SELECT art FROM bands WHERE key = ?", (key,))
            )
        candidates.discard(art)
        found: list[str] = []
        for other in sorted(candidates):
            row = conn.execute("SELECT hash, sig FROM sigs WHERE id = ?", (other,)).fetchone()
            if row is None:
                continue
            if near_duplicates(sig, Signature.from_bytes(row[1])):
                conn.execute(
                    "INSERT OR IGNORE INTO pairs VALUES (?, ?)", (min(art, other), max(art, other))
                )
                found.append(row[0])
        conn.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)", [(k, art) for k in keys])
        return found

    def remove(self, ids: Iterable[int]) -> None:
        """Forget these rows: their signatures, band keys and pairs."""
        conn = self._conn
        self._unmark()
        for art in ids:
            row = conn.execute("SELECT sig FROM sigs WHERE id = ?", (art,)).fetchone()
            if row is not None:
                keys = band_keys(Signature.from_bytes(row[0]))
                conn.executemany(
                    "DELETE FROM bands WHERE key = ? AND art = ?", [(k, art) for k in keys]
                )
            conn.execute("DELETE FROM pairs WHERE a = ? OR b = ?", (art, art))
            conn.execute("DELETE FROM sigs WHERE id = ?", (art,))

    def pairs(self) -> list[tuple[str, str]]:
        """Every near-duplicate pair, as content hashes."""
        return list(
            self._conn.execute(
                "SELECT x.hash, y.hash FROM pairs JOIN sigs x ON x.id = pairs.a "
                "JOIN sigs y ON y.id = pairs.b"
            )
        )

    def commit(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.commit()
        self._unmarked = False  # the next transaction drops the mark again if it changes
