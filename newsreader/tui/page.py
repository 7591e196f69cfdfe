"""Lay an article out as lines for the reader: wrapping, centring and paragraph bookkeeping.

Plain Python (no Textual): the reader widget styles and draws these lines; keeping the
geometry here makes resume positions and paragraph jumps testable without a terminal.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from enum import Enum

from rich.cells import cell_len

from newsreader.library import Article
from newsreader.library.blocks import PLAIN, Block
from newsreader.search.results import MatchSpan

MAX_TEXT_WIDTH = 84
"""Columns of body text at most: a comfortable measure for reading."""
MARGIN = 3
"""Cells left of the text: paragraph cursor, bookmark mark, gap."""
MIN_TEXT_WIDTH = 20

_WORD = re.compile(r"\S+\s*")
# "GAZA:", "NEW YORK (Reuters) -": the dateline prefix of the first paragraph, styled apart.
_DATELINE_TAIL = r"[^:—–\n]{0,60}?(?::|\s[—–-])"


class LineKind(Enum):
    """What a layout line shows."""

    TITLE = "title"
    META = "meta"
    RULE = "rule"
    BLANK = "blank"
    BODY = "body"
    END = "end"


@dataclass(frozen=True, slots=True)
class PageLine:
    """One screen line: body lines point into ``paragraph`` by character range."""

    kind: LineKind
    text: str = ""
    paragraph: int = -1
    start: int = 0
    end: int = 0
    prefix: str = ""
    """Drawn before the text: quote bars and list indentation (not part of the text)."""


@dataclass(frozen=True, slots=True)
class Page:
    """An article laid out at one width."""

    lines: tuple[PageLine, ...]
    width: int
    """The reader width this layout is for."""
    text_width: int
    left: int
    """Cells before the margin, to centre the text column."""
    first_line: tuple[int, ...]
    """Line number of each paragraph's first line."""
    line_count: tuple[int, ...]
    """How many lines each paragraph takes."""
    chars_before: tuple[int, ...] = ()
    """Characters of the article before each paragraph (for a per-cent that does not change
    with the width)."""
    total_chars: int = 0

    def paragraph_at(self, y: int) -> int:
        """The paragraph on line ``y`` (or the one above a blank line); -1 above the body."""
        if not self.first_line or y < self.first_line[0]:
            return -1
        return bisect_right(self.first_line, y) - 1

    def line_of(self, paragraph: int, offset: int = 0) -> int:
        """The line holding character ``offset`` of ``paragraph``."""
        if not self.first_line:
            return 0
        paragraph = max(0, min(paragraph, len(self.first_line) - 1))
        first = self.first_line[paragraph]
        for y in range(first, first + self.line_count[paragraph]):
            line = self.lines[y]
            if line.start <= offset < line.end or y == first + self.line_count[paragraph] - 1:
                return y
        return first

    def last_line(self, paragraph: int) -> int:
        """The last line of ``paragraph``."""
        return self.first_line[paragraph] + self.line_count[paragraph] - 1

    def anchor_at(self, top: int) -> tuple[int, int]:
        """(paragraph, character) of line ``top``: the blank line after a paragraph is its
        end (its length); lines above the body are (0, 0)."""
        paragraph = self.paragraph_at(top)
        if paragraph < 0:
            return 0, 0
        last = self.last_line(paragraph)
        if top <= last:
            return paragraph, self.lines[top].start
        return paragraph, self.lines[last].end

    def _coord(self, paragraph: int) -> int:
        # The text as one line of characters, one more between paragraphs for the blank line.
        return self.chars_before[paragraph] + paragraph

    def _length(self, paragraph: int) -> int:
        return self.lines[self.last_line(paragraph)].end

    def view_anchor(self, top: int, cursor: int) -> tuple[int, int]:
        """The view with line ``top`` on top and the cursor on paragraph ``cursor``, as
        (``cursor``, offset) that ``top_of`` turns back into ``top`` at any width: an offset
        inside the paragraph is the character on the top line; past its end, the top line is
        that many characters (counting one per paragraph break) above its start."""
        if not self.first_line or not self.chars_before:
            return cursor, 0
        cursor = max(0, min(cursor, len(self.first_line) - 1))
        if top < self.first_line[0]:  # the title and date: counted in lines from the page's top
            back = self._coord(cursor) + 1 + top
        else:
            paragraph, offset = self.anchor_at(top)
            if paragraph == cursor and offset < self._length(cursor):
                return cursor, offset
            back = self._coord(cursor) - (self._coord(paragraph) + offset)
            if back <= 0:  # the top below the cursor's start: the cursor is off screen
                return paragraph, offset
        return cursor, self._length(cursor) + back

    def top_of(self, paragraph: int, offset: int) -> int:
        """The top line a ``view_anchor`` stands for (``line_of`` inside the paragraph)."""
        if not self.first_line or not self.chars_before:
            return self.line_of(paragraph, offset)
        paragraph = max(0, min(paragraph, len(self.first_line) - 1))
        back = offset - self._length(paragraph)
        if back <= 0:
            return self.line_of(paragraph, min(offset, max(self._length(paragraph) - 1, 0)))
        coord = self._coord(paragraph) - back
        if coord < 0:  # above the body: -1 is the page's first line, -2 the next, ...
            return min(-1 - coord, self.first_line[0])
        starts = [self._coord(q) for q in range(paragraph + 1)]
        above = bisect_right(starts, coord) - 1
        within = coord - starts[above]
        if within >= self._length(above):
            return self.last_line(above) + 1  # the blank line after it
        return self.line_of(above, within)

    def progress_at(self, top: int, bottom_reached: bool) -> int:
        """How far into the text line ``top`` is, 0-100, by characters (the same at any
        width); 100 only at the bottom."""
        if bottom_reached:
            return 100
        if not self.total_chars or top <= 0:
            return 0
        paragraph, offset = self.anchor_at(top)
        if not self.chars_before:
            return 0
        done = self.chars_before[paragraph] + offset
        return min(99, round(100 * done / self.total_chars))

    def offset_at(self, top: int, paragraph: int) -> int:
        """The character of ``paragraph`` on line ``top`` (0 when that line is elsewhere)."""
        if 0 <= top < len(self.lines):
            line = self.lines[top]
            if line.kind is LineKind.BODY and line.paragraph == paragraph:
                return line.start
        return 0

    def follow(self, cursor: int, top: int, bottom: int) -> int:
        """Where the paragraph cursor goes when lines top..bottom are shown: it stays if it
        is in view, else it moves to the nearest paragraph that is."""
        if not self.first_line:
            return cursor
        if self.last_line(cursor) < top:
            first = self.paragraph_at(top)
            if first < 0 or self.last_line(first) < top:
                first += 1
            return min(max(first, 0), len(self.first_line) - 1)
        if self.first_line[cursor] > bottom:
            return max(self.paragraph_at(bottom), 0)
        return cursor


@dataclass(frozen=True, slots=True)
class Position:
    """Where a reader is in an article: the cursor paragraph, where the top line is from it
    (``Page.view_anchor``: reopened there, the view is as it was) and the progress."""

    paragraph: int
    offset: int
    progress: int


def reveal(first: int, last: int, top: int, bottom: int) -> int | None:
    """The new top line that shows lines first..last with a line of context, scrolling the
    least (the first line wins when they cannot all fit); None when no scroll is needed."""
    height = bottom - top + 1
    if first < top + 1:
        return first - 1
    if last > bottom - 1:
        return min(first - 1, last - height + 2)
    return None


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap by terminal cells: (start, end) character ranges, one per line.

    Trailing spaces stay inside a line's range (they are not drawn); words longer than a
    line (URLs) are folded by characters.
    """
    width = max(width, 1)
    ranges: list[tuple[int, int]] = []
    start = 0
    used = cell_len(text[: len(text) - len(text.lstrip())])  # leading spaces take room too
    for m in _WORD.finditer(text):
        word = m.group()
        cells = cell_len(word.rstrip())
        if used and used + cells > width:
            ranges.append((start, m.start()))
            start, used = m.start(), 0
        if cells > width:  # fold a word that cannot fit on any line
            pos = m.start()
            for i, ch in enumerate(word.rstrip()):
                w = cell_len(ch)
                if used + w > width:
                    ranges.append((start, pos + i))
                    start, used = pos + i, 0
                used += w
            used += len(word) - len(word.rstrip())
            continue
        used += cell_len(word)
    if start < len(text) or not ranges:
        ranges.append((start, len(text)))
    return ranges


def body_ranges(text: str, block: Block, width: int) -> list[tuple[int, int, str]]:
    """A paragraph's lines as (start, end, prefix): wrapped inside its quote bars and
    indentation, a list item's lines after the first under its text rather than its marker,
    and line breaks ("\n": code, hard breaks) kept."""
    if block == PLAIN and "\n" not in text:
        return [(start, end, "") for start, end in wrap_offsets(text, width)]
    first, rest = block.prefix(True), block.prefix(False)
    inner = max(width - cell_len(rest), MIN_TEXT_WIDTH // 2)
    out: list[tuple[int, int, str]] = []
    at = 0
    for segment in text.split("\n"):
        marker = block.hang if at == 0 else 0  # the marker stays on the first line
        body = at + marker
        for i, (start, end) in enumerate(wrap_offsets(text[body : at + len(segment)], inner)):
            if i == 0:
                out.append((at, body + end, first if at == 0 else rest))
            else:
                out.append((body + start, body + end, rest))
        at += len(segment) + 1
    return out


def text_geometry(width: int) -> tuple[int, int]:
    """(text width, left padding) for a reader ``width`` cells wide."""
    usable = max(width - MARGIN - 2, MIN_TEXT_WIDTH)
    text_width = min(MAX_TEXT_WIDTH, usable)
    left = max((width - MARGIN - text_width) // 2, 1)
    return text_width, left


def dateline_span(article: Article) -> tuple[int, int] | None:
    """Where the dateline prefix sits in the first paragraph, for styling apart."""
    if not article.dateline or not article.paragraphs:
        return None
    first = article.paragraphs[0]
    m = re.match(re.escape(article.dateline) + _DATELINE_TAIL, first)
    return (0, m.end()) if m else None


def meta_line(article: Article) -> str:
    """Date and dateline under the title, e.g. "Monday 6 May 2024 · GAZA"."""
    parts = []
    if article.date:
        parts.append(f"{article.date:%A} {article.date.day} {article.date:%B %Y}")
    if article.dateline:
        parts.append(article.dateline)
    return " · ".join(parts)


def lay_out(article: Article, width: int) -> Page:
    """Lay ``article`` out for a reader ``width`` cells wide."""
    text_width, left = text_geometry(width)
    lines: list[PageLine] = [PageLine(LineKind.BLANK)]
    for start, end in wrap_offsets(article.title, text_width):
        lines.append(PageLine(LineKind.TITLE, article.title[start:end].rstrip()))
    meta = meta_line(article)
    if meta:
        lines.append(PageLine(LineKind.META, meta))
    lines.append(PageLine(LineKind.RULE, "─" * min(text_width, 12)))
    first_line: list[int] = []
    line_count: list[int] = []
    chars_before: list[int] = []
    total = 0
    for index, paragraph in enumerate(article.paragraphs):
        chars_before.append(total)
        total += len(paragraph)
        block = article.block(index)
        if block.gap or not index:
            lines.append(PageLine(LineKind.BLANK))
        first_line.append(len(lines))
        ranges = body_ranges(paragraph, block, text_width)
        line_count.append(len(ranges))
        for start, end, prefix in ranges:
            lines.append(PageLine(LineKind.BODY, "", index, start, end, prefix))
    lines.append(PageLine(LineKind.BLANK))
    lines.append(PageLine(LineKind.END, "· · ·"))
    lines.append(PageLine(LineKind.BLANK))
    if article.truncated:  # say where the file goes on that the reader does not show
        notice = f"This file is too long to show whole: {article.truncated}."
        for start, end in wrap_offsets(notice, text_width):
            lines.append(PageLine(LineKind.META, notice[start:end].rstrip()))
        lines.append(PageLine(LineKind.BLANK))
    return Page(
        tuple(lines),
        width,
        text_width,
        left,
        tuple(first_line),
        tuple(line_count),
        tuple(chars_before),
        total,
    )


def body_spans(
    line: PageLine,
    dateline: tuple[int, int] | None,
    matches: tuple[MatchSpan, ...],
    in_paragraph: list[int],
    current: int,
) -> list[tuple[int, int, str]]:
    """Styled ranges on a body line, relative to the line: (start, end, component class).

    ``in_paragraph`` are the indexes into ``matches`` for this line's paragraph.
    """
    spans: list[tuple[int, int, str]] = []
    if line.paragraph == 0 and dateline:
        spans.append((*dateline, "reader--dateline"))
    for i in in_paragraph:
        m = matches[i]
        spans.append((m.start, m.end, "reader--match-current" if i == current else "reader--match"))
    clipped = []
    for start, stop, name in spans:
        lo, hi = max(start, line.start), min(stop, line.end)
        if lo < hi:
            clipped.append((lo - line.start, hi - line.start, name))
    return clipped
