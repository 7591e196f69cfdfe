"""Saved searches as lists: what one matches now, how many of those are unread, and which
are new since the user last looked at it. Always the query as saved: no did-you-mean in
its place and no any-word fallback, so a list never quietly becomes another one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.app.shelves import Search, Shelf

if TYPE_CHECKING:
    from newsreader.library import ArticleSummary
    from newsreader.search import SearchHit
    from newsreader.state.models import SavedSearch

DATE_LIMIT = 2000
"""A date-ordered saved search sorts at most this many of its best matches by date."""


@dataclass(frozen=True, slots=True)
class Counts:
    """A saved search's numbers, for the list picker and ``newsreader saved``."""

    total: int
    unread: int
    new: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SavedList:
    """What a saved search shows now."""

    saved: SavedSearch
    hits: tuple[SearchHit, ...]
    counts: Counts
    new_ids: frozenset[str]
    """The ids among ``hits`` the user has not seen in this list before."""


def _total(
    shelf: Shelf, search: Search, saved: SavedSearch, only: Callable[[ArticleSummary], bool]
) -> int:
    result = shelf.search(search, saved.query, 1, only=only, correct=False)
    if (result.error and not result.hits) or result.fallback_any or result.corrected:
        return 0
    return result.total


def counts(shelf: Shelf, search: Search, saved: SavedSearch) -> Counts:
    """How many articles match, how many of them are unread, how many are new."""
    first = shelf.search(search, saved.query, 1, correct=False)
    if first.error and not first.hits:
        return Counts(0, 0, 0, first.error)
    if first.fallback_any or not first.total:
        return Counts(0, 0, 0)
    unread = _total(shelf, search, saved, lambda a: not shelf.state(a).read)
    new = _total(shelf, search, saved, lambda a: a.id not in saved.seen)
    return Counts(first.total, unread, new)


def show(shelf: Shelf, search: Search, saved: SavedSearch, limit: int) -> SavedList:
    """The articles of a saved search in its order (relevance, or newest first)."""
    wanted = DATE_LIMIT if saved.sort == "date" else limit
    result = shelf.search(search, saved.query, wanted, correct=False)
    hits = () if result.fallback_any else result.hits
    if saved.sort == "date":
        hits = tuple(sorted(hits, key=lambda h: (h.date is not None, h.date), reverse=True))
    hits = hits[:limit]
    found = counts(shelf, search, saved)
    return SavedList(saved, hits, found, frozenset(h.id for h in hits if h.id not in saved.seen))
