"""The sync ledger's tables and their version: made in a new ledger, carried over from an
older one in the transaction that opens it, and kinds an older version did not know filed
again under the entity this one knows them by."""

from __future__ import annotations

import sqlite3

from newsreader.errors import UserError
from newsreader.sync.changes import REFILED
from newsreader.sync.hlc import wall_ms

SCHEMA_VERSION = 2
"""The ledger's layout, in its ``meta`` as ``schema`` (a ledger without it is of version 1:
each change's row repeated its device and kind, and the table had a rowid and a sequence
index besides its stamp; ``_migrate_from_1`` carries such a ledger over whole)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    id TEXT PRIMARY KEY, entity TEXT NOT NULL, key TEXT NOT NULL, record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS changes_key ON changes(entity, key);
CREATE TABLE IF NOT EXISTS own (seq INTEGER PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segments (name TEXT PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (device TEXT PRIMARY KEY, host TEXT NOT NULL, synced TEXT);
CREATE TABLE IF NOT EXISTS pending (entity TEXT NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (entity, key));
CREATE TABLE IF NOT EXISTS skipped (name TEXT PRIMARY KEY, reason TEXT NOT NULL,
    since TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS applied_feeds (key TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS outbox (token TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outbox_at ON outbox(at);
"""
"""A change's row is its stamp (the table's key: a device's segment goes in in stamp order),
what it changes and the record as its segment has it; this device's own changes are also
numbered in ``own``, in the order they were made, for export. ``outbox``: the state file's
outbox rows recorded, and when (milliseconds)."""


class NewerLedger(UserError):
    """A ledger written by a newer newsreader: left as it is (it may hold changes not yet
    sent), and sync stops until that version runs again."""


def meta(conn: sqlite3.Connection, key: str) -> str | None:
    """One of the ledger's own settings (device id, clock, what was exported, …), or None."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set one of the ledger's own settings."""
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, value))


def refile(conn: sqlite3.Connection) -> None:
    """Changes of a kind an older version did not know were filed under the kind's name, and
    so was what they touch: file them under the entity this version knows them by, so they
    merge with the rest of it and reach the state file."""
    for kind, entity in REFILED.items():
        # No entity is named as one of these kinds: rows filed under such a name are of it.
        conn.execute("UPDATE changes SET entity = ? WHERE entity = ?", (entity, kind))
        conn.execute(
            "INSERT OR IGNORE INTO pending (entity, key) SELECT ?, key FROM pending "
            "WHERE entity = ?",
            (entity, kind),
        )
        conn.execute("DELETE FROM pending WHERE entity = ?", (kind,))


def make_schema(conn: sqlite3.Connection) -> None:
    """The tables of this version: made in a new ledger, carried over from an older one."""
    version = _schema_version(conn)
    if version > SCHEMA_VERSION:
        raise NewerLedger(
            f"the sync ledger was written by a newer newsreader (layout {version}; this one "
            f"knows {SCHEMA_VERSION}): sync is off until that version runs here again"
        )
    if version == 1:
        _migrate_from_1(conn)
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    set_meta(conn, "schema", str(SCHEMA_VERSION))


def _schema_version(conn: sqlite3.Connection) -> int:
    """The layout of the ledger as found: 0 when new."""
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "meta" in tables:
        held = meta(conn, "schema")
        if held is not None:
            return int(held) if held.isdigit() else SCHEMA_VERSION + 1
    return 1 if "changes" in tables else 0


def _migrate_from_1(conn: sqlite3.Connection) -> None:
    """A ledger of version 1 in this version's layout, in the transaction that opens it (a
    kill leaves it as it was): every change, this device's numbering, the outbox's tokens."""
    conn.execute("ALTER TABLE changes RENAME TO changes_1")
    conn.execute("DROP INDEX IF EXISTS changes_key")
    conn.execute("ALTER TABLE outbox RENAME TO outbox_1")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(
        "INSERT INTO changes (id, entity, key, record) "
        "SELECT id, entity, key, record FROM changes_1 ORDER BY id"
    )
    conn.execute("INSERT INTO own (seq, id) SELECT seq, id FROM changes_1 WHERE seq IS NOT NULL")
    # Kept as if recorded now: a row of the state file's outbox may still name one.
    conn.execute("INSERT INTO outbox (token, at) SELECT token, ? FROM outbox_1", (wall_ms(),))
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM changes_1), (SELECT count(*) FROM changes), "
        "(SELECT count(*) FROM changes_1 WHERE seq IS NOT NULL), (SELECT count(*) FROM own)"
    ).fetchone()
    if counts[0] != counts[1] or counts[2] != counts[3]:
        raise sqlite3.DatabaseError(f"the ledger did not carry over whole ({counts})")
    conn.execute("DROP TABLE changes_1")
    conn.execute("DROP TABLE outbox_1")
