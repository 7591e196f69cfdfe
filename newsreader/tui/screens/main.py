"""The main screen: article list (or search) beside the reader, one pane at a time when narrow.

The screen owns the shared state (the rows, the open article) and passes it down; panes post
messages up. Blocking work runs in thread workers (``LibrarySync``, ``ArticleOpener``).

Its public methods (``open_article``, ``search``, ``toggle_read_filter``, ``mark_all_read``,
``reindex``, ``fetch_feeds``, ``show_bookmarks``) are what keys, the palette and the app call.

``PaneLayout`` (panes.py) owns the panes: which are mounted, which are shown, and focus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from newsreader.app.session import Session
from newsreader.library import ArticleSummary, LibraryScan
from newsreader.tui import library_sync as sync
from newsreader.tui.rows import ArticleRows
from newsreader.tui.screens.auto_refresh import AutoRefresh
from newsreader.tui.screens.bookmark_flow import BookmarkFlow
from newsreader.tui.screens.feed_flow import FeedFetch
from newsreader.tui.screens.folder_sync import FolderSync
from newsreader.tui.screens.library_handlers import LibraryHandlers
from newsreader.tui.screens.library_view import LibraryView
from newsreader.tui.screens.list_flow import ListFlow
from newsreader.tui.screens.narrowing import Narrowing
from newsreader.tui.screens.open_flow import ArticleOpener, request_for
from newsreader.tui.screens.organising import Organising
from newsreader.tui.screens.panes import Pane, PaneLayout
from newsreader.tui.screens.read_marks import ReadMarks
from newsreader.tui.screens.story_flow import StoryFlow
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.key_bar import KeyBar
from newsreader.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from newsreader.app.article_opening import OpenRequest
    from newsreader.feeds import FetchOptions
    from newsreader.state import StateStore
    from newsreader.tui.app import NewsreaderApp
    from newsreader.tui.widgets.reader import Reader
    from newsreader.tui.widgets.search_pane import SearchPane


class MainScreen(LibraryHandlers):
    """List, search and reader, and the flows between them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: handled before the next queued key, so "/word" typed fast lands in the box
        Binding("slash", "search", "Search", id="main.search", priority=True),
        Binding("B", "bookmarks", "Bookmarks", id="main.bookmarks"),
        Binding("R", "fetch_feeds", "Fetch feeds", show=False, id="feeds.fetch"),
        Binding("F", "feeds", "Feeds", show=False, id="main.feeds"),
        Binding("tab,shift+tab", "switch_pane", "Switch pane", show=False, id="main.switch_pane"),
        Binding("escape", "back", "Back", id="main.back"),
        Binding(
            "less_than_sign", "list_width(-4)", "Narrower list", show=False, id="list.narrower"
        ),
        Binding("greater_than_sign", "list_width(4)", "Wider list", show=False, id="list.wider"),
        Binding("L", "lists", "Lists", show=False, id="main.lists"),
        # The list has its own s and t; these act on the article open in the reader.
        Binding("s", "star_open", "Star the open article", show=False, id="reader.toggle_star"),
        Binding("t", "tags_open", "Tag the open article", show=False, id="reader.edit_tags"),
    ]

    AUTO_FOCUS = "#articles"

    class _Wrote(Message):
        """A store write finished: check whether the store still saves."""

    def __init__(
        self,
        session: Session,
        poll_seconds: float | None,
        fetch_options: FetchOptions | None = None,
        refresh_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.rows = ArticleRows()
        self.sync = sync.LibrarySync(self, session, poll_seconds)
        self.bookmark_flow = BookmarkFlow(self)
        self.read_marks = ReadMarks(self)
        self.feeds = FeedFetch(self, fetch_options)
        self.opener = ArticleOpener(self)
        self.library_view = LibraryView(self)
        self.story_flow = StoryFlow(self)
        self._resumed = False
        self.narrowing = Narrowing(self)
        self.organising = Organising(self)
        self.lists = ListFlow(self, self.organising)
        minutes = session.ctx.config.fetch_interval
        self.refresher = AutoRefresh(
            self, refresh_seconds if refresh_seconds is not None else minutes and minutes * 60
        )
        self.folder_sync = FolderSync(self, poll_seconds)

    def compose(self) -> ComposeResult:
        yield PaneLayout(
            self.rows, self.session, self.session.ctx.config.list_width, self.organising.search
        )
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        scan = self.session.first_list()
        if scan is not None:  # found while the app was starting: the first paint has rows
            self.library_view.show_scan(scan, changed=False)
            self.call_after_refresh(self.sync.list_painted.set)
        else:
            self.update_counts()
            self.sync.list_painted.set()
        self.sync.start()
        self.refresher.start()
        self.folder_sync.start()

    def on_unmount(self) -> None:
        self.sync.stop()

    # --- parts (see panes) ------------------------------------------------------------------

    @property
    def panes(self) -> PaneLayout:
        """The list, search and reader panes."""
        return self.query_one(PaneLayout)

    @property
    def article_list(self) -> ArticleList:
        """The article list pane."""
        return self.panes.article_list

    @property
    def reader(self) -> Reader:
        """The reader pane (mounted by ``ensure_panes``, right after the first paint)."""
        return self.panes.reader

    @property
    def search_pane(self) -> SearchPane:
        """The search pane (mounted by ``ensure_panes``, right after the first paint)."""
        return self.panes.search_pane

    @property
    def panes_mounted(self) -> bool:
        """The reader and search panes are in the DOM."""
        return self.panes.mounted

    def ensure_panes(self) -> None:
        """Mount the reader and search panes now if they are not yet."""
        self.panes.ensure_panes()

    @property
    def narrow(self) -> bool:
        """Too narrow for two panes: one is shown at a time."""
        return self.panes.narrow

    @property
    def pane(self) -> Pane:
        """The pane in use: the list or search on the left, or the reader."""
        return self.panes.pane

    @property
    def status(self) -> StatusBar:
        """The status line."""
        return self.query_one(StatusBar)

    def show_reader(self) -> None:
        """Bring the reader forward and focus it."""
        self.panes.focus_pane("reader")

    def action_search(self) -> None:
        self.search()

    def action_switch_pane(self) -> None:
        self.panes.switch()

    def action_back(self) -> None:
        self.panes.back()

    def action_list_width(self, step: int) -> None:
        self.panes.resize_list(step)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search":
            return not isinstance(self.focused, Input)  # let "/" be typed into inputs
        if action == "back":
            return self.pane != "list"
        if action in ("star_open", "tags_open"):
            return self.pane == "reader" and self._open_summary() is not None
        return True

    # --- organising (see organising) --------------------------------------------------------

    def _open_summary(self) -> ArticleSummary | None:
        article = self.reader.article if self.panes_mounted else None
        return self.rows.by_id.get(article.id) if article is not None else None

    def action_lists(self) -> None:
        self.show_lists()

    def show_lists(self) -> None:
        """Offer the lists (All, Unread, Starred, tags, feeds, saved searches)."""
        self.lists.show_picker()

    def action_star_open(self) -> None:
        if (summary := self._open_summary()) is not None:
            self.organising.toggle_star(summary)

    def action_tags_open(self) -> None:
        if (summary := self._open_summary()) is not None:
            self.organising.edit_tags(summary)

    def on_article_list_star_toggled(self, message: ArticleList.StarToggled) -> None:
        self.organising.toggle_star(message.summary)

    def on_article_list_tags_requested(self, message: ArticleList.TagsRequested) -> None:
        self.organising.edit_tags(message.summary)

    def on_article_list_sort_requested(self) -> None:
        self.organising.cycle_sort()

    def on_search_pane_save_requested(self, message: SearchPane.SaveRequested) -> None:
        self.lists.save_search(message.query)

    # --- the library (see library_handlers) ------------------------------------------------

    def show_related(self) -> None:
        """Articles related to the one in the reader."""
        if self.panes_mounted and self.reader.article is not None:
            self.story_flow.related(self.reader.article)

    # --- reading state ---------------------------------------------------------------------

    def write(self, change: Callable[[StateStore], object]) -> None:
        """Queue a store write; afterwards re-check that the store still saves."""
        future = self.session.write(change)
        future.add_done_callback(lambda _f: self.post_message(self._Wrote()))

    @on(_Wrote)
    def _after_write(self) -> None:
        self._check_store()

    @work(thread=True, exclusive=True, group="store-status", exit_on_error=False)
    def _check_store(self) -> None:
        notices, saving = self.session.store_notices()
        self.post_message(sync.StoreStatus(notices, saving))

    def on_article_list_read_toggled(self, message: ArticleList.ReadToggled) -> None:
        self.read_marks.toggle(message.summary)

    def on_article_list_filter_toggled(self) -> None:
        self.toggle_read_filter()

    def on_article_list_all_marked_read(self) -> None:
        self.mark_all_read()

    def on_article_list_undo_requested(self) -> None:
        self.read_marks.undo()

    def toggle_read_filter(self) -> None:
        """Hide read articles, or show them again."""
        self.read_marks.toggle_filter()

    def mark_all_read(self) -> None:
        """Mark every article in the library read."""
        self.read_marks.mark_all()

    @property
    def hiding_read(self) -> bool:
        """Whether read articles are hidden from the list now."""
        return self.rows.hide_read

    def titles_matching(self, query: str, limit: int) -> list[ArticleSummary]:
        """Up to ``limit`` articles, newest first, whose title holds every word of ``query``."""
        return self.rows.titles_matching(query, limit)

    def on_reader_position_changed(self, message: Reader.PositionChanged) -> None:
        self.opener.save(message.article.summary, message.position)

    def save_reading_position(self) -> None:
        """Save where the reader is now (before opening another article or quitting)."""
        if self.panes_mounted:  # else nothing was read
            self.opener.save_position()

    # --- opening articles (see open_flow) ----------------------------------------------------

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.open_request(request_for(message.summary))

    def on_search_pane_hit_chosen(self, message: SearchPane.HitChosen) -> None:
        summary = self.rows.by_id.get(message.hit.id)
        if summary is None:
            self.notify(
                "That article is no longer in the library.", severity="warning", markup=False
            )
            return
        hit = message.hit
        self.open_request(request_for(summary, query=message.query, paragraph=hit.paragraph))

    def open_article(self, article_id: str, query: str | None = None) -> None:
        """Open an article by id, its row highlighted in the list."""
        summary = self.rows.by_id.get(article_id)
        if summary is not None:
            self.article_list.select_id(article_id)
            self.open_request(request_for(summary, query=query))

    def open_request(self, request: OpenRequest, focus: bool = True) -> None:
        """Open an article as ``request`` says (saving where the reader was first)."""
        self.ensure_panes()
        self.opener.open(request, focus)

    @on(ArticleOpener.Opened)
    def _opened(self, message: ArticleOpener.Opened) -> None:
        opened = self.opener.shown(message)
        if opened is None:
            return
        self.bookmark_flow.refresh_marks()  # margin marks (and which bookmark) follow soon
        self.story_flow.opened(opened.article)
        if message.focus:
            self.show_reader()

    # --- searching -----------------------------------------------------------------------

    def search(self, query: str | None = None) -> None:
        """Show the search pane and focus its box, with ``query`` typed in if given."""
        self.panes.show_search(query)

    def reindex(self) -> None:
        """Rebuild the search index in the background."""
        self.sync.reindex()
        self.notify("Rebuilding the search index…", timeout=3, markup=False)

    @property
    def library_scan(self) -> LibraryScan | None:
        """The latest scan of the library (None before the first one)."""
        return self.sync.scan

    # --- open and copy (see source_flow) ----------------------------------------------------

    def on_reader_source_requested(self, message: Reader.SourceRequested) -> None:
        from newsreader.tui.screens.source_flow import open_source

        open_source(cast("NewsreaderApp", self.app), message.article.title, message.article.path)

    def on_article_list_source_requested(self, message: ArticleList.SourceRequested) -> None:
        from newsreader.tui.screens.source_flow import open_source

        summary = message.summary
        open_source(cast("NewsreaderApp", self.app), summary.title, summary.path)

    def on_reader_copy_requested(self, message: Reader.CopyRequested) -> None:
        from newsreader.tui.screens.source_flow import copy_passage

        a = message.article
        app = cast("NewsreaderApp", self.app)
        copy_passage(app, a.paragraphs[message.paragraph], a.title, a.date, a.path)

    # --- bookmarks (see bookmark_flow) ------------------------------------------------------

    def on_reader_bookmark_requested(self, message: Reader.BookmarkRequested) -> None:
        self.bookmark_flow.save(message.article, message.paragraph, message.note, message.bookmark)

    @on(BookmarkFlow.Saved)
    def _bookmark_saved(self, message: BookmarkFlow.Saved) -> None:
        self.bookmark_flow.saved(message)
        self._check_store()

    @on(BookmarkFlow.Marks)
    def _bookmark_marks(self, message: BookmarkFlow.Marks) -> None:
        self.bookmark_flow.marks(message)

    def action_bookmarks(self) -> None:
        self.show_bookmarks()

    def show_bookmarks(self) -> None:
        """Open the bookmarks screen."""
        self.ensure_panes()
        self.bookmark_flow.open_list()
