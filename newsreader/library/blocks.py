"""What a paragraph is besides its text: a heading, a list item, a quote, code, and the
emphasis and links inside it.

An article's paragraphs are plain text (what is indexed, searched, highlighted, bookmarked
and printed); a ``Block`` beside each says how to show it, with character ranges into that
same text, so every layer agrees on the offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import NamedTuple


class BlockKind(Enum):
    """How a paragraph is laid out."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    ITEM = "item"
    """A list item: its text starts with its marker ("• ", "2. ")."""
    CODE = "code"
    """Preformatted: its lines ("\\n") are kept as they are."""


class SpanStyle(Enum):
    """An inline style inside a paragraph."""

    BOLD = "bold"
    ITALIC = "italic"
    STRIKE = "strike"
    CODE = "code"
    LINK = "link"
    IMAGE = "image"
    """An image's alt text, shown in its place."""


class Span(NamedTuple):
    """``style`` on ``text[start:end]`` of a paragraph; links carry their address."""

    start: int
    end: int
    style: SpanStyle
    url: str | None = None
    """Only http(s) and mailto addresses; other links are shown as text."""


class Block(NamedTuple):
    """The shape of one paragraph."""

    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0
    """A heading's level (1-6)."""
    indent: int = 0
    """Cells before every line (list nesting, a list item's later paragraphs)."""
    hang: int = 0
    """Cells the lines after the first are indented by (a list marker's width)."""
    quote: int = 0
    """How many block quotes the paragraph is inside."""
    spans: tuple[Span, ...] = ()
    gap: bool = True
    """A blank line before it; not between the items of a tight list or a table's rows."""

    def prefix(self, first: bool = True) -> str:
        """What goes before a line of the paragraph: quote bars, then indentation."""
        return "│ " * self.quote + " " * (self.indent + (0 if first else self.hang))


PLAIN = Block()
"""A paragraph with no structure (every paragraph of a plain text file)."""


def shown_lines(text: str, block: Block) -> str:
    """A paragraph as plain text lines, with its quote bars and indentation."""
    if block == PLAIN:
        return text
    return "\n".join(block.prefix(i == 0) + line for i, line in enumerate(text.split("\n")))


def shown_text(paragraphs: Sequence[str], blocks: Sequence[Block]) -> str:
    """Paragraphs as plain text, as ``newsreader show`` prints them: a blank line between
    them (none inside a tight list or a table), quotes and lists indented."""
    out: list[str] = []
    for i, text in enumerate(paragraphs):
        block = blocks[i] if blocks else PLAIN
        if i:
            out.append("\n\n" if block.gap else "\n")
        out.append(shown_lines(text, block))
    return "".join(out)
