"""The store's changes as sync records them: (kind, key, body), in the shapes the sync log
(``newsreader.sync.changes``) defines. Articles are keyed by content hash, not path or id:
another device may keep the same article elsewhere."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from newsreader.library import ArticleSummary
from newsreader.state import records, tags
from newsreader.state.backup import BackupData
from newsreader.state.models import Bookmark

ChangeItem = tuple[str, str, dict[str, Any]]
"""One change for sync. A body's ``_wall`` (milliseconds) is the time it was made, when that
is not now (records from before sync was set up, or from a backup)."""


def ms(when: datetime) -> int:
    """A time as sync stamps it: milliseconds since the epoch."""
    return int(when.timestamp() * 1000)


def article_change(kind: str, article: ArticleSummary, **fields: Any) -> ChangeItem:
    """A ``read``, ``position`` or ``opened`` change of one article."""
    body = {"id": article.id, "path": str(article.path), "title": article.title, **fields}
    return (kind, article.content_hash, body)


def tag_changes(
    article: ArticleSummary,
    before: Iterable[str],
    after: Iterable[str],
    added: Iterable[str] = (),
) -> list[ChangeItem]:
    """A ``tag`` change per user tag the article gained or the user added again (``added``:
    a tag named is an add even when it was there, so it outlives a removal made meanwhile on
    another device), an ``untag`` per tag it lost. A tag is keyed by the content hash and its
    name's key; its body holds the spelling the article keeps."""
    ident = {"id": article.id, "path": str(article.path), "title": article.title}
    return tag_changes_of(article.content_hash, ident, before, after, added)


def tag_changes_of(
    content_hash: str,
    ident: dict[str, Any],
    before: Iterable[str],
    after: Iterable[str],
    added: Iterable[str] = (),
) -> list[ChangeItem]:
    """``tag_changes`` for an article known by its hash and identity (id, path, title)."""
    had = {tags.key(t): t for t in before}
    has = {tags.key(t): t for t in after if isinstance(t, str)}
    again = {tags.key(t) for t in added}
    items: list[ChangeItem] = [
        ("tag", f"{content_hash} {k}", {**ident, "name": name})
        for k, name in has.items()
        if k not in had or k in again or had[k] != name
    ]
    items += [("untag", f"{content_hash} {k}", {}) for k in had if k not in has]
    return items


def bookmark_change(bm: Bookmark, content_hash: str, path: str) -> ChangeItem:
    """A whole bookmark, as added or restored."""
    body = {
        "article_hash": content_hash,
        "article_id": bm.article_id,
        "article_path": path,
        "article_title": bm.article_title,
        "quote": bm.quote,
        "prefix": bm.prefix,
        "suffix": bm.suffix,
        "paragraph": bm.paragraph,
        "start": bm.start,
        "end": bm.end,
        "note": bm.note,
        "created": ms(bm.created),
    }
    return ("bookmark", bm.uuid, body)


def restored_change(conn: sqlite3.Connection, bm: Bookmark) -> ChangeItem:
    """A bookmark put back or saved again, whole, with its article as the state file has it."""
    row = conn.execute(
        "SELECT content_hash, path FROM articles WHERE id = ?", (bm.article_id,)
    ).fetchone()
    content_hash, path = (str(row[0]), str(row[1])) if row else ("", "")
    return bookmark_change(bm, content_hash, path)


def _ms(text: Any) -> int | None:
    when = records.unstamp(text) if isinstance(text, str) else None
    return ms(when) if when is not None else None


def from_backup(data: BackupData, unstars: bool = False) -> list[ChangeItem]:
    """Records (as ``backup.dump`` gives them) as changes stamped when each was made. With
    ``unstars`` (records an import took in), an article the record says is not starred is a
    ``star`` change too: the import may have taken its star away."""
    items: list[ChangeItem] = []
    where: dict[str, tuple[str, str]] = {}
    for a in data.articles:
        where[a["id"]] = (a["content_hash"], a["path"])
        ident = {
            "id": a["id"],
            "path": a["path"],
            "title": a["title"],
            "_wall": _ms(a["updated"]) or 0,
        }
        key = a["content_hash"]
        items.append(("read", key, {**ident, "read": bool(a["read"])}))
        if a["progress"] or a["paragraph"] or a["offset"]:
            place = {k: a[k] for k in ("paragraph", "offset", "progress")}
            items.append(("position", key, {**ident, **place, "quote": a["position_quote"]}))
        for opened in sorted({a["first_opened"], a["last_opened"]} - {None}):
            at = _ms(opened)
            if at is not None:
                items.append(("opened", key, {**ident, "at": at}))
        starred = a.get("starred")
        if starred or (unstars and starred is False):
            items.append(("star", key, {**ident, "starred": bool(starred)}))
        held = a.get("tags")
        if isinstance(held, list):
            items += tag_changes_of(key, ident, (), held)
    for s in data.saved_searches:
        body = {"name": s["name"], "query": s["query"], "sort": s["sort"]}
        items.append(("search", tags.key(s["name"]), {**body, "_wall": _ms(s["updated"]) or 0}))
    for setting in data.settings:
        body = {"value": setting["value"], "_wall": _ms(setting["updated"]) or 0}
        items.append(("setting", setting["key"], body))
    for b in data.bookmarks:
        content_hash, path = where.get(b["article_id"], ("", ""))
        body = {k: b[k] for k in ("article_id", "article_title", "quote", "prefix", "suffix")}
        body |= {k: b[k] for k in ("paragraph", "start", "end", "note")}
        body |= {"article_hash": content_hash, "article_path": path}
        body |= {"created": _ms(b["created"]) or 0, "_wall": _ms(b["updated"]) or 0}
        items.append(("bookmark", b["uuid"], body))
    return items
