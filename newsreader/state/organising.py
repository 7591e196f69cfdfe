"""Statements for what the user organises the library with: stars and tags on an article's
row (so they follow it through renames and edits, see ``records.rekey``), saved searches and
the list's settings. Like ``records``, every write takes its timestamp as an argument, so a
replayed write gives the same result.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from newsreader.library import ArticleSummary
from newsreader.state import records, tags
from newsreader.state.models import ReadingState, SavedSearch

SORTS = ("relevance", "date")
"""How a saved search orders its articles."""

_SAVED = "name, query, sort, seen, last_seen, created, updated"


def set_starred(
    conn: sqlite3.Connection, article: ArticleSummary, starred: bool | None, when: datetime
) -> ReadingState:
    """Star or unstar an article; ``None`` turns the star over (read inside the same write,
    so two instances toggling at once end where two toggles should)."""
    records.ensure_article(conn, article, when)
    if starred is None:
        row = conn.execute("SELECT starred FROM articles WHERE id = ?", (article.id,)).fetchone()
        starred = not (row and row[0])
    conn.execute(
        "UPDATE articles SET starred = ?, updated = ? WHERE id = ?",
        (int(starred), records.stamp(when), article.id),
    )
    return records.load_state(conn, article.id)


def change_tags(
    conn: sqlite3.Connection,
    article: ArticleSummary,
    add: Iterable[str],
    remove: Iterable[str],
    when: datetime,
    replace: bool = False,
) -> ReadingState:
    """Add and remove tags (already normalised) on an article, or with ``replace`` make
    ``add`` its whole set. The current tags are read inside the write, so another instance's
    tag added meanwhile is kept."""
    records.ensure_article(conn, article, when)
    row = conn.execute("SELECT tags FROM articles WHERE id = ?", (article.id,)).fetchone()
    current = () if replace or row is None else records.tags_of(row[0])
    new = tags.merged(current, add, remove)
    conn.execute(
        "UPDATE articles SET tags = ?, updated = ? WHERE id = ?",
        (json.dumps(list(new), ensure_ascii=False), records.stamp(when), article.id),
    )
    return records.load_state(conn, article.id)


def tags_in_use(conn: sqlite3.Connection) -> list[str]:
    """Every user tag stored, one spelling each (the most used), sorted case-insensitively."""
    spellings: dict[str, dict[str, int]] = {}
    for (stored,) in conn.execute("SELECT tags FROM articles WHERE tags != '[]'"):
        for tag in records.tags_of(stored):
            counts = spellings.setdefault(tags.key(tag), {})
            counts[tag] = counts.get(tag, 0) + 1
    best = [max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for c in spellings.values()]
    return sorted(best, key=lambda t: (tags.key(t), t))


# --- saved searches -------------------------------------------------------------------------


def saved_of(row: records.Row) -> SavedSearch:
    """A SavedSearch from a ``saved_searches`` row (in ``_SAVED`` order)."""
    created = records.unstamp(row[5]) or datetime.fromtimestamp(0, UTC)
    try:
        seen = json.loads(str(row[3]))
    except ValueError:
        seen = []
    return SavedSearch(
        name=str(row[0]),
        query=str(row[1]),
        sort=str(row[2]) if row[2] in SORTS else "relevance",
        seen=frozenset(s for s in seen if isinstance(s, str))
        if isinstance(seen, list)
        else frozenset(),
        last_seen=records.unstamp(row[4]),
        created=created,
        updated=records.unstamp(row[6]) or created,
    )


def saved_searches(conn: sqlite3.Connection) -> list[SavedSearch]:
    """Every saved search, by name (case-insensitively)."""
    rows = conn.execute(f"SELECT {_SAVED} FROM saved_searches ORDER BY key").fetchall()
    return [saved_of(r) for r in rows]


def saved_search(conn: sqlite3.Connection, name: str) -> SavedSearch | None:
    """One saved search by name, any case."""
    row = conn.execute(
        f"SELECT {_SAVED} FROM saved_searches WHERE key = ?", (tags.key(name),)
    ).fetchone()
    return saved_of(row) if row else None


def save_search(
    conn: sqlite3.Connection, name: str, query: str, sort: str, when: datetime
) -> SavedSearch:
    """Keep ``query`` under ``name`` (replacing the query of a search of that name, which
    keeps what it had seen). ``sort`` must be one of ``SORTS``."""
    stamp = records.stamp(when)
    conn.execute(
        f"INSERT INTO saved_searches ({_SAVED}, key) VALUES (?,?,?,'[]',NULL,?,?,?) "
        "ON CONFLICT(key) DO UPDATE SET name = excluded.name, query = excluded.query, "
        "sort = excluded.sort, updated = excluded.updated",
        (name, query, sort, stamp, stamp, tags.key(name)),
    )
    found = saved_search(conn, name)
    assert found is not None
    return found


def remove_search(conn: sqlite3.Connection, name: str) -> SavedSearch | None:
    """Forget a saved search; returns it as it was, or None when there was none."""
    gone = saved_search(conn, name)
    if gone is not None:
        conn.execute("DELETE FROM saved_searches WHERE key = ?", (tags.key(name),))
    return gone


def mark_seen(
    conn: sqlite3.Connection, name: str, ids: Iterable[str], when: datetime
) -> SavedSearch | None:
    """Record that the user looked at a saved search while it matched ``ids``."""
    conn.execute(
        "UPDATE saved_searches SET seen = ?, last_seen = ?, updated = ? WHERE key = ?",
        (
            json.dumps(sorted(set(ids)), ensure_ascii=False),
            records.stamp(when),
            records.stamp(when),
            tags.key(name),
        ),
    )
    return saved_search(conn, name)


# --- settings -------------------------------------------------------------------------------


def setting(conn: sqlite3.Connection, key: str) -> str | None:
    """A remembered setting (the list's sort order, …), or None."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def set_setting(conn: sqlite3.Connection, key: str, value: str, when: datetime) -> None:
    """Remember a setting."""
    conn.execute(
        "INSERT INTO settings (key, value, updated) VALUES (?,?,?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
        (key, value, records.stamp(when)),
    )
