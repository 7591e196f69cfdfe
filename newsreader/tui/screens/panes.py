"""The main screen's panes: the list (or search) on the left, the reader on the right.

``PaneLayout`` is the one owner of the panes: it mounts the reader and search panes once
(``ensure_panes``), decides which are shown (side by side, or one at a time when narrow), moves
focus between them and sizes the list. The first frame holds the list only: the other panes'
imports, styles and drawing are a good part of the start-up, so they are mounted right after
it is painted, or earlier when an action needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Static

from newsreader.tui.rows import ArticleRows
from newsreader.tui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from newsreader.app.session import Session
    from newsreader.search import SearchResult
    from newsreader.tui.widgets.reader import Reader
    from newsreader.tui.widgets.search_pane import SearchPane

NARROW_BELOW = 100
"""Terminal columns below which one pane is shown at a time."""
READER_ENOUGH = 78
"""Columns the reader pane needs at most (a ~72-column text column, its margin and frame): a
wide terminal gives the rest to the list, so titles show whole."""
READER_MIN = 50
LIST_MIN = 36

Pane = Literal["list", "search", "reader"]


class PaneLayout(Horizontal):
    """The list and search on the left, the reader beside them or in their place."""

    narrow: reactive[bool] = reactive(False)
    """Too narrow for two panes: only ``pane`` is shown."""
    pane: reactive[Pane] = reactive[Pane]("list")
    """The pane in use: the list or search on the left, or the reader."""

    def __init__(
        self,
        rows: ArticleRows,
        session: Session,
        list_width: int | None,
        search: Callable[..., SearchResult] | None = None,
    ) -> None:
        super().__init__(id="panes")
        self._rows = rows
        self._session = session
        self._search_with = search or session.search
        self.list_width = list_width
        """Columns of the list beside the reader; None: what the reader cannot use."""
        self._reader: Reader | None = None
        self._search: SearchPane | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="left"):
            yield ArticleList(self._rows, id="articles")
        slot = Static(id="reader-slot")  # the reader's frame until the reader is mounted
        slot.border_title = "Reader"
        yield slot

    def on_mount(self) -> None:
        self.article_list.border_title = "Articles"
        self.call_after_refresh(self._after_paint)

    # --- the panes ---------------------------------------------------------------------------

    @property
    def article_list(self) -> ArticleList:
        """The article list pane."""
        return self.query_one(ArticleList)

    @property
    def reader(self) -> Reader:
        """The reader pane (mounted by ``ensure_panes``, right after the first paint)."""
        assert self._reader is not None, "the reader is not mounted yet (ensure_panes)"
        return self._reader

    @property
    def search_pane(self) -> SearchPane:
        """The search pane (mounted by ``ensure_panes``, right after the first paint)."""
        assert self._search is not None, "the search pane is not mounted yet (ensure_panes)"
        return self._search

    @property
    def mounted(self) -> bool:
        """The reader and search panes are in the DOM."""
        return self._reader is not None

    def _after_paint(self) -> None:
        if self.query_one("#left").is_attached:  # not when quitting at once
            self.ensure_panes()

    def ensure_panes(self) -> None:
        """Mount the reader and search panes, once; the only place they are mounted."""
        if self._reader is not None:
            return
        from newsreader.tui.widgets.reader import Reader
        from newsreader.tui.widgets.search_pane import SearchPane

        search = self._search = SearchPane(self._search_with, id="search")
        search.border_title = "Search"
        search.display = False  # until "/"
        reader = self._reader = Reader(id="reader")
        reader.border_title = "Reader"
        # mount() puts them in the DOM at once: queries and focus work from here on.
        self.query_one("#left").mount(search, before=self.article_list)
        self.mount(reader, after="#left")
        self.query_one("#reader-slot").remove()
        self.watch_pane(self.pane)

    # --- what is shown -----------------------------------------------------------------------

    def on_resize(self) -> None:
        self.narrow = self.size.width < NARROW_BELOW
        self._size_list()

    def _size_list(self) -> None:
        total = self.size.width
        width = self.list_width or max(round(total * 0.45), total - READER_ENOUGH)
        width = max(LIST_MIN, min(width, total - READER_MIN))
        self.query_one("#left").styles.width = None if self.narrow else width

    def resize_list(self, step: int) -> None:
        """Make the list ``step`` columns wider (narrower when negative), side by side."""
        if self.narrow:
            return
        current = self.query_one("#left").region.width or LIST_MIN
        self.list_width = max(LIST_MIN, min(current + step, self.size.width - READER_MIN))
        self._size_list()

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        self.set_class(narrow and self.pane == "reader", "-reading")

    def watch_pane(self, pane: Pane) -> None:
        if self.narrow:
            self.set_class(pane == "reader", "-reading")
        if self._search is None:  # not mounted yet: ensure_panes applies the pane
            return
        self._search.display = pane == "search" or (pane == "reader" and self._search.display)
        self.article_list.display = not self._search.display

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Focus can also move by mouse: keep ``pane`` (what Escape and Tab act on) in step.
        widget = event.widget
        if widget is self._reader:
            self.pane = "reader"
        elif widget is self.article_list:
            self.pane = "list"
        elif self._search is not None and self._search in widget.ancestors_with_self:
            self.pane = "search"

    # --- moving between them -----------------------------------------------------------------

    def focus_pane(self, pane: Pane) -> None:
        """Show ``pane`` and focus it (the search results if it has some highlighted)."""
        # set_focus at once (focus() waits its turn behind keys already queued).
        self.ensure_panes()
        self.pane = pane
        set_focus = self.screen.set_focus
        if pane == "reader":
            set_focus(self.reader)
        elif pane == "search":
            results = self.search_pane.results
            if results.hit_count and results.highlighted is not None:
                set_focus(results)
            else:
                self.search_pane.focus_query()
        else:
            set_focus(self.article_list)

    def show_search(self, query: str | None = None) -> None:
        """Show the search pane and focus its box, with ``query`` typed in if given."""
        self.ensure_panes()
        search = self.search_pane
        search.display = True
        self.pane = "search"
        search.focus_query()
        if query is not None:
            search.query_input.value = query

    def switch(self) -> None:
        """Tab: from the reader to the left, from the left to the reader (with an article),
        in search between the box and the results."""
        self.ensure_panes()
        search = self.search_pane
        if self.pane == "reader":
            self.focus_pane("search" if search.display else "list")
        elif self.reader.article is not None:
            self.focus_pane("reader")
        elif self.pane == "search":
            search.results.focus() if search.query_input.has_focus else search.focus_query()

    def back(self) -> None:
        """Escape: from the reader to the left; from search to the list."""
        self.ensure_panes()
        if self.pane == "reader":
            self.focus_pane("search" if self.search_pane.display else "list")
        elif self.pane == "search":
            self.search_pane.display = False
            self.focus_pane("list")
