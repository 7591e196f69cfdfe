"""OPML: the subscription lists feed readers exchange. Reading one (``read_opml``), adding
its feeds (``import_opml``) and writing ours (``export_opml``).

Outline folders become categories (nested ones joined with ``/``) and categories are written
back as folders, so a round trip keeps them. A file is read whole and checked before
anything is subscribed: a bad one changes nothing.

The parser is expat with every way for a document to grow or reach out refused: an entity
declaration (the "billion laughs" and external entities) or an external reference stops the
read, as does a file over ``MAX_BYTES``, one listing over ``MAX_FEEDS`` feeds, or folders
nested deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from newsreader.errors import UserError
from newsreader.feeds.subscriptions import Subscription, add_subscriptions
from newsreader.feeds.urls import BadUrl, check_web_url, web_url_or_none
from newsreader.library.parse import ParseError, read_article_bytes
from newsreader.library.text import clean_line

MAX_BYTES = 16 << 20
"""The largest OPML file read (ten thousand feeds take about two megabytes)."""
MAX_FEEDS = 10_000
"""More feeds than this is not someone's subscription list (and would slow every command
that reads feeds.json): refused whole."""
MAX_DEPTH = 32
"""Folders within folders deeper than this are not a subscription list."""
_SCRAPED = frozenset({"html+xpath", "xml+xpath", "json+dotnotation", "html+xpath+json+dotnotation"})
"""FreshRSS's web-scraping sources: their address is a page, not a feed."""


class OpmlError(UserError):
    """Not a usable OPML file; ``str(error)`` is the one-line reason."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed of an OPML file."""

    url: str
    title: str | None
    category: str | None
    """Its folders, outermost first, joined with ``/``; None at the top level."""
    site: str | None = None
    """The web site the feed is of (``htmlUrl``), when the file gives a web address."""


@dataclass(frozen=True, slots=True)
class OpmlList:
    """What an OPML file holds: its feeds in file order, each address once."""

    feeds: tuple[OpmlFeed, ...]
    skipped: tuple[str, ...] = ()
    """One-line notes on outlines left out (FreshRSS scraping sources)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What ``import_opml`` did."""

    added: tuple[Subscription, ...]
    already: int
    """Feeds of the file that were subscribed before."""
    skipped: tuple[str, ...] = ()


def looks_like_opml(data: bytes) -> bool:
    """True when ``data`` is an XML document whose root element is ``opml`` (cheap: only the
    first kilobytes are looked at, nothing is parsed)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = re.sub(
        rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head.lstrip(b"\xef\xbb\xbf"), flags=re.S
    )
    return re.match(rb"\s*<(?:[\w.-]+:)?opml[\s>/]", head, re.I) is not None


def read_opml_file(path: Path) -> OpmlList:
    """``read_opml`` on a file; OpmlError when it cannot be read or is not OPML."""
    try:
        data, _st = read_article_bytes(path, MAX_BYTES)
    except ParseError as exc:
        raise OpmlError(f"cannot read {clean_line(str(path), 200)}: {exc}") from None
    return read_opml(data, clean_line(str(path), 200))


def read_opml(data: bytes, name: str = "the OPML file") -> OpmlList:
    """The feeds of an OPML document; OpmlError naming the problem (and its line) for a
    document that is not well-formed XML, not OPML, has no feeds, declares entities, or
    gives a feed an address that is not http(s)."""
    if len(data) > MAX_BYTES:
        raise OpmlError(f"{name}: too large ({len(data)} bytes; limit {MAX_BYTES})")
    reader = _Reader(name)
    parser = expat.ParserCreate()
    reader.parser = parser
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.EntityDeclHandler = reader.refuse_entity
    parser.UnparsedEntityDeclHandler = reader.refuse_entity
    parser.ExternalEntityRefHandler = reader.refuse_entity
    parser.SkippedEntityHandler = reader.refuse_entity
    parser.StartDoctypeDeclHandler = reader.doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.errors.messages.get(exc.code, str(exc)) if exc.code else str(exc)
        raise OpmlError(f"{name}: not well-formed XML (line {exc.lineno}: {reason})") from None
    except (ValueError, LookupError) as exc:  # an encoding Python has no codec for
        raise OpmlError(f"{name}: cannot be read ({clean_line(str(exc), 120)})") from None
    if reader.root is None:
        raise OpmlError(f"{name}: empty document")
    if not reader.feeds:
        extra = f" ({reader.skipped[0]})" if reader.skipped else ""
        raise OpmlError(f"{name}: no feeds in it (no outline with an xmlUrl){extra}")
    return OpmlList(tuple(reader.feeds.values()), tuple(reader.skipped))


def import_opml(subscriptions: Path, opml: OpmlList) -> ImportReport:
    """Subscribe to every feed of ``opml`` not subscribed yet, in one write; a feed already
    there is left as it is (its category too), so importing a file twice adds nothing."""
    added = add_subscriptions(
        subscriptions, [(f.url, f.title, f.category, f.site) for f in opml.feeds]
    )
    return ImportReport(tuple(added), len(opml.feeds) - len(added), opml.skipped)


def export_opml(feeds: Iterable[Subscription], now: datetime | None = None) -> str:
    """An OPML 2.0 document of ``feeds``: each category a folder (``a/b`` nested), each
    folder where its first feed comes, feeds without one at the top level."""
    root = _Folder("")
    for feed in feeds:
        node = root
        for part in (p for p in (feed.category or "").split("/") if p.strip()):
            node = node.folder(part)
        node.items.append(feed)
    stamp = format_datetime(now or datetime.now(UTC), usegmt=True)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>newsreader subscriptions</title>",
        f"    <dateCreated>{stamp}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    root.write(2, lines)
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


# --- reading ----------------------------------------------------------------------------


class _Reader:
    """expat's callbacks: keeps the feeds of ``opml/body//outline`` and the folder path."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser: Any = None
        self.root: str | None = None
        self.stack: list[tuple[str, str | None]] = []
        """Open elements: (local name lower-cased, folder name when it is a folder)."""
        self.feeds: dict[str, OpmlFeed] = {}
        self.skipped: list[str] = []

    def refuse_entity(self, *_args: object) -> int:
        raise OpmlError(
            f"{self.name}: declares XML entities (line {self.parser.CurrentLineNumber}); "
            "refused, as they can expand without limit or read other files"
        )

    def doctype(self, _name: str, system_id: str | None, public_id: str | None, _i: int) -> None:
        if system_id or public_id:
            raise OpmlError(
                f"{self.name}: refers to an external DTD (line {self.parser.CurrentLineNumber}); "
                "refused, as reading it would reach out to other files or the network"
            )

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2].lower()
        if self.root is None:
            self.root = name
            if name != "opml":
                shown = clean_line(tag, 40)
                raise OpmlError(
                    f"{self.name}: not an OPML file (its root is <{shown}>, not <opml>)"
                )
        folder = None
        if name == "outline" and self._in_body():
            folder = self._outline({k.rpartition(":")[2].lower(): v for k, v in attrs.items()})
        self.stack.append((name, folder))
        if len(self.stack) > MAX_DEPTH + 2:
            raise OpmlError(f"{self.name}: outlines nested more than {MAX_DEPTH} deep")

    def end(self, _tag: str) -> None:
        self.stack.pop()

    def _in_body(self) -> bool:
        return (
            len(self.stack) >= 2
            and self.stack[1][0] == "body"
            and all(n == "outline" for n, _ in self.stack[2:])
        )

    def _outline(self, attrs: dict[str, str]) -> str | None:
        """Keep a feed; a folder's name (None for a feed or an outline without a name)."""
        text = clean_line(attrs.get("text", ""), 200)
        title = clean_line(attrs.get("title", ""), 200) or text
        address = attrs.get("xmlurl", "").strip()
        if not address:
            return title or None
        kind = attrs.get("type", "").strip().lower()
        if kind in _SCRAPED:
            self.skipped.append(
                f"{title or clean_line(address, 200)}: a web-scraping source ({kind}), not a feed"
            )
            return None
        try:
            url = check_web_url(address)
        except BadUrl as exc:
            line = self.parser.CurrentLineNumber
            raise OpmlError(f"{self.name} line {line}: {exc}") from None
        folders = [f for _n, f in self.stack[2:] if f]
        category = "/".join(folders) or None
        if category is None:  # OPML 2.0's own attribute: "/News/World,/Other"
            first = attrs.get("category", "").split(",")[0].strip().strip("/")
            category = clean_line(first, 200) or None
        site = web_url_or_none(attrs.get("htmlurl", ""))  # left out, not refused, when odd
        self.feeds.setdefault(url, OpmlFeed(url, title or None, category, site))
        if len(self.feeds) > MAX_FEEDS:
            raise OpmlError(f"{self.name}: lists more than {MAX_FEEDS:,} feeds; refused")
        return None


# --- writing ----------------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _feed_line(feed: Subscription, depth: int) -> str:
    title = feed.title or feed.url
    site = f" htmlUrl={_attr(feed.site)}" if feed.site else ""
    return (
        f'{"  " * depth}<outline type="rss" text={_attr(title)} title={_attr(title)} '
        f"xmlUrl={_attr(feed.url)}{site}/>"
    )


@dataclass(slots=True)
class _Folder:
    """A folder being written: its feeds and subfolders in the order they first come."""

    name: str
    items: list[Subscription | _Folder] = field(default_factory=list)
    _named: dict[str, _Folder] = field(default_factory=dict)

    def folder(self, name: str) -> _Folder:
        if name not in self._named:
            self._named[name] = _Folder(name)
            self.items.append(self._named[name])
        return self._named[name]

    def write(self, depth: int, lines: list[str]) -> None:
        for item in self.items:
            if isinstance(item, Subscription):
                lines.append(_feed_line(item, depth))
                continue
            pad = "  " * depth
            lines.append(f"{pad}<outline text={_attr(item.name)} title={_attr(item.name)}>")
            item.write(depth + 1, lines)
            lines.append(f"{pad}</outline>")
