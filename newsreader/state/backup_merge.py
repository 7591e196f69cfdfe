"""The merge of a backup into the database, one kind of record at a time: per record the newer
``updated`` wins, so importing the same file twice changes nothing the second time."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsreader.state import organising, records, tags
from newsreader.state.models import Bookmark

if TYPE_CHECKING:
    from newsreader.state.backup import BackupData


@dataclass(slots=True)
class ImportReport:
    """What an import changed; ``str()`` is a one-line summary."""

    articles_added: int = 0
    articles_updated: int = 0
    bookmarks_added: int = 0
    bookmarks_updated: int = 0
    searches_added: int = 0
    searches_updated: int = 0
    unchanged: int = 0
    changed_articles: list[str] = field(default_factory=list)
    """Ids of the articles added or updated (sync passes these on)."""
    changed_bookmarks: list[str] = field(default_factory=list)
    """Uuids of the bookmarks added or updated."""
    changed_searches: list[str] = field(default_factory=list)
    """Names of the saved searches added or updated, as in the backup."""
    changed_settings: list[str] = field(default_factory=list)
    """Keys of the settings taken from the backup."""

    def __str__(self) -> str:
        searches = ""
        if self.searches_added or self.searches_updated:
            searches = (
                f"{self.searches_added} saved searches added, {self.searches_updated} updated; "
            )
        return (
            f"{self.articles_added} articles added, {self.articles_updated} updated; "
            f"{self.bookmarks_added} bookmarks added, {self.bookmarks_updated} updated; "
            f"{searches}{self.unchanged} unchanged"
        )


def merge(conn: sqlite3.Connection, data: BackupData) -> ImportReport:
    """Merge ``data`` into the database: per record the newer ``updated`` wins, first and last
    opened times combine (earliest, latest). Call inside a write transaction."""
    report = ImportReport()
    for a in data.articles:
        _merge_article(conn, a, report)
    for b in data.bookmarks:
        _merge_bookmark(conn, b, report)
    for s in data.saved_searches:
        _merge_search(conn, s, report)
    for setting in data.settings:
        _merge_setting(conn, setting, report)
    return report


def _merge_article(conn: sqlite3.Connection, a: dict[str, Any], report: ImportReport) -> None:
    row = conn.execute(
        "SELECT path, content_hash, title, read, progress, paragraph, para_offset, "
        "position_quote, starred, tags, first_opened, last_opened, updated "
        "FROM articles WHERE id = ?",
        (a["id"],),
    ).fetchone()
    # A backup from before stars and tags says nothing about them: keep what is here.
    starred = int(a["starred"]) if a["starred"] is not None else (row[8] if row else 0)
    tagged = (
        json.dumps(a["tags"], ensure_ascii=False)
        if a["tags"] is not None
        else (row[9] if row else "[]")
    )
    # The quote travels with the position it describes: both come from the newer record.
    incoming = (
        a["path"],
        a["content_hash"],
        a["title"],
        int(a["read"]),
        a["progress"],
        a["paragraph"],
        a["offset"],
        a["position_quote"],
        starred,
        tagged,
    )
    if row is None:
        conn.execute(
            "INSERT INTO articles (id, path, content_hash, title, read, progress, paragraph, "
            "para_offset, position_quote, starred, tags, first_opened, last_opened, updated) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (a["id"], *incoming, a["first_opened"], a["last_opened"], a["updated"]),
        )
        report.articles_added += 1
        report.changed_articles.append(a["id"])
        return
    newer = _later(a["updated"], row[12])
    values = incoming if newer else tuple(row[:10])
    first = _pick(row[10], a["first_opened"], earliest=True)
    last = _pick(row[11], a["last_opened"], earliest=False)
    updated = a["updated"] if newer else row[12]
    merged = (*values, first, last, updated)
    if merged == tuple(row):
        report.unchanged += 1
        return
    conn.execute(
        "UPDATE articles SET path = ?, content_hash = ?, title = ?, read = ?, progress = ?, "
        "paragraph = ?, para_offset = ?, position_quote = ?, starred = ?, tags = ?, "
        "first_opened = ?, last_opened = ?, updated = ? WHERE id = ?",
        (*merged, a["id"]),
    )
    report.articles_updated += 1
    report.changed_articles.append(a["id"])


def _merge_search(conn: sqlite3.Connection, s: dict[str, Any], report: ImportReport) -> None:
    existing = organising.saved_search(conn, s["name"])
    if existing is not None and not _later(s["updated"], records.stamp(existing.updated)):
        report.unchanged += 1
        return
    conn.execute(
        "INSERT OR REPLACE INTO saved_searches "
        "(key, name, query, sort, seen, last_seen, created, updated) VALUES (?,?,?,?,?,?,?,?)",
        (
            tags.key(s["name"]),
            s["name"],
            s["query"],
            s["sort"],
            json.dumps(sorted(set(s["seen"])), ensure_ascii=False),
            s["last_seen"],
            s["created"],
            s["updated"],
        ),
    )
    report.changed_searches.append(s["name"])
    if existing is None:
        report.searches_added += 1
    else:
        report.searches_updated += 1


def _merge_setting(conn: sqlite3.Connection, s: dict[str, Any], report: ImportReport) -> None:
    row = conn.execute("SELECT updated FROM settings WHERE key = ?", (s["key"],)).fetchone()
    if row is not None and not _later(s["updated"], row[0]):
        report.unchanged += 1
        return
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value, updated) VALUES (?,?,?)",
        (s["key"], s["value"], s["updated"]),
    )
    report.changed_settings.append(s["key"])


def _merge_bookmark(conn: sqlite3.Connection, b: dict[str, Any], report: ImportReport) -> None:
    existing = records.get_bookmark(conn, b["uuid"])
    if existing is not None and not _later(b["updated"], records.stamp(existing.updated)):
        report.unchanged += 1
        return
    created = records.unstamp(b["created"])
    updated = records.unstamp(b["updated"])
    assert created is not None and updated is not None  # checked by parse()
    records.put_bookmark(
        conn,
        Bookmark(
            uuid=b["uuid"],
            article_id=b["article_id"],
            article_title=b["article_title"],
            quote=b["quote"],
            prefix=b["prefix"],
            suffix=b["suffix"],
            paragraph=b["paragraph"],
            start=b["start"],
            end=b["end"],
            note=b["note"],
            created=created,
            updated=updated,
            orphaned=existing.orphaned if existing is not None else b["orphaned"],
        ),
    )
    report.changed_bookmarks.append(b["uuid"])
    if existing is None:
        report.bookmarks_added += 1
    else:
        report.bookmarks_updated += 1


def _later(candidate: str | None, current: str | None) -> bool:
    """Whether timestamp ``candidate`` is strictly later than ``current``."""
    a, b = records.unstamp(candidate), records.unstamp(current)
    if a is None:
        return False
    return b is None or a > b


def _pick(mine: str | None, theirs: str | None, earliest: bool) -> str | None:
    if mine is None or theirs is None:
        return mine if theirs is None else theirs
    a, b = records.unstamp(mine), records.unstamp(theirs)
    if a is None or b is None:
        return mine if a is not None else theirs
    return (theirs if b < a else mine) if earliest else (theirs if b > a else mine)
