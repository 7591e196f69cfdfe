"""What the article list shows: articles newest first, their read state, and the read filter.

Plain Python (no Textual) so it can be tested directly and shared by the list and the palette.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from newsreader.library import ArticleSummary
from newsreader.state.models import ReadingState


class ArticleRows:
    """The library's articles plus reading state, filtered into the rows the list displays."""

    def __init__(self) -> None:
        self.articles: tuple[ArticleSummary, ...] = ()
        self.by_id: dict[str, ArticleSummary] = {}
        self.states: dict[str, ReadingState] = {}
        self.hide_read = False
        self.narrow: Callable[[ArticleSummary], bool] | None = None
        """Which articles the list shows at all (one feed, one category); None: every one."""
        self.narrow_label = ""
        """What ``narrow`` keeps, for the list's header ("" when not narrowed)."""
        self.narrowed: list[ArticleSummary] = []
        """The articles ``narrow`` keeps, read or not (empty when not narrowed)."""
        self.states_known = False
        """The reading states have been loaded: until then no row is called read or unread."""
        self.rows: list[ArticleSummary] = []
        self._unread = 0

    def set_articles(self, articles: tuple[ArticleSummary, ...]) -> None:
        """Replace the articles (already sorted newest first by the library scan)."""
        self.articles = articles
        self.by_id = {a.id: a for a in articles}
        self._refilter()

    def set_states(self, states: Mapping[str, ReadingState]) -> None:
        """Replace all reading states (after loading the store or another instance's writes)."""
        self.states = dict(states)
        self.states_known = True
        self._refilter()

    def update_state(self, state: ReadingState) -> None:
        """Apply one article's new state without changing which rows are shown."""
        was = self.is_read(state.article_id)
        self.states[state.article_id] = state
        if state.article_id in self.by_id and was != state.read:
            self._unread += -1 if state.read else 1

    def is_read(self, article_id: str) -> bool:
        """Whether the article is marked read."""
        state = self.states.get(article_id)
        return bool(state and state.read)

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
        for article_id in ids:
            summary = self.by_id.get(article_id)
            if summary is None or self.is_read(article_id) == read:
                continue
            old = self.states.get(article_id) or ReadingState(article_id)
            self.update_state(replace(old, read=read))
            changed.append(summary)
        return changed

    def toggle_filter(self) -> bool:
        """Hide or show read articles; returns the new ``hide_read``."""
        self.hide_read = not self.hide_read
        self._refilter()
        return self.hide_read

    def set_narrow(self, narrow: Callable[[ArticleSummary], bool] | None, label: str = "") -> None:
        """Show only the articles ``narrow`` keeps (None: all of them again)."""
        self.narrow = narrow
        self.narrow_label = label if narrow is not None else ""
        self._refilter()

    @property
    def narrowed_unread(self) -> int:
        """How many of the narrowed articles are not marked read."""
        return sum(1 for a in self.narrowed if not self.is_read(a.id))

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

    def titles_matching(self, query: str, limit: int) -> list[ArticleSummary]:
        """Up to ``limit`` articles, newest first, whose title holds every word of ``query``."""
        words = query.casefold().split()
        found: list[ArticleSummary] = []
        if not words:
            return found
        for article in self.articles:
            title = article.title.casefold()
            if all(word in title for word in words):
                found.append(article)
                if len(found) >= limit:
                    break
        return found

    def index_of(self, article_id: str | None) -> int | None:
        """The row of an article, or None when it is not shown."""
        if article_id is None:
            return None
        for i, row in enumerate(self.rows):
            if row.id == article_id:
                return i
        return None

    def nearest_shown(self, article_id: str) -> str | None:
        """The article itself if it is shown, else the next shown one after it in the
        library's order, else the last shown before it; None when no row is shown."""
        shown = {row.id for row in self.rows}
        if article_id in shown:
            return article_id
        before: str | None = None
        passed = False
        for article in self.articles:
            if article.id == article_id:
                passed = True
            elif article.id in shown:
                if passed:
                    return article.id
                before = article.id
        return before

    def _refilter(self) -> None:
        states = self.states
        read_ids = {i for i, s in states.items() if s.read and i in self.by_id}
        self._unread = len(self.articles) - len(read_ids)
        narrow = self.narrow
        self.narrowed = [a for a in self.articles if narrow(a)] if narrow is not None else []
        shown = self.narrowed if narrow is not None else self.articles
        if self.hide_read:
            self.rows = [a for a in shown if a.id not in read_ids]
        else:
            self.rows = list(shown)
