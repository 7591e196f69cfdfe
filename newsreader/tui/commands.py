"""The command palette's newsreader commands: open an article by title, search, filters,
lists, saved searches, sorting, bookmarks, fetching feeds, export and re-index. Themes and
quit come from Textual's system commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp

TITLE_HITS = 25
"""Articles offered for one query; titles are filtered by plain substring first so a
100k-article library never runs the fuzzy matcher on every title."""


class NewsreaderCommands(Provider):
    """Commands that reach the library, the index and the store."""

    @property
    def _app(self) -> NewsreaderApp:
        from newsreader.tui.app import NewsreaderApp

        assert isinstance(self.app, NewsreaderApp)
        return self.app

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app = self._app
        main = app.main_screen
        hide = "Show read articles" if main.hiding_read else "Hide read articles"
        yield "Search articles", "Focus the search box (/)", app.palette_search
        yield hide, "Toggle the read filter (M)", main.toggle_read_filter
        yield "Mark all articles read", "Every article in the library (A)", main.mark_all_read
        yield "Lists", "All, unread, starred, tags, feeds, saved searches (L)", main.show_lists
        yield (
            "Sort the list",
            "By date, title, source or progress, in turn (S)",
            (main.organising.cycle_sort),
        )
        if main.panes_mounted and main.search_pane.query_text:
            query = main.search_pane.query_text
            yield (
                "Save this search",
                f"Keep “{query}” as a list (ctrl+s)",
                partial(main.lists.save_search, query),
            )
        yield "Bookmarks", "List every bookmark (B)", app.palette_bookmarks
        if main.panes_mounted and main.reader.article is not None:
            yield "Related articles", "Articles like the one in the reader (r)", main.show_related
        yield "Fetch feeds", "Save new articles from every subscribed feed (R)", app.fetch_feeds
        yield "Feeds", "Every feed: add, remove, fetch, show its articles (F)", app.palette_feeds
        if main.narrowed:
            label = main.rows.narrow_label
            yield "Show all articles", f"The list shows {label} now", app.palette_all_articles
        yield "Export bookmarks", "Write them all to a Markdown file", app.export_bookmarks
        yield "Re-index library", "Rebuild the search index from scratch", app.reindex
        yield "Keys and search syntax", "Help (? or F1)", app.action_help

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, _highlight(matcher, name), callback, name, help_text)
        if not query.strip():
            return
        app = self._app
        label = f"Search for “{query}”"
        yield Hit(
            0.45, Text(label), partial(app.palette_search, query), label, "Ranked full-text search"
        )
        words = query.split()
        if words and words[0].casefold() == "open":
            words = words[1:]  # "open bronzes" finds "Museum returns looted bronzes"
        for summary in app.main_screen.titles_matching(" ".join(words), TITLE_HITS):
            label = f"Open: {summary.title}"
            # Every word is in the title, so rank it above the plain search offer.
            score = 0.5 + 0.5 * matcher.match(label)
            date = f"{summary.date:%d %b %Y}" if summary.date else "undated"
            yield Hit(
                score,
                _highlight(matcher, label),
                partial(app.main_screen.open_article, summary.id),
                label,
                date,
            )


def _highlight(matcher: Matcher, candidate: str) -> Text:
    """Like ``Matcher.highlight`` but plain text: titles are data, never markup."""
    text = Text(candidate)
    score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    if score:
        for offset in offsets:
            if not candidate[offset].isspace():
                text.stylize("reverse", offset, offset + 1)
    return text
