"""The state file's schema and its migrations, numbered by ``PRAGMA user_version``.

Migrations only ever move forward; a file whose version is newer than ``CURRENT`` was written
by a newer newsreader and is opened read-only (see ``file_open``), never downgraded.
"""

from __future__ import annotations

import sqlite3

# Version 1: the first schema. Kept verbatim: files written by it exist on users' disks.
_V1 = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    progress INTEGER NOT NULL DEFAULT 0,
    paragraph INTEGER NOT NULL DEFAULT 0,
    para_offset INTEGER NOT NULL DEFAULT 0,
    first_opened TEXT,
    last_opened TEXT,
    updated TEXT NOT NULL
);
CREATE TABLE bookmarks (
    uuid TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    quote TEXT NOT NULL,
    prefix TEXT NOT NULL,
    suffix TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX bookmarks_article ON bookmarks(article_id);
"""

# Version 2: titles (so bookmarks of a vanished article still export with a title), the
# orphaned flag, a hash index for rename matching, and a commit serial that lets an
# instance tell its own commits from another process's.
_V2 = """
ALTER TABLE articles ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE bookmarks ADD COLUMN article_title TEXT NOT NULL DEFAULT '';
ALTER TABLE bookmarks ADD COLUMN orphaned INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_hash ON articles(content_hash);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('serial', 0);
UPDATE bookmarks SET article_title = coalesce(
    (SELECT title FROM articles WHERE articles.id = bookmarks.article_id AND title != ''),
    article_id);
"""

# Version 3: a few words of the text at the saved reading position, so reopening an edited
# article resumes at the same passage (see ``anchoring.relocate_position``).
_V3 = """
ALTER TABLE articles ADD COLUMN position_quote TEXT NOT NULL DEFAULT '';
"""

# Version 4: what the user organises the library with. Stars and tags sit on the article's
# row, so they follow a rename or an edit exactly as its reading state does (``rekey``);
# tags are a JSON list of the user's spellings. Saved searches and the list's settings are
# keyed by a case-folded name; ``seen`` lists the article ids (and content hashes, so a
# moved file is not new again) a saved search matched when it was last looked at, so new
# matches can be marked.
_V4 = """
ALTER TABLE articles ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
CREATE TABLE saved_searches (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    sort TEXT NOT NULL DEFAULT 'relevance',
    seen TEXT NOT NULL DEFAULT '[]',
    last_seen TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated TEXT NOT NULL);
"""

# Version 5: each change made here kept for sync in the transaction that makes it, until
# the sync ledger (a file of its own) has it too, so a kill between the two loses nothing
# (``StateStore._write_told``). ``items`` is a JSON list of [kind, key, body].
_V5 = """
CREATE TABLE sync_outbox (token TEXT PRIMARY KEY, items TEXT NOT NULL);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)
"""``MIGRATIONS[n]`` takes a file from version n to n + 1."""
CURRENT = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a new, empty file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to ``CURRENT``; call inside a write transaction. Returns the
    version found. A version newer than ``CURRENT`` is left alone."""
    found = user_version(conn)
    for version in range(found, CURRENT):
        for statement in _statements(MIGRATIONS[version]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version + 1}")
    return found


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT our transaction; run statement by statement instead.
    return [s.strip() for s in script.split(";") if s.strip()]
