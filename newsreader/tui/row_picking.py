"""Which rows the article list shows for one choice of list: the read filter, the list chosen
(a feed, a tag, a saved search), the sort and the story folding, worked out from the
articles and a copy of their reading states.

A pure function of what it is given, so a list switch works it out in a thread worker and
the UI thread only puts the answer in place (``ArticleRows.install``). Plain Python (no
Textual).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from dataclasses import dataclass

from newsreader.app.story_map import StoryMap
from newsreader.library import ArticleSummary
from newsreader.library.packed import PackedSummaries
from newsreader.state.models import ReadingState
from newsreader.tui.row_views import Ranked, Subset, ids_of
from newsreader.tui.story_rows import fold_stories

BISECT_RATIO = 16
"""A list's ids are looked up one by one when they are fewer than the articles over this:
a look-up (a bisect, ~14 ids read in Python) took ~4 us at 10k articles, the pass over
every row (each id read once, in C) ~2.5 ms."""


@dataclass(frozen=True, slots=True)
class Choice:
    """A list to show: ``narrow`` keeps its articles (None: every article), ``members``
    are their ids when known (picked by id, not asked of each article), ``order`` its own
    order (a saved search by relevance), ``fresh`` the ones marked new."""

    narrow: Callable[[ArticleSummary], bool] | None = None
    label: str = ""
    order: Mapping[str, int] | None = None
    fresh: frozenset[str] = frozenset()
    members: Collection[str] | None = None


ALL = Choice()
"""Every article."""


def members_choice(
    members: Collection[str],
    label: str,
    order: Mapping[str, int] | None = None,
    fresh: frozenset[str] = frozenset(),
) -> Choice:
    """The list of the articles whose ids are in ``members`` (a tag, a saved search)."""
    return Choice(lambda a: a.id in members, label, order, fresh, members)


@dataclass(frozen=True, slots=True)
class Picked:
    """The rows for one choice, and the counts the list's header shows."""

    rows: Sequence[ArticleSummary]
    narrowed: Sequence[ArticleSummary]
    """Every article the choice keeps, read or not (empty for every article)."""
    leads: dict[str, str]
    """Each folded story's first shown version."""
    unread: int
    """Unread articles in the library."""
    narrowed_unread: int


@dataclass(frozen=True, slots=True)
class View:
    """How the rows are shown besides the choice: the read filter, the sort, the stories."""

    hide_read: bool = False
    sort: str = "date"
    stories: StoryMap | None = None
    expanded: frozenset[str] = frozenset()


def pick(
    articles: Sequence[ArticleSummary],
    listed: Container[str],
    states: Mapping[str, ReadingState],
    choice: Choice,
    view: View,
) -> Picked:
    """The rows of ``articles`` (newest first) that ``choice`` and ``view`` show; ``listed``
    holds every article's id (a set for a packed list: one pass, not a bisect per state)."""
    read_ids = {i for i, s in states.items() if s.read and i in listed}
    unread = len(articles) - len(read_ids)
    rows, narrowed = _filter(articles, read_ids, states, choice, view)
    story_of = view.stories.story_of if view.stories is not None else {}
    rows, leads = fold_stories(rows, story_of, view.expanded)
    return Picked(rows, narrowed, leads, unread, _unread_of(narrowed, read_ids, choice))


def _unread_of(narrowed: Sequence[ArticleSummary], read_ids: set[str], choice: Choice) -> int:
    """How many of the narrowed articles are not read (each read one looked up in the
    choice's ids when they are known: fewer than the articles, and no id read from a row)."""
    if not read_ids:
        return len(narrowed)
    if choice.members is not None:
        members = choice.members
        return len(narrowed) - sum(1 for i in read_ids if i in members)
    return sum(1 for i in ids_of(narrowed) if i not in read_ids)


def _filter(
    articles: Sequence[ArticleSummary],
    read_ids: set[str],
    states: Mapping[str, ReadingState],
    choice: Choice,
    view: View,
) -> tuple[Sequence[ArticleSummary], Sequence[ArticleSummary]]:
    narrow, members, hide_read, sort = choice.narrow, choice.members, view.hide_read, view.sort
    if narrow is not None and members is not None and isinstance(articles, PackedSummaries):
        # (row, id) pairs: each id read from the packed list once, whatever comes after.
        if len(members) * BISECT_RATIO < len(articles):  # a few: look each up (bisect)
            pairs = sorted((r, i) for i in members if (r := articles.row_of(i)) is not None)
        else:
            pairs = [(row, i) for row, i in enumerate(articles.ids()) if i in members]
        narrowed = Subset(articles, array("I", (r for r, _i in pairs)))
        if hide_read:
            pairs = [(r, i) for r, i in pairs if i not in read_ids]
        if choice.order is not None and sort == "date":  # its own order is its "date"
            row_of = dict((i, r) for r, i in pairs)
            ranks = choice.order  # ids by rank: in its own order, ranked ones first
            ranked = [row_of.pop(i) for i in sorted(ranks, key=ranks.__getitem__) if i in row_of]
            ranked += sorted(row_of.values())  # any it did not rank, newest first
            return Ranked(articles, array("I", ranked)), narrowed
        kept = array("I", (r for r, _i in pairs))
        if sort == "date":
            return Subset(articles, kept), narrowed
        return _sorted([articles[r] for r in kept], sort, states), narrowed
    if narrow is not None:
        kept_list = [a for a in articles if narrow(a)]
        rows = [a for a in kept_list if not (hide_read and a.id in read_ids)]
        order = choice.order
        if order is not None and sort == "date":  # its own order stands for "date"
            rows.sort(key=lambda a: order.get(a.id, len(order)))
        return _sorted(rows, sort, states), kept_list
    if sort != "date":
        rows = [a for a in articles if not (hide_read and a.id in read_ids)]
        return _sorted(rows, sort, states), []
    if isinstance(articles, PackedSummaries):
        if hide_read and read_ids:
            shown = (row for row, i in enumerate(articles.ids()) if i not in read_ids)
            return Subset(articles, array("I", shown)), []
        return articles, []
    return [a for a in articles if not (hide_read and a.id in read_ids)], []


def _sorted(
    rows: list[ArticleSummary], sort: str, states: Mapping[str, ReadingState]
) -> list[ArticleSummary]:
    if sort == "title":
        rows.sort(key=lambda a: a.title.casefold())
    elif sort == "source":  # the folder it is in (a feed's, or the user's own)
        rows.sort(key=lambda a: a.path_str.rpartition("/")[0].casefold())
    elif sort == "progress":  # furthest read first; stable, so newest first among equals

        def progress(a: ArticleSummary) -> int:
            state = states.get(a.id)
            return -(state.progress if state else 0)

        rows.sort(key=progress)
    return rows
