"""What a search returns: typed, plain data that the CLI and the TUI both render."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

Span = tuple[int, int]
"""A [start, end) character range."""


class MatchSpan(NamedTuple):
    """One matched term in an article body: paragraph index and character range inside it."""

    paragraph: int
    start: int
    end: int


class SearchHit(NamedTuple):
    """One ranked article."""

    id: str
    title: str
    path: Path
    date: date | None
    score: float
    paragraph: int
    """0-based index of the best-matching body paragraph."""
    snippet: str
    """Plain text around the best match (from ``paragraph``)."""
    snippet_spans: tuple[Span, ...]
    """Matched terms inside ``snippet``, for Rich ``Text.stylize``."""
    title_spans: tuple[Span, ...]
    """Matched terms inside ``title``."""
    matches: tuple[MatchSpan, ...]
    """Every matched term in the whole body, in reading order (for n/N in the reader)."""


class SearchResult(NamedTuple):
    """The answer to one query."""

    query: str
    hits: tuple[SearchHit, ...]
    total: int
    """How many articles matched (may exceed ``len(hits)``)."""
    fallback_any: bool = False
    """No article had every word, so these match any of them."""
    suggestion: str | None = None
    """A did-you-mean query built from the index's own vocabulary."""
    error: str | None = None
    """A one-line message when the query could not be read as written."""
    total_estimated: bool = False
    """``total`` is an upper bound (counting every match of very common words is slow)."""
    corrected: bool = False
    """Nothing matched the query as typed, so the hits are for ``suggestion``."""
    marks: str | None = None
    """The query to mark an opened hit's matches with, when not ``query`` (the suggestion
    searched instead, or the words a ``word~`` matched)."""


class IndexReport(NamedTuple):
    """What an index update did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    notice: str | None = None
    """A one-line message for the user, e.g. that a broken index was rebuilt."""
    truncated: tuple[str, ...] = ()
    """Ids of the articles indexed this time that are too long to index whole."""
    extras: Mapping[str, bytes] = {}  # shared by every report: never changed
    """What the caller's ``extra`` made of each article a full build read, by content hash."""


def stored_date(value: object) -> date | None:
    """A date as the index stores it (a yyyymmdd number) back to a date."""
    if not isinstance(value, int) or value <= 0:
        return None
    try:
        return date(value // 10000, value // 100 % 100, value % 100)
    except ValueError:
        return None
