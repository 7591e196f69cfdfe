"""Read RSS/Atom with feedparser into plain entries; find a site's feed from its HTML page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from newsreader.feeds.htmltext import html_paragraphs, html_text
from newsreader.feeds.urls import web_url_or_none
from newsreader.library.text import clean_line

FULL_TEXT_MIN = 800
"""Feed text at least this long (and not cut off) is taken as the whole article."""
_CUT_OFF = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|\(more…?\)|read the full .*)\W*$",
    re.IGNORECASE,
)
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)


class NotAFeed(Exception):
    """The document is not RSS or Atom; ``str(error)`` is the one-line reason."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed, reduced to what an article needs."""

    link: str | None
    """Absolute address of the entry's page, when it has one."""
    guid: str | None
    title: str
    date: date | None
    author: str | None
    paragraphs: tuple[str, ...]
    """The longest text the feed carries for it (full content or summary)."""
    full: bool
    """True when that text looks like the whole article, so the page need not be fetched."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and entries, in the feed's order."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    problem: str | None = None
    """What was wrong with a feed that was read only in part (broken XML), if anything."""
    site: str | None = None
    """The address of the web site the feed is of (its channel ``<link>``), when it is one."""


def parse_feed(
    body: bytes, url: str, content_type: str = "", charset: str | None = None
) -> ParsedFeed:
    """Parse RSS or Atom bytes; NotAFeed when nothing feed-like is in them. Never fetches."""
    # feedparser costs ~60-90 ms to import; only fetch and `feeds add` need it.
    import feedparser

    ctype = content_type + (f"; charset={charset}" if charset else "")
    headers = {"content-location": url, "content-type": ctype or "application/xml"}
    try:
        parsed: Any = feedparser.parse(body, response_headers=headers)
    except Exception as exc:  # feedparser is lenient, but bad encodings still escape it
        raise NotAFeed(f"not a valid feed ({exc.__class__.__name__})") from None
    head = body[:1024].lstrip().lower()
    if not parsed.get("version") and (
        content_type in ("text/html", "application/xhtml+xml")
        or head.startswith((b"<!doctype html", b"<html"))
    ):
        raise NotAFeed("not a feed (a web page, not RSS or Atom)")
    if not parsed.get("version") and not parsed.entries:
        if parsed.get("bozo"):
            reason = clean_line(str(parsed.get("bozo_exception", "")), 120)
            raise NotAFeed(f"not a valid feed ({reason})" if reason else "not a valid feed")
        raise NotAFeed("not a feed (no RSS or Atom found)")
    title = clean_line(_text(parsed.feed.get("title_detail"), parsed.feed.get("title"))) or None
    entries = tuple(_entry(e, url) for e in parsed.entries)
    problem = None
    if parsed.get("bozo"):
        # feedparser salvages what it can from broken XML; keep only entries worth saving.
        problem = clean_line(str(parsed.get("bozo_exception", "")), 120) or "malformed"
        entries = tuple(e for e in entries if e.link or e.paragraphs)
        if not entries:
            raise NotAFeed(f"not a valid feed ({problem})")
    return ParsedFeed(title, entries, problem, _site(parsed.feed.get("link"), url))


def _entry(e: Any, feed_url: str) -> FeedEntry:
    link = e.get("link")
    link = urljoin(feed_url, link.strip()) if isinstance(link, str) and link.strip() else None
    texts: list[tuple[str, ...]] = []
    for part in e.get("content") or []:
        texts.append(_paragraphs(part.get("type", ""), part.get("value", "")))
    if e.get("summary"):
        detail = e.get("summary_detail") or {}
        texts.append(_paragraphs(detail.get("type", "text/html"), e.get("summary")))
    best = max(texts, key=lambda ps: sum(len(p) for p in ps), default=())
    full = sum(len(p) for p in best) >= FULL_TEXT_MIN and not _CUT_OFF.search(best[-1])
    author_detail = e.get("author_detail") or {}
    author = author_detail.get("name") or e.get("author")
    return FeedEntry(
        link=link,
        guid=e.get("id") or None,
        title=_text(e.get("title_detail"), e.get("title")),
        date=_date(e.get("published_parsed") or e.get("updated_parsed")),
        author=html_text(author) if isinstance(author, str) and author.strip() else None,
        paragraphs=best,
        full=full,
    )


def _paragraphs(kind: str, value: str) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    if "html" in kind or "xml" in kind:
        return tuple(html_paragraphs(value))
    return tuple(html_paragraphs(value.replace("<", "&lt;")))


def _site(link: Any, feed_url: str) -> str | None:
    """The channel's link made absolute, when it is a web address (a feed can put anything
    there, and the address is exported and may be opened in a browser)."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        joined = urljoin(feed_url, link.strip())
    except ValueError:  # urljoin refuses some malformed addresses
        return None
    return web_url_or_none(joined)


def _text(detail: Any, value: Any) -> str:
    if not isinstance(value, str):
        return ""
    kind = (detail or {}).get("type", "")
    return html_text(value) if "html" in kind else " ".join(value.split())


def _date(parsed: Any) -> date | None:
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except (AttributeError, TypeError, ValueError):
        return None


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        a = {k: (v or "") for k, v in attrs}
        rels = a.get("rel", "").lower().split()
        if "alternate" in rels and a.get("type", "").lower() in _FEED_TYPES and a.get("href"):
            self.links.append(a["href"])


def discover_feeds(html: bytes, base_url: str, charset: str | None = None) -> list[str]:
    """Feed addresses a web page announces with ``<link rel="alternate" type="...rss+xml">``."""
    try:
        text = html.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = html.decode("utf-8", errors="replace")
    parser = _FeedLinks()
    parser.feed(text)
    parser.close()
    return list(dict.fromkeys(urljoin(base_url, h.strip()) for h in parser.links))
