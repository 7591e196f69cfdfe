"""Saved searches as lists: the articles one matches now (ranked, or newest first), how many
of them are unread, and which are new since the user last looked at it. Always the query as
saved: no did-you-mean in its place and no any-word fallback, so a list never quietly
becomes another one; ranked without snippets (``SearchIndex.ranked_paths``), so counting
every match is cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.app.filters import split
from newsreader.app.shelves import Shelf

if TYPE_CHECKING:
    from newsreader.state.models import SavedSearch

Rank = Callable[..., tuple[list[str], int, "str | None"]]
"""``SearchIndex.ranked_paths``: (query, limit, within=paths) -> (paths, total, error)."""


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
    ids: list[str]
    """Its articles' ids, in the saved search's order."""
    counts: Counts
    new_ids: frozenset[str]
    """The ids the user has not seen in this list before."""
    seen: list[str]
    """What to record once the user has looked at it (``seen_keys`` of ``ids``)."""


def matches(
    shelf: Shelf, rank: Rank, query: str, limit: int | None = None
) -> tuple[list[str], str | None]:
    """The ids of the articles ``query`` finds, best first (newest first for filters
    alone), at most ``limit`` (None: every one), and a one-line error when the query cannot
    be answered."""
    parts = split(query)
    if parts.error:
        return [], parts.error
    passing = shelf.matching_ids(parts.filters) if parts.filters else None
    if not parts.words:
        found = passing if passing is not None else list(shelf.columns()[0])
        return (found if limit is None else found[:limit]), None
    within = None
    if passing is not None:
        paths = shelf.columns()[1]
        places = shelf.places()
        within = [paths[places[aid]] for aid in passing]
    paths_found, _total, error = rank(
        parts.words, limit or max(len(shelf.articles), 1), within=within
    )
    by_path = shelf.id_of_path()
    return [by_path[p] for p in paths_found if p in by_path], error


def seen_keys(shelf: Shelf, ids: list[str]) -> list[str]:
    """What a saved search records as seen for the articles ``ids``: their ids and their
    content hashes, so that one is not new again under another name (moved or renamed,
    which changes its id) nor after an edit in place (which changes its hash)."""
    return [*ids, *shelf.hashes_of(ids)]


def new_ids(shelf: Shelf, ids: list[str], seen: frozenset[str]) -> frozenset[str]:
    """Those of ``ids`` that a saved search that has ``seen`` (``seen_keys``) has not."""
    unseen = [aid for aid in ids if aid not in seen]
    if not seen or not unseen:
        return frozenset(unseen)
    hashes = shelf.hashes_of(unseen)
    return frozenset(aid for aid, h in zip(unseen, hashes, strict=True) if h not in seen)


def show(shelf: Shelf, rank: Rank, saved: SavedSearch) -> SavedList:
    """Every article of a saved search in its order (relevance, or newest first), with its
    counts and which are new."""
    found, error = matches(shelf, rank, saved.query)
    if saved.sort == "date":
        place = shelf.places()
        found.sort(key=lambda aid: place.get(aid, len(place)))
    new = new_ids(shelf, found, saved.seen)
    states = shelf.states
    unread = sum(1 for aid in found if not ((s := states.get(aid)) and s.read))
    counts = Counts(len(found), unread, len(new), error)
    return SavedList(saved, found, counts, new, seen_keys(shelf, found))


def counts(shelf: Shelf, rank: Rank, saved: SavedSearch) -> Counts:
    """How many articles match, how many of them are unread, how many are new."""
    return show(shelf, rank, saved).counts
