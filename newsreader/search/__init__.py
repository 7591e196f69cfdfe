"""Ranked full-text search over a library (Whoosh). No Textual here.

Importing the package is cheap: Whoosh (~100 ms) loads on first use of an index or query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsreader.search.results import IndexReport, MatchSpan, SearchHit, SearchResult

if TYPE_CHECKING:
    from newsreader.library import Article
    from newsreader.search.index import SearchIndex

__all__ = [
    "IndexReport",
    "MatchSpan",
    "SearchHit",
    "SearchIndex",
    "SearchResult",
    "find_matches",
]


def find_matches(query: str, article: Article) -> tuple[MatchSpan, ...]:
    """Every match of ``query`` in ``article.paragraphs``, in reading order, analysed as the
    index is (stems, apostrophes, hyphens, phrases). Excluded words are not marked."""
    from newsreader.search.query import parse

    hl = parse(query).highlighter
    return tuple(
        MatchSpan(i, start, end)
        for i, paragraph in enumerate(article.paragraphs)
        for start, end in hl.spans(paragraph)
    )


def __getattr__(name: str) -> object:
    if name == "SearchIndex":
        from newsreader.search.index import SearchIndex

        return SearchIndex
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
