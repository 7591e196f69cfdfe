"""Bookmarks as JSON or Markdown (re-anchored against the articles' current text), and the
full backup file behind ``newsreader export`` / ``newsreader import``."""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.errors import UserError
from newsreader.filewrite import resolve_target, write_atomic
from newsreader.library import Article, ArticleSummary, Library, LibraryScan, ParseError
from newsreader.library.front_matter import file_tags
from newsreader.library.names import inert
from newsreader.state import backup, records
from newsreader.state.backup import ImportReport
from newsreader.state.models import Anchor, Bookmark
from newsreader.state.state_store import StateStore
from newsreader.state.tags import merged

__all__ = [
    "ImportReport",
    "backup_text",
    "bookmarks_json",
    "bookmarks_markdown",
    "export_backup",
    "import_backup",
]


@dataclass(frozen=True, slots=True)
class _Placed:
    """A bookmark with its article (if still in the library) and where it is now."""

    bookmark: Bookmark
    summary: ArticleSummary | None
    anchor: Anchor | None
    text: str
    """The passage as the article has it now; the saved quote when orphaned."""


def _placed(store: StateStore, scan: LibraryScan, library: Library) -> list[_Placed]:
    store.reading_states(scan.articles)  # moves renamed articles' bookmarks to their new ids
    by_article: dict[str, list[Bookmark]] = {}
    for bm in store.bookmarks():
        by_article.setdefault(bm.article_id, []).append(bm)
    placed: list[_Placed] = []
    for article_id, marks in by_article.items():
        summary = scan.by_id.get(article_id)
        article: Article | None = None
        if summary is not None:
            try:
                article = library.load(summary)
            except ParseError:
                article = None
        for bm in marks:
            anchor = store.anchor(bm, article) if article is not None else None
            text = bm.quote
            if anchor is not None and article is not None:
                pieces = anchor.pieces or ((anchor.paragraph, anchor.start, anchor.end),)
                text = "\n\n".join(article.paragraphs[p][s:e] for p, s, e in pieces)
            placed.append(_Placed(bm, summary, anchor, text))
    placed.sort(key=_order)
    return placed


def _order(p: _Placed) -> tuple[int, int, str, str, int, int, int]:
    s = p.summary
    day = -s.date.toordinal() if s is not None and s.date else 0
    title = (s.title if s is not None else p.bookmark.article_title).casefold()
    where = (p.anchor.paragraph, p.anchor.start) if p.anchor else (1 << 30, 0)
    return (s is None, day, title, p.bookmark.article_id, p.anchor is None, *where)


def bookmarks_json(store: StateStore, scan: LibraryScan, library: Library) -> list[dict[str, Any]]:
    """Every bookmark, re-anchored against its article's current text, as JSON-ready dicts."""
    out: list[dict[str, Any]] = []
    placed = _placed(store, scan, library)
    tags = _tags(store, scan)
    for p in placed:
        bm, s = p.bookmark, p.summary
        user, own = tags.get(bm.article_id, ((), ()))
        out.append(
            {
                "uuid": bm.uuid,
                "article_id": bm.article_id,
                "article_title": s.title if s is not None else bm.article_title,
                "article_tags": list(user),
                "article_source_tags": list(own),
                "article_date": s.date.isoformat() if s is not None and s.date else None,
                "article_path": inert(s.path_str) if s is not None else None,
                "article_missing": s is None,
                "quote": p.text,
                "saved_quote": bm.quote,
                "note": bm.note,
                "paragraph": p.anchor.paragraph if p.anchor else bm.paragraph,
                "start": p.anchor.start if p.anchor else bm.start,
                "end": p.anchor.end if p.anchor else bm.end,
                "orphaned": s is not None and p.anchor is None,
                "created": records.stamp(bm.created),
                "updated": records.stamp(bm.updated),
            }
        )
    return out


def _tags(
    store: StateStore, scan: LibraryScan
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Article id -> (the user's tags, the file's own front-matter tags), for articles with
    bookmarks."""
    marked = {bm.article_id for bm in store.bookmarks()}
    articles = [scan.by_id[i] for i in marked if i in scan.by_id]
    states = store.reading_states(articles, unopened=False)
    return {
        a.id: (states[a.id].tags if a.id in states else (), file_tags(a.path_str, a.mtime_ns))
        for a in articles
    }


_LINE_START = re.compile(r"^(\s*)([#>*+\-]|\d+[.)])", re.MULTILINE)


def _md(text: str) -> str:
    """Article text as Markdown text: no line of it may start a heading, list or quote."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in _md(text).split("\n"))


def bookmarks_markdown(store: StateStore, scan: LibraryScan, library: Library) -> str:
    """Every bookmark grouped by article: title, date, each passage as a block quote and its
    note. Orphaned passages (the article is here, the passage is not) and passages of
    articles not in this library show their saved quote; both say which."""
    placed = _placed(store, scan, library)
    tags = _tags(store, scan)
    lines = ["# Bookmarks", ""]
    if not placed:
        lines += ["No bookmarks yet.", ""]
    current: str | None = None
    for p in placed:
        bm, s = p.bookmark, p.summary
        if bm.article_id != current:
            current = bm.article_id
            title = s.title if s is not None else bm.article_title or bm.article_id
            lines += [f"## {_md(title)}", ""]
            meta = [s.date.isoformat()] if s is not None and s.date else []
            meta.append(f"`{bm.article_id}`")
            if s is None:
                meta.append("article not in this library")
            user, own = tags.get(bm.article_id, ((), ()))
            if user or own:
                meta.append("tags: " + ", ".join(_md(t) for t in merged(user, own, ())))
            lines += [" · ".join(meta), ""]
        lines += [_blockquote(p.text), ""]
        if p.anchor is None and s is not None:
            lines += [
                "*Orphaned: this passage is no longer in the article; saved quote shown.*",
                "",
            ]
        if bm.note.strip():
            lines += [_md(bm.note.strip()), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def backup_text(store: StateStore) -> tuple[str, int]:
    """Every record as the backup's JSON text, and how many records there are."""
    data = store.backup_records()
    return json.dumps(data.to_json(records.now()), ensure_ascii=False, indent=1) + "\n", data.count


def export_backup(store: StateStore, path: Path) -> int:
    """Write every record to ``path`` as JSON (atomically, through a symlink); the number
    written. Never onto the state file or a snapshot: that would replace the only copy of
    the data with a text the next start calls damaged."""
    _not_the_state(store, path)
    text, count = backup_text(store)
    write_atomic(Path(path), text.encode("utf-8"))
    return count


def _not_the_state(store: StateStore, path: Path) -> None:
    target = resolve_target(Path(path))
    own = [Path(f"{store.path}{extra}") for extra in ("", "-wal", "-shm", "-journal")]
    if any(_same(target, p) for p in own):
        raise UserError(
            f"{inert(str(path))} is newsreader's state file; export to a file of your own"
        )
    folder = store.snapshot_dir
    if folder is not None and _same(target.parent, folder):
        raise UserError(
            f"{inert(str(path))} is in newsreader's snapshot folder; export to a file of your own"
        )


def _same(a: Path, b: Path) -> bool:
    with contextlib.suppress(OSError):
        return os.path.samefile(a, b)
    return False


MAX_BACKUP = 256 << 20
"""The largest backup ``import`` reads (100k articles and bookmarks take ~60 MB)."""


def import_backup(store: StateStore, path: Path) -> ImportReport:
    """Merge a backup made by ``export_backup``; idempotent. A bad file raises UserError."""
    try:  # a pipe is fine (import <(...)); /dev/zero must not fill the memory
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BACKUP + 1)
    except OSError as exc:
        raise UserError(f"cannot read {inert(str(path))}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BACKUP:
        raise UserError(
            f"{inert(str(path))} is not a newsreader backup (over {MAX_BACKUP // (1 << 20)} MiB)"
        )
    try:
        document = json.loads(raw.decode("utf-8-sig"))  # a BOM, as some editors save it
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: a 5,000-digit int
        raise UserError(f"{inert(str(path))} is not a newsreader backup (not JSON)") from None
    try:
        data = backup.parse(document)
    except ValueError as exc:
        raise UserError(f"{inert(str(path))}: {exc}") from None
    if not store.saving:
        raise UserError(f"cannot import: {store.reason}; nothing was changed")
    report = store.merge_records(data)
    if not store.saving:
        raise UserError(f"the import could not be saved: {store.reason}")
    return report
