"""Markdown to plain paragraphs, each with a ``Block`` saying how to show it.

markdown-it-py (CommonMark, plus GFM tables and strikethrough) does the parsing: nested and
numbered lists, reference links, code fences, emphasis with ``_`` and ``*``, HTML and entity
rules are its business, not a few regular expressions'. The markup is gone from the text: a
link is its words (the address rides in a span), emphasis is a span, a list item's text
starts with its marker. Everything that came from the file is cleaned of control characters,
after entities are decoded (``&#27;`` is an escape too).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsreader.library.blocks import Block, BlockKind, Span, SpanStyle
from newsreader.library.text import clean_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SAFE_SCHEMES = ("http://", "https://", "mailto:")
"""Addresses a link may carry to the terminal; others (javascript:, file:, relative) are
shown as plain words."""
BULLETS = ("•", "◦", "▪")
TAB = 4
CODE_INDENT = 2

_HIDDEN_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_SPACES = re.compile(r"[^\S\n]+")
_INLINE_STYLES = {
    "strong": SpanStyle.BOLD,
    "em": SpanStyle.ITALIC,
    "s": SpanStyle.STRIKE,
}

_parser: MarkdownIt | None = None


def _markdown_it() -> MarkdownIt:
    global _parser
    if _parser is None:
        from markdown_it import MarkdownIt  # ~20 ms, only for libraries with Markdown

        parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
        # Every link is parsed as a link, so its markup never shows; which addresses may
        # become a hyperlink is safe_url's decision.
        parser.validateLink = lambda url: True  # type: ignore[method-assign]
        _parser = parser
    return _parser


def safe_url(url: str | None) -> str | None:
    """``url`` if it may become a terminal hyperlink, else None."""
    if not url:
        return None
    url = clean_text(url).strip()
    return url if url.lower().startswith(SAFE_SCHEMES) and " " not in url else None


class _Text:
    """One paragraph's text and spans as the inline tokens are walked."""

    def __init__(self) -> None:
        self.chunks: list[str] = []
        self.size = 0
        self.spans: list[Span] = []
        self._open: list[tuple[SpanStyle, int, str | None]] = []

    def add(self, text: str) -> None:
        text = clean_text(text)
        self.chunks.append(text)
        self.size += len(text)

    def open(self, style: SpanStyle, url: str | None = None) -> None:
        self._open.append((style, self.size, url))

    def close(self, style: SpanStyle) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] is style:
                _style, start, url = self._open.pop(i)
                if self.size > start and (style is not SpanStyle.LINK or url):
                    self.spans.append(Span(start, self.size, style, url))
                return

    def styled(self, text: str, style: SpanStyle, url: str | None = None) -> None:
        self.open(style, url)
        self.add(text)
        self.close(style)

    def finish(self) -> tuple[str, tuple[Span, ...]]:
        """The text with runs of spaces squeezed and the ends stripped, spans moved to fit."""
        while self._open:
            self.close(self._open[-1][0])
        raw = "".join(self.chunks)
        if "\n" not in raw and "  " not in raw and raw == raw.strip() and "\t" not in raw:
            return raw, tuple(sorted(self.spans, key=lambda s: (s.start, -s.end)))
        out: list[str] = []
        where = [0] * (len(raw) + 1)
        gap = True  # at a line start: spaces are dropped
        for i, ch in enumerate(raw):
            where[i] = len(out)
            if ch == "\n":
                while out and out[-1] == " ":
                    out.pop()
                if out and out[-1] != "\n":  # one line break at most: never a blank line
                    out.append("\n")
                gap = True
            elif ch.isspace():
                if not gap:
                    out.append(" ")
                    gap = True
            else:
                out.append(ch)
                gap = False
        where[len(raw)] = len(out)
        while out and out[-1] in " \n":
            out.pop()
        n = len(out)
        spans = []
        for s in sorted(self.spans, key=lambda s: (s.start, -s.end)):
            start, end = min(where[s.start], n), min(where[s.end], n)
            if start < end:
                spans.append(Span(start, end, s.style, s.url))
        return "".join(out), tuple(spans)


def _inline(tokens: list[Token], into: _Text) -> None:
    for tok in tokens:
        kind = tok.type
        if kind == "text":
            into.add(tok.content)
        elif kind == "softbreak":
            into.add(" ")
        elif kind == "hardbreak":
            into.add("\n")
        elif kind == "code_inline":
            into.styled(tok.content, SpanStyle.CODE)
        elif kind.endswith("_open") and kind[:-5] in _INLINE_STYLES:
            into.open(_INLINE_STYLES[kind[:-5]])
        elif kind.endswith("_close") and kind[:-6] in _INLINE_STYLES:
            into.close(_INLINE_STYLES[kind[:-6]])
        elif kind == "link_open":
            into.open(SpanStyle.LINK, safe_url(str(tok.attrs.get("href") or "")))
        elif kind == "link_close":
            into.close(SpanStyle.LINK)
        elif kind == "image":
            alt = " ".join(tok.content.split()) or "image"
            into.styled(f"[{alt}]", SpanStyle.IMAGE, safe_url(str(tok.attrs.get("src") or "")))
        elif kind == "html_inline" and _BREAK.fullmatch(tok.content.strip()):
            into.add("\n")
        # other inline HTML tags are dropped; the words between them are text tokens


@dataclass
class _Item:
    indent: int
    """Where the marker goes."""
    marker: str
    pending: bool = True
    """The marker has not been given to a paragraph yet."""


@dataclass
class _Walk:
    """State of the block walk: the lists and quotes the current token is inside."""

    out: list[tuple[str, Block]] = field(default_factory=list)
    lists: list[bool] = field(default_factory=list)
    """Per open list, whether it is numbered."""
    items: list[_Item] = field(default_factory=list)
    quote: int = 0
    row: _Text | None = None
    cells: int = 0
    rows: int = 0
    heading: int = 0
    tight: bool = False
    """The paragraph being read is in a tight list (no blank lines between its items)."""
    fresh: bool = False
    """A list has just begun: its first item keeps the blank line before it."""

    def content_indent(self) -> int:
        return self.items[-1].indent + len(self.items[-1].marker) if self.items else 0

    def emit(
        self,
        text: str,
        spans: tuple[Span, ...],
        kind: BlockKind = BlockKind.PARAGRAPH,
        level: int = 0,
        gap: bool = True,
    ) -> None:
        if not text.strip():
            return
        item = self.items[-1] if self.items else None
        if self.fresh:
            self.fresh = False
        elif self.tight and item is not None and self.out:
            last = self.out[-1][1]
            gap = gap and not (last.kind is BlockKind.ITEM or last.indent > 0)
        if item is not None and item.pending and kind is not BlockKind.CODE:
            item.pending = False
            width = len(item.marker)
            shifted = tuple(Span(s.start + width, s.end + width, s.style, s.url) for s in spans)
            block = Block(
                BlockKind.ITEM if kind is BlockKind.PARAGRAPH else kind,
                level,
                item.indent,
                width,
                self.quote,
                shifted,
                gap,
            )
            self.out.append((item.marker + text, block))
            return
        indent = self.content_indent() + (CODE_INDENT if kind is BlockKind.CODE else 0)
        self.out.append((text, Block(kind, level, indent, 0, self.quote, spans, gap)))

    def code(self, source: str) -> None:
        lines = [line.expandtabs(TAB).rstrip() for line in clean_text(source).split("\n")]
        group: list[str] = []
        for line in [*lines, ""]:  # a blank line ends a paragraph of code (as in the index)
            if line.strip():
                group.append(line)
            elif group:
                self.emit("\n".join(group), (), BlockKind.CODE)
                group = []


def render_markdown(source: str) -> list[tuple[str, Block]]:
    """The paragraphs of a Markdown document (front matter already removed), in order."""
    walk = _Walk()
    text: _Text | None = None
    for tok in _markdown_it().parse(source):
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            walk.lists.append(kind == "ordered_list_open")
            walk.fresh = walk.fresh or len(walk.lists) == 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            walk.lists.pop()
        elif kind == "list_item_open":
            if walk.lists and walk.lists[-1]:
                marker = f"{tok.info or '1'}{tok.markup or '.'} "
            else:
                marker = BULLETS[min(len(walk.lists), len(BULLETS)) - 1] + " "
            walk.items.append(_Item(walk.content_indent(), marker))
        elif kind == "list_item_close":
            walk.items.pop()
        elif kind == "blockquote_open":
            walk.quote += 1
        elif kind == "blockquote_close":
            walk.quote -= 1
        elif kind in ("paragraph_open", "heading_open"):
            text = _Text()
            walk.heading = int(tok.tag[1:]) if kind == "heading_open" else 0
            walk.tight = tok.hidden
        elif kind == "inline" and walk.row is not None:
            _inline(tok.children or [], walk.row)
        elif kind == "inline" and text is not None:
            _inline(tok.children or [], text)
        elif kind in ("paragraph_close", "heading_close") and text is not None:
            words, spans = text.finish()
            heading = BlockKind.HEADING if walk.heading else BlockKind.PARAGRAPH
            walk.emit(words, spans, heading, walk.heading)
            text, walk.tight = None, False
        elif kind in ("fence", "code_block"):
            walk.code(tok.content)
        elif kind == "html_block":
            fragment = _TAG.sub(" ", _BREAK.sub("\n", _HIDDEN_HTML.sub(" ", tok.content)))
            loose = _Text()
            loose.add(_SPACES.sub(" ", html.unescape(fragment)))
            walk.emit(*loose.finish())
        elif kind == "table_open":
            walk.rows = 0
        elif kind == "tr_open":
            walk.row, walk.cells = _Text(), 0
        elif kind in ("th_open", "td_open") and walk.row is not None:
            if walk.cells:
                walk.row.add(" │ ")
            walk.cells += 1
            if kind == "th_open":
                walk.row.open(SpanStyle.BOLD)
        elif kind == "th_close" and walk.row is not None:
            walk.row.close(SpanStyle.BOLD)
        elif kind == "tr_close" and walk.row is not None:
            walk.emit(*walk.row.finish(), gap=not walk.rows)
            walk.row, walk.rows = None, walk.rows + 1
    return walk.out
