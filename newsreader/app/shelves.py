"""The library as the user organises it: each article with its stars, its tags (the user's,
and its sources': a Markdown file's front matter, its feed's category) and its feed, so that
a filter (``filters``), a list (All, Unread, Starred, a tag, a feed) or a saved search can be
answered, with counts. Plain Python; blocking (files, the index): call it from a worker.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.app.filters import Filters, split
from newsreader.library.front_matter import file_tags
from newsreader.state.models import ReadingState
from newsreader.state.tags import key

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.library import ArticleSummary
    from newsreader.search import SearchResult
    from newsreader.state import StateStore

Search = Callable[..., "SearchResult"]
"""``SearchIndex.search``, or anything called like it."""


@dataclass(frozen=True, slots=True)
class FeedLinks:
    """Which feed saved which file: its names (title, address) and its category."""

    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Path -> the ``key``s a ``feed:`` filter may use for the feed that saved it."""
    categories: Mapping[str, str] = field(default_factory=dict)
    """Path -> the category of the feed that saved it, as the user spelled it."""
    feeds: tuple[tuple[str, str, str], ...] = ()
    """(address, title, category) of every subscription, for the list picker."""


def shelf_for(ctx: AppContext, articles: Sequence[ArticleSummary], store: StateStore) -> Shelf:
    """The shelf of a scan, with the store's states and the feeds' links (blocking)."""
    from newsreader.feeds import subscriptions_file

    states = store.reading_states(articles, unopened=False)
    return Shelf(articles, states, feed_links(subscriptions_file(ctx.paths), ctx.articles_dir))


def feed_links(subscriptions_path: Path, articles_dir: Path) -> FeedLinks:
    """Read the subscriptions and the articles folder's sidecar (blocking)."""
    from newsreader.app.sources import feed_files
    from newsreader.feeds import load_subscriptions
    from newsreader.library.text import clean_line

    try:
        subs = load_subscriptions(subscriptions_path)
        files = feed_files(articles_dir)
    except (OSError, ValueError):
        return FeedLinks()
    names: dict[str, tuple[str, ...]] = {}
    categories: dict[str, str] = {}
    feeds: list[tuple[str, str, str]] = []
    for sub in subs:
        title = clean_line(sub.title or sub.url, 80)
        category = clean_line(sub.category or "", 80)
        feeds.append((sub.url, title, category))
        keys = tuple({key(title), key(sub.url)})
        for path in files.get(sub.url, ()):
            names[path] = keys
            if category:
                categories[path] = category
    return FeedLinks(names, categories, tuple(feeds))


class Shelf:
    """The articles of one scan with what is known about each; built per question (cheap:
    dictionary lookups per article, front matter read once per file and cached)."""

    def __init__(
        self,
        articles: Sequence[ArticleSummary],
        states: Mapping[str, ReadingState],
        links: FeedLinks | None = None,
    ) -> None:
        self.articles = articles
        self.states = states
        self.links = links or FeedLinks()
        self._by_path: dict[str, ArticleSummary] | None = None
        self._places: dict[str, int] | None = None

    def by_path(self) -> dict[str, ArticleSummary]:
        """The articles by their path string."""
        if self._by_path is None:
            self._by_path = {a.path_str: a for a in self.articles}
        return self._by_path

    def places(self) -> dict[str, int]:
        """Each article's place in the scan's order (newest first), by id."""
        if self._places is None:
            self._places = {a.id: n for n, a in enumerate(self.articles)}
        return self._places

    def state(self, article: ArticleSummary) -> ReadingState:
        """The article's reading state (defaults when nothing is stored)."""
        return self.states.get(article.id) or ReadingState(article.id)

    def source_tags(self, article: ArticleSummary) -> tuple[str, ...]:
        """The tags the article came with: its front matter's and its feed's category."""
        own = file_tags(article.path_str, article.mtime_ns)
        category = self.links.categories.get(article.path_str)
        return (*own, category) if category and key(category) not in map(key, own) else own

    def _tag_keys(self, article: ArticleSummary) -> set[str]:
        keys = {key(t) for t in self.state(article).tags}
        for tag in self.source_tags(article):
            keys.add(key(tag))
            parts = key(tag).split("/")  # a nested category also files under its parents
            keys.update("/".join(parts[:n]) for n in range(1, len(parts)))
        return keys

    def matches(self, article: ArticleSummary, filters: Filters) -> bool:
        """Whether one article passes every filter."""
        state = self.state(article)
        if filters.starred is not None and state.starred != filters.starred:
            return False
        if filters.read is not None and state.read != filters.read:
            return False
        if filters.tags or filters.without_tags:
            keys = self._tag_keys(article)
            if not all(t in keys for t in filters.tags) or any(
                t in keys for t in filters.without_tags
            ):
                return False
        if filters.feeds or filters.without_feeds:
            names = set(self.links.names.get(article.path_str, ()))
            if not all(f in names for f in filters.feeds) or any(
                f in names for f in filters.without_feeds
            ):
                return False
        return True

    def matching(self, filters: Filters) -> list[ArticleSummary]:
        """The articles passing ``filters``, in the scan's order (newest first)."""
        if not filters:
            return list(self.articles)
        return [a for a in self.articles if self.matches(a, filters)]

    def tag_counts(self) -> list[tuple[str, int, bool]]:
        """Every tag in use: (name, articles, is the user's), the user's first, each sorted
        case-insensitively. A tag both the user and a source use counts once, as the user's."""
        users: dict[str, tuple[str, int]] = {}
        sources: dict[str, tuple[str, int]] = {}
        for article in self.articles:
            mine = {key(t): t for t in self.state(article).tags}
            for k, t in mine.items():
                users[k] = (users.get(k, (t, 0))[0], users.get(k, (t, 0))[1] + 1)
            for t in self.source_tags(article):
                k = key(t)
                if k not in mine:
                    sources[k] = (sources.get(k, (t, 0))[0], sources.get(k, (t, 0))[1] + 1)
        out = [(t, n, True) for _k, (t, n) in sorted(users.items())]
        out += [(t, n, False) for k, (t, n) in sorted(sources.items()) if k not in users]
        return out

    def search(self, search: Search, text: str, limit: int, **options: object) -> SearchResult:
        """``text`` searched: its words by the index, its filters here. Filters alone list
        the matching articles newest first (no index needed)."""
        from newsreader.search import SearchHit, SearchResult

        parts = split(text)
        if parts.error:
            return SearchResult(text, (), 0, error=parts.error)
        if not parts.filters:
            result: SearchResult = search(text, limit, **options)
            return result
        passing = self.matching(parts.filters)
        if not parts.words:
            hits = tuple(
                SearchHit(a.id, a.title, a.path, a.date, 0.0, 0, "", (), (), ())
                for a in passing[:limit]
            )
            return SearchResult(text, hits, len(passing))
        within = [a.path_str for a in passing]
        result = search(parts.words, limit, within=within, **options)
        return dataclasses.replace(result, query=text)
