"""The library as the user organises it: each article with its stars, its tags (the user's,
and its sources': a Markdown file's front matter, its feed's category) and its feed, so that
a filter (``filters``), a list (All, Unread, Starred, a tag, a feed) or a saved search can be
answered, with counts. Plain Python; blocking (files, the index): call it from a worker.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    """The articles of one scan with what is known about each. Questions over every article
    read the scan's id, path and mtime columns (a packed list gives them without building a
    summary per article); front matter is read once per file and cached."""

    def __init__(
        self,
        articles: Sequence[ArticleSummary],
        states: Mapping[str, ReadingState],
        links: FeedLinks | None = None,
    ) -> None:
        self.articles = articles
        self.states = states
        self.links = links or FeedLinks()
        self._columns: tuple[list[str], list[str], Sequence[int]] | None = None
        self._ids_of_paths: dict[str, str] | None = None
        self._places: dict[str, int] | None = None
        self._tags: dict[str, list[str]] | None = None

    def columns(self) -> tuple[list[str], list[str], Sequence[int]]:
        """Every article's id, path and mtime, in the scan's order (built once)."""
        if self._columns is None:
            from newsreader.library.packed import PackedSummaries

            arts = self.articles
            if isinstance(arts, PackedSummaries):
                self._columns = (list(arts.ids()), list(arts.paths()), arts.mtimes())
            else:
                self._columns = (
                    [a.id for a in arts],
                    [a.path_str for a in arts],
                    [a.mtime_ns for a in arts],
                )
        return self._columns

    def adopt_columns(self, other: Shelf) -> None:
        """Use ``other``'s columns and lookups (the same scan's articles, newer states)."""
        self._columns, self._ids_of_paths = other._columns, other._ids_of_paths
        self._places = other._places

    def id_of_path(self) -> dict[str, str]:
        """Article id by path string."""
        if self._ids_of_paths is None:
            ids, paths, _mtimes = self.columns()
            self._ids_of_paths = dict(zip(paths, ids, strict=True))
        return self._ids_of_paths

    def places(self) -> dict[str, int]:
        """Each article's place in the scan's order (newest first), by id."""
        if self._places is None:
            self._places = {aid: n for n, aid in enumerate(self.columns()[0])}
        return self._places

    def hashes_of(self, ids: Iterable[str]) -> list[str]:
        """The content hashes of the articles ``ids`` (each in this scan)."""
        from newsreader.library.packed import PackedSummaries

        arts, places = self.articles, self.places()
        if isinstance(arts, PackedSummaries):
            return [arts.content_hash(places[aid]) for aid in ids]
        return [arts[places[aid]].content_hash for aid in ids]

    def state(self, article: ArticleSummary) -> ReadingState:
        """The article's reading state (defaults when nothing is stored)."""
        return self.states.get(article.id) or ReadingState(article.id)

    def source_tags(self, article: ArticleSummary) -> tuple[str, ...]:
        """The tags the article came with: its front matter's and its feed's category."""
        return self._source_tags(article.path_str, article.mtime_ns)

    def _source_tags(self, path: str, mtime_ns: int) -> tuple[str, ...]:
        own = file_tags(path, mtime_ns)
        category = self.links.categories.get(path)
        return (*own, category) if category and key(category) not in map(key, own) else own

    def _tag_keys(self, article_id: str, path: str, mtime_ns: int) -> set[str]:
        state = self.states.get(article_id)
        keys = {key(t) for t in state.tags} if state is not None else set()
        for tag in self._source_tags(path, mtime_ns):
            keys.add(key(tag))
            parts = key(tag).split("/")  # a nested category also files under its parents
            keys.update("/".join(parts[:n]) for n in range(1, len(parts)))
        return keys

    def _passes(self, article_id: str, path: str, mtime_ns: int, filters: Filters) -> bool:
        state = self.states.get(article_id)
        if filters.starred is not None and bool(state and state.starred) != filters.starred:
            return False
        if filters.read is not None and bool(state and state.read) != filters.read:
            return False
        if filters.tags or filters.without_tags:
            keys = self._tag_keys(article_id, path, mtime_ns)
            if not all(t in keys for t in filters.tags) or any(
                t in keys for t in filters.without_tags
            ):
                return False
        if filters.feeds or filters.without_feeds:
            names = set(self.links.names.get(path, ()))
            if not all(f in names for f in filters.feeds) or any(
                f in names for f in filters.without_feeds
            ):
                return False
        return True

    def matches(self, article: ArticleSummary, filters: Filters) -> bool:
        """Whether one article passes every filter."""
        return self._passes(article.id, article.path_str, article.mtime_ns, filters)

    def matching_ids(self, filters: Filters) -> list[str]:
        """The ids of the articles passing ``filters``, in the scan's order (newest first)."""
        ids, paths, mtimes = self.columns()
        if not filters:
            return list(ids)
        passes = self._passes
        return [
            aid
            for aid, path, mtime in zip(ids, paths, mtimes, strict=True)
            if passes(aid, path, mtime, filters)
        ]

    def matching(self, filters: Filters) -> list[ArticleSummary]:
        """The articles passing ``filters``, in the scan's order (newest first)."""
        if not filters:
            return list(self.articles)
        places = self.places()
        return [self.articles[places[aid]] for aid in self.matching_ids(filters)]

    def tag_index(self) -> dict[str, list[str]]:
        """Tag key -> the ids of the articles with it (the user's or their own, a nested
        category under its parents too), in the scan's order; built once per shelf."""
        if self._tags is None:
            index: dict[str, list[str]] = {}
            for aid, path, mtime in zip(*self.columns(), strict=True):
                for k in self._tag_keys(aid, path, mtime):
                    index.setdefault(k, []).append(aid)
            self._tags = index
        return self._tags

    def has_tag_index(self) -> bool:
        """Whether ``tag_index`` is built (asking for it then costs nothing)."""
        return self._tags is not None

    def tag_counts(self) -> list[tuple[str, int, bool]]:
        """Every tag in use: (name, articles, is the user's), the user's first, each sorted
        case-insensitively. A tag both the user and a source use counts once, as the user's."""
        names: dict[str, str] = {}
        users: Counter[str] = Counter()
        sources: Counter[str] = Counter()
        states = self.states
        for aid, path, mtime in zip(*self.columns(), strict=True):
            state = states.get(aid)
            mine = {key(t): t for t in state.tags} if state is not None and state.tags else {}
            for k, t in mine.items():
                names.setdefault(k, t)
                users[k] += 1
            for t in self._source_tags(path, mtime):
                k = key(t)
                if k not in mine:
                    names.setdefault(k, t)
                    sources[k] += 1
        out = [(names[k], users[k], True) for k in sorted(users)]
        out += [(names[k], sources[k], False) for k in sorted(sources) if k not in users]
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
        return result._replace(query=text)
