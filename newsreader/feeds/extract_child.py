"""The reader's child process (``python -m newsreader.feeds.extract_child``), and what it says.

It reads jobs on stdin and answers each on stdout, framed by ``multiprocessing.connection``:
a JSON header (the task, address, charset, content type), the bytes, then one JSON answer.
JSON, not pickle, so neither side ever unpickles what the other sent. Tasks: "page" (the
article in a web page), "feed" (RSS or Atom to entries), "links" (the feeds a page
announces). The parent kills the child when a job takes too long (see ``pagereader``); the
child's own output goes nowhere, so a library's log line never reaches the terminal or the
app's screen.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import date
from typing import Any

from newsreader.feeds.article_file import ArticleDraft
from newsreader.feeds.feedparse import FeedEntry, ParsedFeed


def main() -> None:
    from multiprocessing.connection import Connection

    jobs = Connection(os.dup(0), writable=False)
    answers = Connection(os.dup(1), readable=False)
    threading.Thread(target=_orphaned, args=(os.getppid(),), daemon=True).start()
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
    answers.send_bytes(b'{"ready": true}')
    while True:
        try:
            header = json.loads(jobs.recv_bytes())
            body = jobs.recv_bytes()
        except (EOFError, OSError):
            return
        answers.send_bytes(json.dumps(_answer(header, body)).encode("utf-8"))


def _orphaned(parent: int) -> None:
    """Exit once the parent is gone: an app that quit mid-fetch leaves no reader behind busy
    with a page (the closed pipe alone is only noticed after the page)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _answer(header: dict[str, Any], body: bytes) -> dict[str, Any]:
    from newsreader.feeds.extract import NotAnArticle, extract_page
    from newsreader.feeds.feedparse import NotAFeed, discover_feeds, parse_feed

    task, url, charset = header.get("task"), header.get("url"), header.get("charset")
    try:
        if task == "page":
            return draft_to_json(extract_page(body, url, charset))
        if task == "feed":
            return feed_to_json(
                parse_feed(body, url or "", header.get("content_type", ""), charset)
            )
        if task == "links":
            return {"links": discover_feeds(body, url or "", charset)}
        return {"error": f"unknown task {task!r}"}
    except (NotAnArticle, NotAFeed) as exc:
        return {"error": str(exc)}
    except Exception as exc:  # MemoryError, RecursionError: one bad page, not the reader
        return {"error": f"cannot read it ({exc.__class__.__name__})"}


def draft_to_json(draft: ArticleDraft) -> dict[str, Any]:
    return {
        "title": draft.title,
        "paragraphs": list(draft.paragraphs),
        "date": _day(draft.date),
        "author": draft.author,
        "canonical_url": draft.canonical_url,
    }


def draft_from_json(data: dict[str, Any]) -> ArticleDraft:
    return ArticleDraft(
        title=str(data.get("title") or ""),
        date=_parse_day(data.get("date")),
        paragraphs=tuple(str(p) for p in data.get("paragraphs") or ()),
        author=_str(data.get("author")),
        canonical_url=_str(data.get("canonical_url")),
    )


def feed_to_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "problem": feed.problem,
        "site": feed.site,
        "entries": [
            {
                "link": e.link,
                "guid": e.guid,
                "title": e.title,
                "date": _day(e.date),
                "author": e.author,
                "paragraphs": list(e.paragraphs),
                "full": e.full,
            }
            for e in feed.entries
        ],
    }


def feed_from_json(data: dict[str, Any]) -> ParsedFeed:
    entries = tuple(
        FeedEntry(
            link=_str(e.get("link")),
            guid=_str(e.get("guid")),
            title=str(e.get("title") or ""),
            date=_parse_day(e.get("date")),
            author=_str(e.get("author")),
            paragraphs=tuple(str(p) for p in e.get("paragraphs") or ()),
            full=bool(e.get("full")),
        )
        for e in data.get("entries") or ()
    )
    return ParsedFeed(
        _str(data.get("title")), entries, _str(data.get("problem")), _str(data.get("site"))
    )


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _parse_day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _str(value: object) -> str | None:
    return str(value) if value else None


if __name__ == "__main__":
    main()
