"""The backup format (``newsreader export`` / ``import``): every record as JSON, checked on the
way in, merged so that importing the same file twice changes nothing the second time."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsreader.library.names import inert
from newsreader.library.text import clean_text
from newsreader.state import organising, records, tags
from newsreader.state.backup_merge import ImportReport, merge

# The merge of each kind of record lives in ``backup_merge``; this module stays the format's
# one entry point (parse, dump, merge).
__all__ = ["FORMAT", "VERSION", "BackupData", "ImportReport", "dump", "merge", "parse"]

FORMAT = "newsreader-backup"
VERSION = 1

_ARTICLE_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "path": (str,),
    "content_hash": (str,),
    "title": (str,),
    "read": (bool,),
    "progress": (int,),
    "paragraph": (int,),
    "offset": (int,),
    "first_opened": (str, type(None)),
    "last_opened": (str, type(None)),
    "updated": (str,),
}
# Fields added after format 1 shipped: optional on the way in (older backups lack them), and
# older newsreaders ignore them, so the format version stays 1.
# ``None`` for stars and tags means "not in this backup": the local value is kept.
_ARTICLE_OPTIONAL: dict[str, tuple[tuple[type, ...], Any]] = {
    "position_quote": ((str,), ""),
    "starred": ((bool,), None),
    "tags": ((list,), None),
}
_SAVED_FIELDS: dict[str, tuple[type, ...]] = {
    "name": (str,),
    "query": (str,),
    "sort": (str,),
    "seen": (list,),
    "last_seen": (str, type(None)),
    "created": (str,),
    "updated": (str,),
}
_SETTING_FIELDS: dict[str, tuple[type, ...]] = {"key": (str,), "value": (str,), "updated": (str,)}
_BOOKMARK_FIELDS: dict[str, tuple[type, ...]] = {
    "uuid": (str,),
    "article_id": (str,),
    "article_title": (str,),
    "quote": (str,),
    "prefix": (str,),
    "suffix": (str,),
    "paragraph": (int,),
    "start": (int,),
    "end": (int,),
    "note": (str,),
    "created": (str,),
    "updated": (str,),
    "orphaned": (bool,),
}
# Shown on screen: a backup is untrusted, so terminal escapes go like they do from articles.
_DISPLAYED = frozenset(
    {"title", "article_title", "quote", "prefix", "suffix", "note", "query", "value"}
)
# Ids and paths are spelled as the scanner spells file names (``library.names``).
_NAMES = frozenset({"id", "article_id", "path"})
# The largest value each integer may have: a percentage, or a place in an article (SQLite
# integers end at 2**63; an article has far fewer than 2**31 paragraphs or characters).
_INT_MAX = {"progress": 100}
_PLACE_MAX = 2**31 - 1


@dataclass(frozen=True, slots=True)
class BackupData:
    """Records as plain JSON-ready dicts."""

    articles: list[dict[str, Any]] = field(default_factory=list)
    bookmarks: list[dict[str, Any]] = field(default_factory=list)
    saved_searches: list[dict[str, Any]] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self, exported: datetime) -> dict[str, Any]:
        """The whole backup document."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported": records.stamp(exported),
            "articles": self.articles,
            "bookmarks": self.bookmarks,
            "saved_searches": self.saved_searches,
            "settings": self.settings,
        }

    @property
    def count(self) -> int:
        """How many records."""
        return (
            len(self.articles) + len(self.bookmarks) + len(self.saved_searches) + len(self.settings)
        )


def parse(document: object) -> BackupData:
    """Check a decoded backup; raises ValueError with one line saying what is wrong."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError('not a newsreader backup (no "format": "newsreader-backup")')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError('backup has no valid "version"')
    if version > VERSION:
        raise ValueError(f"backup format {version} is newer than this newsreader reads ({VERSION})")
    return BackupData(
        articles=_checked(document.get("articles"), "articles", _ARTICLE_FIELDS, _ARTICLE_OPTIONAL),
        bookmarks=_checked(document.get("bookmarks"), "bookmarks", _BOOKMARK_FIELDS),
        # Added after format 1 shipped: a backup from before them has neither list.
        saved_searches=_saved(
            _checked(document.get("saved_searches", []), "saved_searches", _SAVED_FIELDS)
        ),
        settings=_checked(document.get("settings", []), "settings", _SETTING_FIELDS),
    )


def _saved(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for n, item in enumerate(items, 1):
        try:
            item["name"] = tags.normalise(item["name"], "saved search")
        except ValueError as exc:
            raise ValueError(f"saved_searches record {n}: {exc}") from None
        if item["sort"] not in organising.SORTS:
            raise ValueError(f"saved_searches record {n}: 'sort' is not one of {organising.SORTS}")
        if not all(isinstance(s, str) for s in item["seen"]):
            raise ValueError(f"saved_searches record {n}: 'seen' holds something not an id")
        item["seen"] = [inert(s) for s in item["seen"]]
    return items


def _checked(
    items: object,
    name: str,
    fields: dict[str, tuple[type, ...]],
    optional: dict[str, tuple[tuple[type, ...], Any]] | None = None,
) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise ValueError(f"backup has no {name} list")
    optional = optional or {}
    out: list[dict[str, Any]] = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise ValueError(f"{name} record {n} is not an object")
        for key, (types, default) in optional.items():
            if key not in item:
                item = {**item, key: default}
            elif not isinstance(item[key], types):
                raise ValueError(f"{name} record {n}: {key!r} has the wrong type")
        for key, types in fields.items():
            value = item.get(key)
            ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
            if not ok:
                raise ValueError(f"{name} record {n}: {key!r} is missing or has the wrong type")
            if isinstance(value, int) and not isinstance(value, bool):
                if value < 0:
                    raise ValueError(f"{name} record {n}: {key!r} is negative")
                if value > _INT_MAX.get(key, _PLACE_MAX):
                    raise ValueError(
                        f"{name} record {n}: {key!r} is too large ({value:.3g}; "
                        f"at most {_INT_MAX.get(key, _PLACE_MAX)})"
                    )
            if isinstance(value, str) and key not in _NAMES and not _encodable(value):
                raise ValueError(f"{name} record {n}: {key!r} is not valid text (a lone surrogate)")
        if isinstance(item.get("tags"), list):
            try:
                item = {**item, "tags": list(tags.merged([], map(_tag, item["tags"]), []))}
            except ValueError as exc:
                raise ValueError(f"{name} record {n}: 'tags': {exc}") from None
        for key in ("updated", "created", "first_opened", "last_opened", "last_seen"):
            if isinstance(item.get(key), str) and records.unstamp(item[key]) is None:
                raise ValueError(f"{name} record {n}: {key!r} is not a timestamp")
        out.append({key: _cleaned(key, item[key]) for key in (*fields, *optional)})
    return out


def _tag(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a tag is not a string")
    return tags.normalise(value)


def _cleaned(key: str, value: Any) -> Any:
    if key in _DISPLAYED:
        return clean_text(value)
    if key in _NAMES:
        return inert(value)
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def dump(conn: sqlite3.Connection) -> BackupData:
    """Every article state and bookmark in the database."""
    articles = [
        {
            "id": r[0],
            "path": r[1],
            "content_hash": r[2],
            "title": r[3],
            "read": bool(r[4]),
            "progress": r[5],
            "paragraph": r[6],
            "offset": r[7],
            "first_opened": r[8],
            "last_opened": r[9],
            "updated": r[10],
            "position_quote": r[11],
            "starred": bool(r[12]),
            "tags": list(records.tags_of(r[13])),
        }
        for r in sorted(records.article_rows(conn), key=lambda r: str(r[0]))
    ]
    bookmarks = [
        {
            "uuid": b.uuid,
            "article_id": b.article_id,
            "article_title": b.article_title,
            "quote": b.quote,
            "prefix": b.prefix,
            "suffix": b.suffix,
            "paragraph": b.paragraph,
            "start": b.start,
            "end": b.end,
            "note": b.note,
            "created": records.stamp(b.created),
            "updated": records.stamp(b.updated),
            "orphaned": b.orphaned,
        }
        for b in records.list_bookmarks(conn, None)
    ]
    searches = [
        {
            "name": s.name,
            "query": s.query,
            "sort": s.sort,
            "seen": sorted(s.seen),
            "last_seen": records.stamp(s.last_seen),
            "created": records.stamp(s.created),
            "updated": records.stamp(s.updated),
        }
        for s in organising.saved_searches(conn)
    ]
    settings = [
        {"key": str(k), "value": str(v), "updated": str(u)}
        for k, v, u in conn.execute("SELECT key, value, updated FROM settings ORDER BY key")
    ]
    return BackupData(articles, bookmarks, searches, settings)
