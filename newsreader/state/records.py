"""Rows of the state file as models: every query and statement the store runs.

Each write function takes its timestamps as arguments, so the same call can be replayed
later (changes kept in memory while the file could not be written) with the same result.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any

from newsreader.library import ArticleSummary
from newsreader.library.names import inert
from newsreader.state.models import Anchor, Bookmark, ReadingState

Row = tuple[Any, ...]
"""A row as sqlite3 returns it."""

_ARTICLE = (
    "id, path, content_hash, title, read, progress, paragraph, para_offset, "
    "first_opened, last_opened, updated, position_quote, starred, tags"
)
_BOOKMARK = (
    "uuid, article_id, article_title, quote, prefix, suffix, paragraph, start_pos, "
    "end_pos, note, created, updated, orphaned"
)


def now() -> datetime:
    """The current time, timezone-aware UTC (what the store records)."""
    return datetime.now(UTC)


def stamp(when: datetime | None) -> str | None:
    """A datetime as stored: ISO 8601 with offset."""
    return when.isoformat(timespec="microseconds") if when is not None else None


def unstamp(text: str | None) -> datetime | None:
    """A stored timestamp back to an aware datetime (None for missing or unreadable)."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --- reading state --------------------------------------------------------------------------


def state_of(row: Row, article_id: str) -> ReadingState:
    """A ReadingState from an ``articles`` row (in ``_ARTICLE`` order)."""
    return ReadingState(
        article_id=article_id,
        read=bool(row[4]),
        progress=int(row[5]),
        paragraph=int(row[6]),
        offset=int(row[7]),
        first_opened=unstamp(row[8]),
        last_opened=unstamp(row[9]),
        quote=str(row[11] or ""),
        starred=bool(row[12]),
        tags=tags_of(row[13]),
    )


def tags_of(stored: object) -> tuple[str, ...]:
    """The tags column as a tuple (an unreadable value counts as none)."""
    try:
        value = json.loads(str(stored or "[]"))
    except ValueError:
        return ()
    return tuple(t for t in value if isinstance(t, str)) if isinstance(value, list) else ()


def article_rows(conn: sqlite3.Connection) -> list[Row]:
    """Every ``articles`` row."""
    return conn.execute(f"SELECT {_ARTICLE} FROM articles").fetchall()


def renamed_from(
    rows_by_hash: dict[str, list[Row]], article: ArticleSummary, current: set[str]
) -> Row | None:
    """The row an article had under an old id: same content hash, and the old id is no longer
    in the library and its file is gone (a copy is a new article; a move keeps its state)."""
    for row in rows_by_hash.get(article.content_hash, ()):
        old_id, old_path = str(row[0]), str(row[1])
        if old_id != article.id and old_id not in current and not os.path.exists(old_path):
            return row
    return None


def by_hash(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """Rows grouped by content hash, most recently updated first."""
    grouped: dict[str, list[Row]] = {}
    for row in sorted(rows, key=lambda r: str(r[10]), reverse=True):
        grouped.setdefault(str(row[2]), []).append(row)
    return grouped


def states_of(
    rows: list[Row], articles: Collection[ArticleSummary], unopened: bool
) -> tuple[dict[str, ReadingState], list[tuple[str, ArticleSummary]]]:
    """The state of each of ``articles`` from every stored row (``article_rows``), by
    article id, and the renames followed by content hash: (old id, article) pairs for
    ``rekey``. Without ``unopened``, articles with no row are left out."""
    by_id = {str(r[0]): r for r in rows}
    current = {a.id for a in articles}
    hashes: dict[str, list[Row]] | None = None
    states: dict[str, ReadingState] = {}
    renames: list[tuple[str, ArticleSummary]] = []
    for a in articles:
        row = by_id.get(a.id)
        if row is None:
            if hashes is None:
                hashes = by_hash(r for r in rows if str(r[0]) not in current)
            row = renamed_from(hashes, a, current)
            if row is not None:
                renames.append((str(row[0]), a))
                hashes[a.content_hash].remove(row)  # one old row moves to one new file
        if row:
            states[a.id] = state_of(row, a.id)
        elif unopened:
            states[a.id] = ReadingState(a.id)
    return states, renames


def find_row(conn: sqlite3.Connection, article: ArticleSummary) -> Row | None:
    """The row for one article: by id (survives edits), else by hash (survives a move)."""
    row = conn.execute(f"SELECT {_ARTICLE} FROM articles WHERE id = ?", (article.id,)).fetchone()
    if row is not None:
        return tuple(row)
    rows = conn.execute(
        f"SELECT {_ARTICLE} FROM articles WHERE content_hash = ?", (article.content_hash,)
    ).fetchall()
    return renamed_from(by_hash(rows), article, {article.id})


def rekey(conn: sqlite3.Connection, old_id: str, article: ArticleSummary, when: datetime) -> None:
    """Move an article's state and bookmarks from ``old_id`` to its new id and path."""
    cur = conn.execute(
        "UPDATE articles SET id = ?, path = ?, updated = ? WHERE id = ? "
        "AND NOT EXISTS (SELECT 1 FROM articles WHERE id = ?)",
        (article.id, inert(str(article.path)), stamp(when), old_id, article.id),
    )
    if cur.rowcount:
        conn.execute(
            "UPDATE bookmarks SET article_id = ? WHERE article_id = ?", (article.id, old_id)
        )


def ensure_article(conn: sqlite3.Connection, article: ArticleSummary, when: datetime) -> None:
    """Make sure the article has a row under its current id, following a rename."""
    row = find_row(conn, article)
    if row is not None and row[0] != article.id:
        rekey(conn, str(row[0]), article, when)
    conn.execute(
        "INSERT INTO articles (id, path, content_hash, title, updated) VALUES (?,?,?,?,?) "
        "ON CONFLICT(id) DO UPDATE SET path = excluded.path, "
        "content_hash = excluded.content_hash, title = excluded.title",
        (article.id, inert(str(article.path)), article.content_hash, article.title, stamp(when)),
    )


def load_state(conn: sqlite3.Connection, article_id: str) -> ReadingState:
    """The stored state of ``article_id`` (defaults when there is none)."""
    row = conn.execute(f"SELECT {_ARTICLE} FROM articles WHERE id = ?", (article_id,)).fetchone()
    return state_of(row, article_id) if row else ReadingState(article_id)


def mark_opened(conn: sqlite3.Connection, article: ArticleSummary, when: datetime) -> ReadingState:
    """Opening an article marks it read and records when."""
    ensure_article(conn, article, when)
    conn.execute(
        "UPDATE articles SET read = 1, first_opened = coalesce(first_opened, ?), "
        "last_opened = ?, updated = ? WHERE id = ?",
        (stamp(when), stamp(when), stamp(when), article.id),
    )
    return load_state(conn, article.id)


def set_read(
    conn: sqlite3.Connection, articles: Iterable[ArticleSummary], read: bool, when: datetime
) -> None:
    """Mark articles read or unread."""
    for article in articles:
        ensure_article(conn, article, when)
        conn.execute(
            "UPDATE articles SET read = ?, updated = ? WHERE id = ?",
            (int(read), stamp(when), article.id),
        )


def save_position(
    conn: sqlite3.Connection,
    article: ArticleSummary,
    paragraph: int,
    offset: int,
    progress: int,
    when: datetime,
    quote: str = "",
) -> None:
    """Record where the reader is in an article, and the text there (``quote``)."""
    ensure_article(conn, article, when)
    conn.execute(
        "UPDATE articles SET paragraph = ?, para_offset = ?, progress = ?, position_quote = ?, "
        "updated = ? WHERE id = ?",
        (
            max(0, paragraph),
            max(0, offset),
            min(100, max(0, progress)),
            quote,
            stamp(when),
            article.id,
        ),
    )


def bump_serial(conn: sqlite3.Connection) -> int:
    """Count this commit, so instances can tell their own commits from others'."""
    conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'serial'")
    return serial(conn)


def serial(conn: sqlite3.Connection) -> int:
    """The number of counted commits so far."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'serial'").fetchone()
    return int(row[0]) if row else 0


# --- bookmarks ------------------------------------------------------------------------------


def bookmark_of(row: Row) -> Bookmark:
    """A Bookmark from a ``bookmarks`` row (in ``_BOOKMARK`` order)."""
    created = unstamp(row[10]) or datetime.fromtimestamp(0, UTC)
    return Bookmark(
        uuid=str(row[0]),
        article_id=str(row[1]),
        article_title=str(row[2]),
        quote=str(row[3]),
        prefix=str(row[4]),
        suffix=str(row[5]),
        paragraph=int(row[6]),
        start=int(row[7]),
        end=int(row[8]),
        note=str(row[9]),
        created=created,
        updated=unstamp(row[11]) or created,
        orphaned=bool(row[12]),
    )


def put_bookmark(conn: sqlite3.Connection, bm: Bookmark) -> None:
    """Insert or replace a bookmark (same uuid)."""
    conn.execute(
        f"INSERT OR REPLACE INTO bookmarks ({_BOOKMARK}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            bm.uuid,
            bm.article_id,
            bm.article_title,
            bm.quote,
            bm.prefix,
            bm.suffix,
            bm.paragraph,
            bm.start,
            bm.end,
            bm.note,
            stamp(bm.created),
            stamp(bm.updated),
            int(bm.orphaned),
        ),
    )


def get_bookmark(conn: sqlite3.Connection, uuid: str) -> Bookmark | None:
    """One bookmark by uuid."""
    row = conn.execute(f"SELECT {_BOOKMARK} FROM bookmarks WHERE uuid = ?", (uuid,)).fetchone()
    return bookmark_of(row) if row else None


def list_bookmarks(conn: sqlite3.Connection, article_id: str | None) -> list[Bookmark]:
    """Bookmarks of one article in text order, or all of them oldest first."""
    if article_id is None:
        rows = conn.execute(f"SELECT {_BOOKMARK} FROM bookmarks ORDER BY created, uuid")
    else:
        rows = conn.execute(
            f"SELECT {_BOOKMARK} FROM bookmarks WHERE article_id = ? "
            "ORDER BY paragraph, start_pos, created",
            (article_id,),
        )
    return [bookmark_of(r) for r in rows.fetchall()]


def update_note(conn: sqlite3.Connection, uuid: str, note: str, when: datetime) -> Bookmark | None:
    """Change a bookmark's note."""
    conn.execute(
        "UPDATE bookmarks SET note = ?, updated = ? WHERE uuid = ?", (note, stamp(when), uuid)
    )
    return get_bookmark(conn, uuid)


def delete_bookmark(conn: sqlite3.Connection, uuid: str) -> Bookmark | None:
    """Remove a bookmark; returns it as it was."""
    gone = get_bookmark(conn, uuid)
    if gone is not None:
        conn.execute("DELETE FROM bookmarks WHERE uuid = ?", (uuid,))
    return gone


def set_anchor(conn: sqlite3.Connection, uuid: str, anchor: Anchor | None) -> None:
    """Record where a bookmark was found (or that it is orphaned). Keeps the saved quote."""
    if anchor is None:
        conn.execute("UPDATE bookmarks SET orphaned = 1 WHERE uuid = ?", (uuid,))
    else:
        conn.execute(
            "UPDATE bookmarks SET orphaned = 0, paragraph = ?, start_pos = ?, end_pos = ? "
            "WHERE uuid = ?",
            (anchor.paragraph, anchor.start, anchor.end, uuid),
        )
