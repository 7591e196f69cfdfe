"""Drawing the reader's lines: margin (paragraph cursor, bookmark mark), text and highlights.

The reader owns the state (article, layout, cursor, matches); this reads it and turns one
line into a ``Strip``, cached by what can change the line's look. Article text goes in as
``rich.text.Text``, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip

from newsreader.library.blocks import BlockKind, Span, SpanStyle
from newsreader.tui.page import LineKind, Page, PageLine, body_spans
from newsreader.tui.widgets.hints import empty_hints

if TYPE_CHECKING:
    from newsreader.tui.widgets.reader import Reader

CURSOR_MARK = "▍"
BOOKMARK_MARK = "◆"
NEW_MARK = "+"
"""Beside a paragraph the version read before did not have (a bookmark's mark wins)."""
_BLOCK_STYLES = {BlockKind.HEADING: "reader--heading", BlockKind.CODE: "reader--code"}
_SPAN_STYLES = {
    SpanStyle.BOLD: Style(bold=True),
    SpanStyle.ITALIC: Style(italic=True),
    SpanStyle.STRIKE: Style(strike=True),
    SpanStyle.IMAGE: Style(italic=True),
}
_PLAIN_KINDS = {
    LineKind.TITLE: "reader--title",
    LineKind.META: "reader--meta",
    LineKind.RULE: "reader--rule",
    LineKind.END: "reader--end",
}


class LinePainter:
    """Renders the lines of one ``Reader``."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(256)
        self._hints: list[Text] | None = None

    def clear(self) -> None:
        """Forget drawn lines (new layout, matches, bookmarks or theme)."""
        self._cache.clear()
        self._hints = None

    def style(self, name: str) -> Style:
        """A component class's style, blended over the reader's background."""
        return self.reader.get_component_rich_style(name)

    def line(self, y: int, width: int) -> Strip:
        """Screen line ``y`` of the reader, ``width`` cells wide."""
        reader = self.reader
        page = reader.page
        if page is None:
            return self._empty_line(y, width)
        index = y + int(reader.scroll_offset.y)
        if index >= len(page.lines):
            return Strip.blank(width, reader.rich_style)
        line = page.lines[index]
        on_cursor = line.paragraph == reader.cursor and line.kind is LineKind.BODY
        current = reader.current_match if line.paragraph in reader.by_paragraph else -1
        key = (
            index,
            on_cursor,
            line.paragraph in reader.bookmarked,
            line.paragraph in reader.new_paragraphs,
            current,
            reader.has_focus,
        )
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(page, line, width, on_cursor)
            self._cache[key] = strip
        return strip

    def _draw(self, page: Page, line: PageLine, width: int, on_cursor: bool) -> Strip:
        reader = self.reader
        base = reader.rich_style
        text = Text(" " * page.left, end="")
        if on_cursor:
            cursor = "reader--cursor" if reader.has_focus else "reader--cursor-blurred"
            text.append(CURSOR_MARK, self.style(cursor))
        else:
            text.append(" ")
        body = line.kind is LineKind.BODY
        if body and line.start == 0 and line.paragraph in reader.bookmarked:
            text.append(BOOKMARK_MARK, self.style("reader--bookmark"))
        elif body and line.paragraph in reader.new_paragraphs:
            text.append(NEW_MARK, self.style("reader--new"))  # on every line: a margin bar
        else:
            text.append(" ", self.style("reader--bookmark"))
        text.append(" ")
        if line.prefix:
            text.append(line.prefix, self.style("reader--quote"))
        text.append_text(self._line_text(line))
        text.stylize_before(base)
        return Strip(list(text.render(reader.app.console))).crop_extend(0, width, base)

    def _line_text(self, line: PageLine) -> Text:
        reader = self.reader
        if line.kind in _PLAIN_KINDS:
            return Text(line.text, self.style(_PLAIN_KINDS[line.kind]))
        if line.kind is not LineKind.BODY or reader.article is None:
            return Text("")
        paragraph = reader.article.paragraphs[line.paragraph]
        text = Text(paragraph[line.start : line.end].rstrip())
        block = reader.article.block(line.paragraph)
        if block.kind in _BLOCK_STYLES:
            text.stylize(self.style(_BLOCK_STYLES[block.kind]))
        for span in block.spans:
            lo, hi = max(span.start, line.start), min(span.end, line.start + len(text))
            if lo < hi:
                text.stylize(self._span_style(span), lo - line.start, hi - line.start)
        in_paragraph = reader.by_paragraph.get(line.paragraph, [])
        spans = body_spans(
            line, reader.dateline, reader.matches, in_paragraph, reader.current_match
        )
        for start, end, name in spans:
            text.stylize(self.style(name), start, min(end, len(text)))
        return text

    def _span_style(self, span: Span) -> Style:
        if span.style is SpanStyle.CODE:
            return self.style("reader--code")
        style = (
            self.style("reader--link")
            if span.style is SpanStyle.LINK
            else (_SPAN_STYLES[span.style])
        )
        # An OSC 8 hyperlink where the terminal has them; the address is never markup.
        return style + Style(link=span.url) if span.url else style

    def _empty_line(self, y: int, width: int) -> Strip:
        reader = self.reader
        if reader.article is not None:  # a big article is being laid out in a thread
            note = "Laying out the article…" if y == 1 else ""
            return self._centred(Text(note, self.style("reader--empty")), width)
        if self._hints is None:
            self._hints = empty_hints(reader.app, self.style)
        row = y - max((reader.size.height - len(self._hints)) // 2, 0)
        return self._centred(self._hints[row] if 0 <= row < len(self._hints) else Text(), width)

    def _centred(self, text: Text, width: int) -> Strip:
        base = self.reader.rich_style
        if not text:  # most of an empty reader: no Rich rendering (it is on the first paint)
            return Strip.blank(width, base)
        text = text.copy()
        text.pad_left(max((width - text.cell_len) // 2, 0))
        text.stylize_before(base)
        return Strip(list(text.render(self.reader.app.console))).crop_extend(0, width, base)
