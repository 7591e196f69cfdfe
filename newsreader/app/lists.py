"""The lists a reader can narrow the article list to (All, Unread, Starred, each tag, each
feed and category, each saved search), each with its count, and which articles each holds.
Plain Python, blocking (saved searches search the index): call from a worker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsreader.app import saved_lists
from newsreader.app.shelves import Shelf
from newsreader.state.tags import key

if TYPE_CHECKING:
    from newsreader.state.models import SavedSearch

KINDS = ("all", "unread", "starred", "tag", "feed", "category", "saved")


@dataclass(frozen=True, slots=True)
class Entry:
    """One list: what it is (``kind`` and, for a tag, feed, category or saved search, its
    ``name``), how many articles it has, and for a saved search its unread and new ones."""

    kind: str
    name: str
    label: str
    count: int
    unread: int | None = None
    new: int | None = None
    urls: tuple[str, ...] = ()
    """The feeds a feed or category list shows."""
    mine: bool = True
    """A tag the user put on articles (else one they came with)."""


def entries(
    shelf: Shelf,
    saved: Sequence[SavedSearch],
    rank: saved_lists.Rank,
    *,
    count_saved: bool = True,
) -> list[Entry]:
    """Every list with its count, in the picker's order. Without ``count_saved`` the saved
    searches (a search each) are listed with no counts yet (``saved_entry`` counts one)."""
    ids, paths, _mtimes = shelf.columns()
    known = [st for aid in ids if (st := shelf.states.get(aid)) is not None]
    out = [
        Entry("all", "", "All articles", len(ids)),
        Entry("unread", "", "Unread", len(ids) - sum(1 for st in known if st.read)),
        Entry("starred", "", "Starred", sum(1 for st in known if st.starred)),
    ]
    out += [Entry("tag", name, f"#{name}", n, mine=mine) for name, n, mine in shelf.tag_counts()]
    per_feed: Counter[str] = Counter()
    names = shelf.links.names
    for path in paths:
        for k in names.get(path, ()):
            per_feed[k] += 1
    categories: dict[str, list[str]] = {}
    for url, title, category in shelf.links.feeds:
        out.append(Entry("feed", title, title, per_feed[key(url)], urls=(url,)))
        if category:
            categories.setdefault(category, []).append(url)
    for category, urls in sorted(categories.items(), key=lambda kv: key(kv[0])):
        count = sum(per_feed[key(u)] for u in urls)
        out.append(Entry("category", category, f"{category}/", count, urls=tuple(urls)))
    for s in saved:
        out.append(
            saved_entry(shelf, rank, s) if count_saved else Entry("saved", s.name, s.name, -1)
        )
    return out


def saved_entry(shelf: Shelf, rank: saved_lists.Rank, saved: SavedSearch) -> Entry:
    """A saved search's list, counted: its articles, unread ones and new ones."""
    c = saved_lists.show(shelf, rank, saved).counts
    return Entry("saved", saved.name, saved.name, c.total, c.unread, c.new)


def tag_members(shelf: Shelf, name: str) -> frozenset[str]:
    """The ids of the articles with tag ``name`` (the user's or their own)."""
    return frozenset(shelf.tag_index().get(key(name), ()))


def saved_members(
    shelf: Shelf, rank: saved_lists.Rank, saved: SavedSearch
) -> saved_lists.SavedList:
    """A saved search's article ids in its order, those new to it, and what to record as
    seen once it is shown."""
    return saved_lists.show(shelf, rank, saved)
