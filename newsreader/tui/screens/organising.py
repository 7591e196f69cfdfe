"""Stars, tags and the list's sort, for ``MainScreen``, and the shelf (the rows with what
the user organised) that the lists (``list_flow``) and the search pane ask.

Like ``ReadMarks``: a change shows in the rows at once and its store write is queued through
the screen. What needs the store or the feeds' files (tags in use, the sort) is read in a
thread worker and handed back to the UI thread.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from newsreader.library import ArticleSummary
from newsreader.state.models import ReadingState
from newsreader.tui.rows import SORTS

if TYPE_CHECKING:
    from newsreader.app.shelves import FeedLinks, Shelf
    from newsreader.search import SearchResult
    from newsreader.tui.screens.main import MainScreen

SORT_SETTING = "list.sort"


class Organising:
    """What the user organises the library with, on the main screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._links: FeedLinks | None = None
        self._kept: tuple[int, Shelf] | None = None

    # --- helpers for workers --------------------------------------------------------------

    def shelf(self) -> Shelf:
        """The rows as a shelf (called in a worker: copies what it reads)."""
        return self.versioned_shelf()[1]

    def forget_links(self) -> None:
        """Read the feeds' links again on next use (a fetch may have saved files)."""
        self._links = None

    def versioned_shelf(self) -> tuple[int, Shelf]:
        """The rows as a shelf, and the version of the rows' states it copied."""
        from newsreader.app.shelves import Shelf, feed_links
        from newsreader.feeds import subscriptions_file

        rows, ctx = self.screen.rows, self.screen.session.ctx
        links = self._links
        if links is None:
            links = self._links = feed_links(subscriptions_file(ctx.paths), ctx.articles_dir)
        kept, version = self._kept, rows.version
        same = kept is not None and kept[1].articles is rows.articles
        if kept is not None and same and kept[0] == version and kept[1].links is links:
            return kept  # nothing changed: its tag index and columns stand
        # A copy: the UI thread changes the rows' states while a worker reads these.
        shelf = Shelf(rows.articles, dict(rows.states), links)
        if kept is not None and same:
            shelf.adopt_columns(kept[1])
        self._kept = (version, shelf)
        return version, shelf

    def shelf_at_hand(self, tags: bool) -> bool:
        """Whether the shelf of the rows as they are now is built: asking for it reads no
        file and copies no states, and with ``tags`` has no tag index to make."""
        rows, kept, links = self.screen.rows, self._kept, self._links
        return (
            kept is not None
            and kept[0] == rows.version
            and kept[1].articles is rows.articles
            and links is not None
            and kept[1].links is links
            and (kept[1].has_tag_index() or not tags)
        )

    def search(self, query: str, limit: int = 40, **options: object) -> SearchResult:
        """The search pane's search: words by the index, ``tag:``/``is:``/``feed:`` here."""
        from newsreader.app.filters import split

        session = self.screen.session
        if not split(query).filters and not split(query).error:
            return session.search(query, limit, **options)  # type: ignore[arg-type]
        return self.shelf().search(session.index().search, query, limit, **options)

    def _state(self, summary: ArticleSummary) -> ReadingState:
        return self.screen.rows.states.get(summary.id) or ReadingState(summary.id)

    def _redraw(self) -> None:
        screen = self.screen
        keep = screen.article_list.highlighted
        screen.article_list.refresh_rows(keep.id if keep else None)
        screen.update_counts()

    # --- stars and tags -------------------------------------------------------------------

    def toggle_star(self, summary: ArticleSummary) -> None:
        """Star or unstar an article (the list keeps its row until the next change)."""
        starred = not self._state(summary).starred
        self.screen.rows.update_state(replace(self._state(summary), starred=starred))
        self.screen.write(lambda store: store.set_starred(summary, starred))
        self._redraw()
        self.screen.notify(
            f"{'Starred' if starred else 'Unstarred'}: {summary.title}", timeout=2, markup=False
        )

    def edit_tags(self, summary: ArticleSummary) -> None:
        """Ask for the article's tags (completed from those in use), then save them."""
        screen = self.screen

        def tags_in_use() -> None:
            store = screen.session.store()
            mine = store.tags_in_use() if store is not None else []
            own = self.shelf().source_tags(summary)
            screen.app.call_from_thread(self._ask_tags, summary, mine, own)

        screen.run_worker(tags_in_use, name="tags", group="tags", thread=True, exclusive=True)

    def _ask_tags(self, summary: ArticleSummary, in_use: list[str], own: tuple[str, ...]) -> None:
        from newsreader.state.tags import join_tags, normalise, split_tags
        from newsreader.tui.screens.name_dialog import NameDialog

        def check(text: str) -> str | None:
            try:
                for tag in split_tags(text):
                    normalise(tag)
            except ValueError as exc:
                return str(exc)
            return None

        about = summary.title
        if own:
            about += "\nFrom its source (kept apart): " + join_tags(own)

        def answered(text: str | None) -> None:
            if text is None:
                return
            tags = [normalise(t) for t in split_tags(text)]
            from newsreader.state.tags import merged

            new = merged([], tags, [])
            self.screen.rows.update_state(replace(self._state(summary), tags=new))
            self.screen.write(lambda store: store.change_tags(summary, new, replace=True))
            self._redraw()
            self.screen.lists.tags_changed()  # the list of a tag added or removed follows
            shown = join_tags(new) if new else "none"
            self.screen.notify(f"Tags: {shown}", timeout=2, markup=False)

        current = join_tags(self._state(summary).tags)
        dialog = NameDialog(
            "Tags",
            about,
            current + (", " if current else ""),
            placeholder='tags, separated by commas ("quoted, if one has a comma")',
            check=check,
            suggestions=in_use,
        )
        self.screen.app.push_screen(dialog, answered)

    # --- sorting ----------------------------------------------------------------------------

    def cycle_sort(self) -> None:
        """Sort the list the next way (date, title, source, progress) and remember it."""
        rows = self.screen.rows
        sort = SORTS[(SORTS.index(rows.sort) + 1) % len(SORTS)]
        self.apply_sort(sort)
        self.screen.write(lambda store: store.set_setting(SORT_SETTING, sort))
        names = {"date": "date, newest first", "source": "source (folder)"}
        self.screen.notify(f"Sorted by {names.get(sort, sort)}.", timeout=2, markup=False)

    def _sort_if_other(self, sort: str) -> None:
        if sort != self.screen.rows.sort:
            self.apply_sort(sort)

    def apply_sort(self, sort: str) -> None:
        """Show the rows in ``sort`` order."""
        self.screen.rows.set_sort(sort)
        self._redraw()

    def load_sort(self) -> None:
        """Apply the remembered sort order (once the store is open, and when sync brought
        one chosen on another device)."""
        screen = self.screen

        def read() -> None:
            store = screen.session.store()
            sort = store.setting(SORT_SETTING) if store is not None else None
            if sort in SORTS:
                screen.app.call_from_thread(self._sort_if_other, sort)

        screen.run_worker(read, name="sort", group="sort", thread=True)
