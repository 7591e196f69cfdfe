"""The merged state of articles, bookmarks, tags, saved searches and settings written into
the state file (in one of its write transactions, through ``StateStore.write_synced``). Text
from another device is data: cleaned of terminal controls as a backup's is, ids and paths
made inert."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from typing import Any

from newsreader.library.names import inert
from newsreader.library.text import clean_text
from newsreader.sync import merge


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="microseconds")


def _iso(param: str) -> str:
    """SQL for the time ``param`` holds (milliseconds) as the state file writes times (the
    ISO form of ``datetime.isoformat``, in UTC); NULL stays NULL. SQLite formats it at a
    third of Python's cost, which a merge of 100k changes pays per change."""
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', {param} / 1000, 'unixepoch') "
        f"|| printf('.%03d000+00:00', {param} % 1000)"
    )


_UPDATE_ARTICLE = (
    f"UPDATE articles SET updated = {_iso('?1')}, read = coalesce(?2, read), "
    "paragraph = coalesce(?3, paragraph), para_offset = coalesce(?4, para_offset), "
    "progress = coalesce(?5, progress), position_quote = coalesce(?6, position_quote), "
    f"first_opened = coalesce({_iso('?7')}, first_opened), "
    f"last_opened = coalesce({_iso('?8')}, last_opened), "
    "starred = coalesce(?9, starred) WHERE content_hash = ?10"
)
"""What a merge says of an article, on every copy held here; None leaves a field as it is."""
_INSERT_ARTICLE = (
    "INSERT INTO articles (updated, read, paragraph, para_offset, progress, position_quote, "
    "first_opened, last_opened, starred, content_hash, id, path, title) "
    f"VALUES ({_iso('?1')}, coalesce(?2, 0), coalesce(?3, 0), coalesce(?4, 0), "
    f"coalesce(?5, 0), coalesce(?6, ''), {_iso('?7')}, {_iso('?8')}, coalesce(?9, 0), "
    "?10, ?11, ?12, ?13) ON CONFLICT(id) DO NOTHING"
)
"""An article not held here: what a merge says, else the columns' defaults."""


def write_articles(conn: sqlite3.Connection, states: list[merge.ArticleState]) -> None:
    """Each article's merged read mark, place and opening times, on every copy held here."""
    known = _hashes_held(conn, [s.content_hash for s in states])
    updates: list[tuple[Any, ...]] = []
    inserts: list[tuple[Any, ...]] = []
    for s in states:
        place = s.position
        row = (
            s.updated,
            None if s.read is None else int(s.read),
            *((None,) * 4 if place is None else (*place[:3], clean_text(place[3]))),
            s.first_opened,
            s.last_opened,
            None if s.starred is None else int(s.starred),
            s.content_hash,
        )
        if s.content_hash in known:  # every copy here with this content
            updates.append(row)
        else:
            # Not read here yet: kept under the other device's id and path until a scan
            # finds the file here by its content hash (as it follows a rename).
            inserts.append((*row, inert(s.id), inert(s.path), clean_text(s.title)))
    # Apart, not in turn: an update touches only copies held before, an insert only content
    # not held (of two articles under one id, the first inserted is kept).
    conn.executemany(_UPDATE_ARTICLE, updates)
    conn.executemany(_INSERT_ARTICLE, inserts)


def _hashes_held(conn: sqlite3.Connection, hashes: list[str]) -> set[str]:
    held: set[str] = set()
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        rows = conn.execute(
            "SELECT DISTINCT content_hash FROM articles "
            f"WHERE content_hash IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        held.update(str(r[0]) for r in rows)
    return held


def write_bookmarks(conn: sqlite3.Connection, marks: list[merge.BookmarkState]) -> None:
    """Each merged bookmark put in place, or removed."""
    from newsreader.state import records
    from newsreader.state.models import Bookmark

    for m in marks:
        if not m.alive:
            conn.execute("DELETE FROM bookmarks WHERE uuid = ?", (m.uuid,))
            continue
        f = m.fields
        held = records.get_bookmark(conn, m.uuid)
        article_id = _local_article(conn, f, held)
        bookmark = Bookmark(
            uuid=m.uuid,
            article_id=article_id,
            article_title=clean_text(str(f["article_title"])),
            quote=clean_text(str(f["quote"])),
            prefix=clean_text(str(f["prefix"])),
            suffix=clean_text(str(f["suffix"])),
            # Where the passage sits in this device's copy was found here: keep it.
            paragraph=held.paragraph if held else int(f["paragraph"]),
            start=held.start if held else int(f["start"]),
            end=held.end if held else int(f["end"]),
            note=clean_text(m.note),
            created=datetime.fromtimestamp(int(f["created"]) / 1000, UTC),
            updated=datetime.fromtimestamp(m.updated / 1000, UTC),
            orphaned=held.orphaned if held else False,
        )
        records.put_bookmark(conn, bookmark)


def _local_article(conn: sqlite3.Connection, f: dict[str, Any], held: Any) -> str:
    """The id this device knows the bookmarked article by: found by its content hash, else the
    other device's id (with a row, so a later scan moves it to the local file by hash)."""
    if held is not None:
        return str(held.article_id)
    content_hash = str(f["article_hash"])
    if content_hash:
        row = conn.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY updated DESC LIMIT 1",
            (content_hash,),
        ).fetchone()
        if row is not None:
            return str(row[0])
        conn.execute(
            "INSERT INTO articles (id, path, content_hash, title, updated) VALUES (?,?,?,?,?) "
            "ON CONFLICT(id) DO NOTHING",
            (
                inert(str(f["article_id"])),
                inert(str(f["article_path"])),
                content_hash,
                clean_text(str(f["article_title"])),
                _when(int(f["created"])),
            ),
        )
    return inert(str(f["article_id"]))


def write_tags(conn: sqlite3.Connection, states: list[merge.TagState]) -> None:
    """Each merged user tag put on, or taken off, every copy here of its article. A name this
    version would not accept (from a damaged or odd device) is left out."""
    from newsreader.state import records, tags

    named: list[tuple[merge.TagState, str]] = []
    for s in states:
        try:
            name = tags.normalise(s.name)
        except ValueError:
            continue
        if tags.key(name) == s.key:
            named.append((s, name))
    # Every copy's tags read at once and changed here; each changed copy written once.
    held: dict[str, list[str]] = {}  # the ids of the copies held here, by content hash
    stored: dict[str, tuple[str, ...]] = {}  # each copy's tags as they stand, by id
    hashes = sorted({s.content_hash for s, _ in named})
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        rows = conn.execute(
            "SELECT id, content_hash, tags FROM articles "
            f"WHERE content_hash IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for article_id, content_hash, text in rows:
            held.setdefault(content_hash, []).append(article_id)
            stored[article_id] = records.tags_of(text)
    changed: dict[str, None] = {}
    for s, name in named:
        ids = held.get(s.content_hash)
        if not ids:
            if not s.alive:
                continue
            ids = held[s.content_hash] = [_tagged_article(conn, s, stored)]
        for article_id in ids:
            now = stored[article_id]
            spelled = {tags.key(t): t for t in now}
            if s.alive:
                if spelled.get(s.key) == name:
                    continue
                # In its place if there, spelled as its latest add is on every device.
                new = tuple(name if tags.key(t) == s.key else t for t in now)
                new = new if s.key in spelled else (*now, name)
            else:
                if s.key not in spelled:
                    continue
                new = tuple(t for t in now if tags.key(t) != s.key)
            stored[article_id] = new
            changed[article_id] = None
    conn.executemany(
        "UPDATE articles SET tags = ? WHERE id = ?",
        [(json.dumps(list(stored[i]), ensure_ascii=False), i) for i in changed],
    )


def _tagged_article(
    conn: sqlite3.Connection, s: merge.TagState, stored: dict[str, tuple[str, ...]]
) -> str:
    """The id to tag for content not held here: a row under the other device's id and path
    (a scan moves it to the local file by hash), or the row that already has that id here
    (its content changed), whose own tags stay."""
    from newsreader.state import records

    ident = s.identity
    article_id = inert(ident["id"])
    conn.execute(
        "INSERT INTO articles (id, path, content_hash, title, updated) "
        "VALUES (?,?,?,?,?) ON CONFLICT(id) DO NOTHING",
        (
            article_id,
            inert(ident["path"]),
            s.content_hash,
            clean_text(ident["title"]),
            _when(time.time_ns() // 1_000_000),
        ),
    )
    if article_id not in stored:
        row = conn.execute("SELECT tags FROM articles WHERE id = ?", (article_id,)).fetchone()
        stored[article_id] = records.tags_of(row[0]) if row else ()
    return article_id


def write_searches(conn: sqlite3.Connection, states: list[merge.SearchState]) -> None:
    """Each merged saved search kept (what it had been seen matching here stays), or
    forgotten."""
    from newsreader.state import organising, tags

    for s in states:
        if not s.alive:
            conn.execute("DELETE FROM saved_searches WHERE key = ?", (s.key,))
            continue
        try:
            name = tags.normalise(s.name, "saved search")
        except ValueError:
            continue
        query = " ".join(clean_text(s.query).split())
        if not query or tags.key(name) != s.key:
            continue
        sort = s.sort if s.sort in organising.SORTS else "relevance"
        organising.save_search(
            conn, name, query, sort, datetime.fromtimestamp(s.updated / 1000, UTC)
        )


def write_settings(conn: sqlite3.Connection, states: list[merge.SettingState]) -> None:
    """Each merged setting remembered."""
    from newsreader.state import organising

    for s in states:
        organising.set_setting(conn, clean_text(s.key), clean_text(s.value), datetime.now(UTC))
