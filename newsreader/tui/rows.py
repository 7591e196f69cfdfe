"""What the article list shows: articles newest first (or sorted otherwise), their read state
and star, the read filter and the list chosen (a feed, a tag, a saved search).

Plain Python (no Textual) so it can be tested directly and shared by the list and the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from newsreader.app.story_map import EMPTY_MAP, StoryMap
from newsreader.library import ArticleSummary
from newsreader.library.packed import PackedIds, PackedSummaries
from newsreader.state.models import ReadingState
from newsreader.state.tags import key as tag_key
from newsreader.tui.row_picking import ALL, Choice, Picked, View, members_choice, pick
from newsreader.tui.row_views import Subset, ids_of

SORTS = ("date", "title", "source", "progress")
"""The list's orders: newest first, by title, by folder then newest, furthest read first."""


def kept_states(states: Mapping[str, ReadingState]) -> dict[str, ReadingState]:
    """The states that say something: the store hands out one per article, and a big
    library's never-opened articles would each hold a default one for the app's lifetime.
    (Opening an article asks the store for its state when the rows have none.)"""
    return {i: s for i, s in states.items() if s != ReadingState(i)}


class ArticleRows:
    """The library's articles plus reading state, filtered into the rows the list displays."""

    def __init__(self) -> None:
        self.articles: Sequence[ArticleSummary] = ()
        self.by_id: Mapping[str, ArticleSummary] = {}
        self.states: dict[str, ReadingState] = {}
        self.hide_read = False
        self.choice: Choice = ALL
        """The list chosen (every article, a feed, a tag, a saved search)."""
        self.narrowed: Sequence[ArticleSummary] = []
        """The articles the choice keeps, read or not (empty when not narrowed)."""
        self.states_known = False
        """The reading states have been loaded: until then no row is called read or unread."""
        self.rows: Sequence[ArticleSummary] = []
        """What the list shows: a list, or for a packed library (``PackedSummaries``) the
        articles themselves or ``Subset`` of them, so no row is built until it is drawn."""
        self.version = 0
        """Counts changes to ``states``: a copy of them made at one version is still good."""
        self._listed: tuple[Sequence[ArticleSummary], set[str]] | None = None
        self.sort = "date"
        self._unread = 0
        self._narrowed_unread = (-1, 0)
        """(version, count) of the narrowed articles not read, as last counted."""
        self.stories: StoryMap = EMPTY_MAP
        """Stories told by more than one article: each shows as one row (its first version
        shown) until expanded."""
        self.expanded: frozenset[str] = frozenset()
        """Stories whose every version is shown."""
        self._leads: dict[str, str] = {}
        """Each grouped story's first shown version."""

    @property
    def narrow(self) -> Callable[[ArticleSummary], bool] | None:
        """Which articles the list shows at all (a feed, a tag…); None: every one."""
        return self.choice.narrow

    @property
    def narrow_label(self) -> str:
        """What the list chosen is, for the list's header ("" when not narrowed)."""
        return self.choice.label if self.choice.narrow is not None else ""

    @property
    def members(self) -> Collection[str] | None:
        """The ids the list chosen keeps when known, so the rows are picked by id from the
        packed list (no summary built per article); None: ``narrow`` is asked of each."""
        return self.choice.members

    @property
    def order(self) -> Mapping[str, int] | None:
        """The narrowed articles' own order (a saved search by relevance), or None."""
        return self.choice.order

    @property
    def fresh(self) -> frozenset[str]:
        """Articles the list marks new (a saved search's matches since it was last seen)."""
        return self.choice.fresh

    def set_stories(self, stories: StoryMap) -> None:
        """Replace the story groups (after an index update found them)."""
        self.stories = stories
        self.expanded = self.expanded & set(stories.members)  # replaced: a worker reads it
        self._refilter()

    def story_of(self, article_id: str) -> str | None:
        """The story of an article told by others too, or None."""
        return self.stories.story_of.get(article_id)

    def versions(self, article_id: str) -> tuple[str, ...]:
        """Every version of the article's story, itself included (just itself when alone)."""
        story = self.stories.story_of.get(article_id)
        return (article_id,) if story is None else self.stories.members[story]

    def toggle_versions(self, article_id: str) -> bool | None:
        """Show or hide the other versions of the article's story; the new state, or None
        when it has none."""
        story = self.stories.story_of.get(article_id)
        if story is None:
            return None
        self.expanded = self.expanded ^ {story}
        self._refilter()
        return story in self.expanded

    def lead_of(self, article_id: str) -> str:
        """The row that stands for the article's story while it is folded (itself when it
        has no other version, or none of them is shown)."""
        story = self.stories.story_of.get(article_id)
        return self._leads.get(story, article_id) if story is not None else article_id

    def folded_under(self, article_id: str) -> list[str]:
        """The versions the list holds folded under the article's row (none when its story
        is unfolded or it does not stand for one)."""
        story = self.stories.story_of.get(article_id)
        if story is None or story in self.expanded or self._leads.get(story) != article_id:
            return []
        return [m for m in self.stories.members[story] if m != article_id and self._lists(m)]

    def folded_news(self, article_id: str) -> tuple[bool, bool]:
        """For the row standing for a folded story: whether a version folded under it is
        unread, and whether one is new to the saved search shown (a new version of a story
        read before shows on its row, not nowhere)."""
        others = self.folded_under(article_id)
        if not others:
            return False, False
        unread = self.states_known and any(not self.is_read(m) for m in others)
        return unread, any(m in self.fresh for m in others)

    def _lists(self, article_id: str) -> bool:
        """Whether the list chosen holds the article (read or not)."""
        if self.narrow is None:
            return article_id in self.by_id
        if self.members is not None:
            return article_id in self.members
        summary = self.by_id.get(article_id)
        return summary is not None and self.narrow(summary)

    def row_label(self, article_id: str) -> str:
        """What a row says of its story: the count on its first version, "↳" on the others
        while expanded, "" for an article told once."""
        story = self.stories.story_of.get(article_id)
        if story is None:
            return ""
        if self._leads.get(story) == article_id:
            return self.stories.label(story)
        return "↳"

    def set_articles(
        self,
        articles: Sequence[ArticleSummary],
        by_id: Mapping[str, ArticleSummary] | None = None,
    ) -> None:
        """Replace the articles (already sorted newest first by the library scan); ``by_id``
        is the scan's own lookup of them, shared rather than built again."""
        self.articles = articles
        if by_id is None and isinstance(articles, PackedSummaries):
            by_id = PackedIds(articles)
        elif by_id is None:
            by_id = {a.id: a for a in articles}
        self.by_id = by_id
        self._refilter()

    def set_states(self, states: Mapping[str, ReadingState]) -> None:
        """Replace all reading states (after loading the store or another instance's writes);
        a missing state reads as unread and unopened (``kept_states``)."""
        self.states = dict(states)
        self.states_known = True
        self.version += 1
        self._refilter()

    def update_state(self, state: ReadingState) -> None:
        """Apply one article's new state without changing which rows are shown."""
        self.version += 1
        was = self.is_read(state.article_id)
        self.states[state.article_id] = state
        if state.article_id in self.by_id and was != state.read:
            self._unread += -1 if state.read else 1

    def is_read(self, article_id: str) -> bool:
        """Whether the article is marked read."""
        state = self.states.get(article_id)
        return bool(state and state.read)

    def is_starred(self, article_id: str) -> bool:
        """Whether the article is starred."""
        state = self.states.get(article_id)
        return bool(state and state.starred)

    def tags(self, article_id: str) -> tuple[str, ...]:
        """The user's tags on the article."""
        state = self.states.get(article_id)
        return state.tags if state else ()

    def has_tag(self, article_id: str, key: str) -> bool:
        """Whether the user put the tag ``key`` (``state.tags.key``) on the article."""
        return any(tag_key(t) == key for t in self.tags(article_id))

    def set_sort(self, sort: str) -> None:
        """Order the rows by ``sort`` (one of ``SORTS``)."""
        self.sort = sort if sort in SORTS else "date"
        self._refilter()

    def progress(self, article_id: str) -> int:
        """How far the article has been read, 0-100."""
        state = self.states.get(article_id)
        return state.progress if state else 0

    def set_read(self, ids: Iterable[str], read: bool) -> list[ArticleSummary]:
        """Mark articles read or unread locally; returns those that changed.

        Rows stay as they are (a row marked read under the filter disappears on the next
        ``refilter``), so the cursor does not jump under the user's hands.
        """
        changed: list[ArticleSummary] = []
        ids = list(ids)
        by_id = self.by_id
        if isinstance(self.articles, PackedSummaries) and len(ids) > 64:
            # Many at once ("mark all read"): one pass over the packed list, not a bisect
            # and a built summary per id.
            wanted = set(ids)
            by_id = {a.id: a for a in self.articles if a.id in wanted}
        for article_id in ids:
            summary = by_id.get(article_id)
            if summary is None or self.is_read(article_id) == read:
                continue
            old = self.states.get(article_id) or ReadingState(article_id)
            # ``update_state`` without its lookup: the article is known to be listed.
            self.states[article_id] = replace(old, read=read)
            self._unread += -1 if read else 1
            changed.append(summary)
        self.version += len(changed)
        return changed

    def toggle_filter(self) -> bool:
        """Hide or show read articles; returns the new ``hide_read``."""
        self.hide_read = not self.hide_read
        self._refilter()
        return self.hide_read

    def set_narrow(
        self,
        narrow: Callable[[ArticleSummary], bool] | None,
        label: str = "",
        order: Mapping[str, int] | None = None,
        fresh: frozenset[str] = frozenset(),
        members: Collection[str] | None = None,
    ) -> None:
        """Show only the articles ``narrow`` keeps (None: all of them again), in ``order``
        (article id -> rank) when given, those in ``fresh`` marked new; ``members``, when
        given, are the ids ``narrow`` keeps."""
        self.choose(Choice(narrow, label, order, fresh, members) if narrow is not None else ALL)

    def set_members(
        self,
        members: Collection[str],
        label: str,
        order: Mapping[str, int] | None = None,
        fresh: frozenset[str] = frozenset(),
    ) -> None:
        """Show only the articles whose ids are in ``members`` (a list: a tag, a saved
        search), in ``order`` when given, those in ``fresh`` marked new."""
        self.choose(members_choice(members, label, order, fresh))

    def choose(self, choice: Choice) -> None:
        """Show the list ``choice``, its rows picked now."""
        self.choice = choice
        self._refilter()

    def view(self) -> View:
        """How the rows are shown besides the list chosen."""
        return View(self.hide_read, self.sort, self.stories, self.expanded)

    def pick(
        self, choice: Choice, states: Mapping[str, ReadingState], version: int
    ) -> tuple[Picked, tuple[object, ...]]:
        """The rows ``choice`` would show, from ``states`` (a copy made at ``version``); for
        a worker, with what ``install`` checks that they are still good for."""
        articles, view = self.articles, self.view()
        picked = pick(articles, self._listed_ids(articles), states, choice, view)
        return picked, (articles, version, view)

    def install(self, choice: Choice, picked: Picked, made_for: tuple[object, ...]) -> None:
        """Show ``choice`` with the rows a worker picked (``pick``), or with rows picked
        now when the articles, the states or the view changed since."""
        articles, version, view = made_for
        if articles is not self.articles or version != self.version or view != self.view():
            self.choose(choice)
            return
        self.choice = choice
        self._put(picked)

    @property
    def narrowed_unread(self) -> int:
        """How many of the narrowed articles are not marked read."""
        version, count = self._narrowed_unread
        if version != self.version:
            count = sum(1 for i in ids_of(self.narrowed) if not self.is_read(i))
            self._narrowed_unread = (self.version, count)
        return count

    def refilter(self) -> None:
        """Recompute the visible rows from the articles, states and filter."""
        self._refilter()

    @property
    def total(self) -> int:
        """How many articles the library has."""
        return len(self.articles)

    @property
    def unread(self) -> int:
        """How many articles are not marked read."""
        return self._unread

    def article_ids(self) -> Iterator[str]:
        """Every article's id, newest first (read in place from a packed list)."""
        return ids_of(self.articles)

    def titles_matching(self, query: str, limit: int) -> list[ArticleSummary]:
        """Up to ``limit`` articles, newest first, whose title holds every word of ``query``."""
        words = query.casefold().split()
        found: list[ArticleSummary] = []
        if not words:
            return found
        articles = self.articles
        titles = (
            articles.titles()
            if isinstance(articles, PackedSummaries)
            else (a.title for a in articles)
        )
        for row, title in enumerate(titles):
            folded = title.casefold()
            if all(word in folded for word in words):
                found.append(articles[row])
                if len(found) >= limit:
                    break
        return found

    def index_of(self, article_id: str | None) -> int | None:
        """The row of an article, or None when it is not shown."""
        if article_id is None:
            return None
        rows = self.rows
        if isinstance(rows, PackedSummaries):
            return rows.row_of(article_id)
        if isinstance(rows, Subset):
            return rows.index_of(article_id)
        for i, row in enumerate(rows):
            if row.id == article_id:
                return i
        return None

    def nearest_shown(self, article_id: str) -> str | None:
        """The article itself if it is shown, else the next shown one after it in the
        library's order, else the last shown before it; None when no row is shown."""
        if self.index_of(article_id) is not None:
            return article_id
        shown = set(ids_of(self.rows))
        before: str | None = None
        passed = False
        for other in ids_of(self.articles):
            if other == article_id:
                passed = True
            elif other in shown:
                if passed:
                    return other
                before = other
        return before

    def _refilter(self) -> None:
        articles = self.articles
        self._put(pick(articles, self._listed_ids(articles), self.states, self.choice, self.view()))

    def _put(self, picked: Picked) -> None:
        self.rows, self.narrowed, self._leads = picked.rows, picked.narrowed, picked.leads
        self._unread = picked.unread
        self._narrowed_unread = (self.version, picked.narrowed_unread)

    def _listed_ids(self, articles: Sequence[ArticleSummary]) -> Container[str]:
        """Every article's id: for a packed list a set, built once per list (a bisect per
        state would cost more), else the lookup by id."""
        if not isinstance(articles, PackedSummaries) or len(self.states) <= 64:
            return self.by_id if articles is self.articles else {a.id for a in articles}
        listed = self._listed
        if listed is None or listed[0] is not articles:
            listed = self._listed = (articles, set(articles.ids()))
        return listed[1]
