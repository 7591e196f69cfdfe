"""The main screen: article list (or search) beside the reader, one pane at a time when narrow.

The screen owns the shared state (the rows, the open article) and passes it down; panes post
messages up. Blocking work runs in thread workers (``LibrarySync``, ``opening.prepare``).

The first frame holds the list only: the reader and search panes (and their modules) are
mounted right after it is painted, or earlier the moment anything asks for them: their imports,
styles and drawing cost ~50-90 ms of a ~550 ms start (10k articles, benchmarks/README.md).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Static

from newsreader.library import ArticleSummary, LibraryScan, ParseError
from newsreader.tui import library_sync as sync
from newsreader.tui.plural import count
from newsreader.tui.rows import ArticleRows
from newsreader.tui.screens.bookmark_flow import BookmarkFlow
from newsreader.tui.screens.feed_flow import FeedFetch
from newsreader.tui.screens.read_marks import ReadMarks
from newsreader.tui.session import Session
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.key_bar import KeyBar
from newsreader.tui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from newsreader.feeds import FetchOptions
    from newsreader.state import StateStore
    from newsreader.tui.opening import OpenedArticle, OpenRequest
    from newsreader.tui.widgets.reader import Position, Reader
    from newsreader.tui.widgets.search_pane import SearchPane

NARROW_BELOW = 100
"""Terminal columns below which one pane is shown at a time."""

Pane = Literal["list", "search", "reader"]


def _request(summary: ArticleSummary, query: str | None = None,
             paragraph: int | None = None) -> OpenRequest:
    from newsreader.tui.opening import OpenRequest  # not on the way to the first paint

    return OpenRequest(summary, query=query, paragraph=paragraph)


class MainScreen(Screen[None]):
    """List, search and reader, and the flows between them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: handled before the next queued key, so "/word" typed fast lands in the box
        Binding("slash", "search", "Search", id="search", priority=True),
        Binding("B", "bookmarks", "Bookmarks", id="bookmarks"),
        Binding("R", "fetch_feeds", "Fetch feeds", show=False, id="feeds.fetch"),
        Binding("tab,shift+tab", "switch_pane", "Switch pane", show=False, id="switch-pane"),
        Binding("escape", "back", "Back", id="back"),
    ]

    AUTO_FOCUS = "#articles"

    narrow: reactive[bool] = reactive(False)
    """Too narrow for two panes: only ``pane`` is shown."""
    pane: reactive[Pane] = reactive[Pane]("list")
    """The pane in use: the list or search on the left, or the reader."""

    @dataclass
    class _Opened(Message):
        opened: OpenedArticle | None
        focus: bool
        serial: int
        error: str | None = None

    class _Wrote(Message):
        """A store write finished: check whether the store still saves."""

    def __init__(
        self, session: Session, poll_seconds: float | None,
        fetch_options: FetchOptions | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.rows = ArticleRows()
        self.sync = sync.LibrarySync(self, session, poll_seconds)
        self.bookmark_flow = BookmarkFlow(self)
        self.read_marks = ReadMarks(self)
        self.feeds = FeedFetch(self, fetch_options)
        self.loaded = False
        self._shown: LibraryScan | None = None
        self.indexed = False
        self._open_serial = 0
        self._reader: Reader | None = None
        self._search: SearchPane | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield ArticleList(self.rows, id="articles")
            slot = Static(id="reader-slot")  # the reader's frame until the reader is mounted
            slot.border_title = "Reader"
            yield slot
        yield StatusBar(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.article_list.border_title = "Articles"
        self.call_after_refresh(self._panes_after_paint)
        scan = self.session.first_list()
        if scan is not None:  # found while the app was starting: the first paint has rows
            self._show_scan(scan, changed=False)
            self.call_after_refresh(self.sync.list_painted.set)
        else:
            self.update_counts()
            self.sync.list_painted.set()
        self.sync.start()

    def on_unmount(self) -> None:
        self.sync.stop()

    # --- parts -----------------------------------------------------------------------------

    @property
    def article_list(self) -> ArticleList:
        """The article list pane."""
        return self.query_one(ArticleList)

    @property
    def reader(self) -> Reader:
        """The reader pane."""
        return self._mount_panes()[0]

    @property
    def search_pane(self) -> SearchPane:
        """The search pane."""
        return self._mount_panes()[1]

    def _panes_after_paint(self) -> None:
        if self.query_one("#left").is_attached:  # not when quitting at once
            self._mount_panes()

    def _mount_panes(self) -> tuple[Reader, SearchPane]:
        if self._reader is None or self._search is None:
            from newsreader.tui.widgets.reader import Reader
            from newsreader.tui.widgets.search_pane import SearchPane

            search = self._search = SearchPane(self.session.search, id="search")
            search.border_title = "Search"
            search.display = False  # until "/"
            reader = self._reader = Reader(id="reader")
            reader.border_title = "Reader"
            # mount() puts them in the DOM at once: queries and focus work from here on.
            self.query_one("#left").mount(search, before=self.article_list)
            self.query_one("#panes").mount(reader, after="#left")
            self.query_one("#reader-slot").remove()
            self.watch_pane(self.pane)
        return self._reader, self._search

    @property
    def status(self) -> StatusBar:
        """The status line."""
        return self.query_one(StatusBar)

    # --- layout ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.narrow = self.size.width < NARROW_BELOW

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        self.set_class(narrow and self.pane == "reader", "-reading")

    def watch_pane(self, pane: Pane) -> None:
        # Only narrow layouts use -reading; a class on the screen restyles every widget.
        if self.narrow:
            self.set_class(pane == "reader", "-reading")
        if self._search is None:  # not mounted yet: _mount_panes applies the pane
            return
        self.search_pane.display = pane == "search" or (
            pane == "reader" and self.search_pane.display
        )
        self.article_list.display = not self.search_pane.display

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Focus can also move by mouse: keep ``pane`` (what Escape and Tab act on) in step.
        widget = event.widget
        if widget is self._reader:
            self.pane = "reader"
        elif widget is self.article_list:
            self.pane = "list"
        elif self._search is not None and self._search in widget.ancestors_with_self:
            self.pane = "search"

    def _focus_pane(self, pane: Pane) -> None:
        # set_focus at once (focus() waits its turn behind keys already queued).
        self.pane = pane
        if pane == "reader":
            self.set_focus(self.reader)
        elif pane == "search":
            results = self.search_pane.results
            if results.hit_count and results.highlighted is not None:
                self.set_focus(results)
            else:
                self.search_pane.focus_query()
        else:
            self.set_focus(self.article_list)

    def action_search(self) -> None:
        self.search_pane.display = True
        self.pane = "search"
        self.search_pane.focus_query()

    def action_switch_pane(self) -> None:
        if self.pane == "reader":
            self._focus_pane("search" if self.search_pane.display else "list")
        elif self.reader.article is not None:
            self._focus_pane("reader")
        elif self.pane == "search":
            self.search_pane.results.focus() if self.search_pane.query_input.has_focus else (
                self.search_pane.focus_query()
            )

    def action_back(self) -> None:
        if self.pane == "reader":
            self._focus_pane("search" if self.search_pane.display else "list")
        elif self.pane == "search":
            self.search_pane.display = False
            self._focus_pane("list")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "search":
            return not isinstance(self.focused, Input)  # let "/" be typed into inputs
        if action == "back":
            return self.pane != "list"
        return True

    # --- the library -----------------------------------------------------------------------

    def on_library_scanned(self, message: sync.LibraryScanned) -> None:
        shown = self._shown
        if shown is None or message.scan.articles is not shown.articles:
            self._show_scan(message.scan, message.changed)
        else:  # the remembered list, confirmed: the same summaries
            self._shown = message.scan
        if not message.changed:
            self.call_after_refresh(self.sync.painted.set)
            # What exists now lives as long as the app (Textual, the panes, every summary):
            # taken out of the cyclic collector's reach, its full collections no longer walk
            # it (they cost 50-80 ms each at 10k articles, a dropped frame or three).
            # Non-cyclic objects freed later (old summaries) still go by reference counting.
            self.call_after_refresh(gc.freeze)

    def _show_scan(self, scan: LibraryScan, changed: bool) -> None:
        self._shown = scan
        self.loaded = True
        before = set(self.rows.by_id)
        keep = self.article_list.highlighted
        self.rows.set_articles(scan.articles)
        self.article_list.empty_text = (
            "" if scan.articles else "No articles yet: add .txt or .md files to the library."
        )
        self.article_list.refresh_rows(keep.id if keep else None)
        self.update_counts()
        if changed:
            # Articles a feed fetch saved are counted in its own progress, not here.
            added = sum(1 for a in scan.articles
                        if a.id not in before and a.path not in self.feeds.saved_paths)
            removed = len(before - set(self.rows.by_id))
            parts = [f"{n} {what}" for n, what in ((added, "new"), (removed, "removed")) if n]
            if parts:
                self.notify("Library changed: " + ", ".join(parts) + ".", timeout=4, markup=False)
            self._reload_open_article(scan.by_id)

    def _reload_open_article(self, by_id: dict[str, ArticleSummary]) -> None:
        article = self.reader.article
        if article is None:
            return
        summary = by_id.get(article.id)
        if summary is None:
            self.notify(
                "The open article was removed from the library.", severity="warning", markup=False
            )
        elif summary.content_hash != article.content_hash:
            position = self.reader.position
            paragraph = position.paragraph if position else None
            self.open_request(_request(summary, paragraph=paragraph), focus=False)

    def on_states_loaded(self, message: sync.StatesLoaded) -> None:
        self.rows.set_states(message.states)
        keep = self.article_list.highlighted
        self.article_list.refresh_rows(keep.id if keep else None)
        self.update_counts()

    def on_activity(self, message: sync.Activity) -> None:
        if message.label:
            self.status.set_activity(message.label, message.done, message.total)
            if message.label != "Reading articles":
                done = f" ({message.done:,}/{message.total:,})" if message.total else ""
                self.search_pane.set_index_note(f"Updating the search index{done}…")
        else:
            self.status.set_info(self._idle_text())

    def on_index_updated(self, message: sync.IndexUpdated) -> None:
        self.indexed = message.report is not None
        self.search_pane.set_index_note("")
        self.search_pane.search_again()  # answer the query from the fresh index
        if message.error:
            self.notify(message.error, severity="error", timeout=8, markup=False)
        elif message.report is not None and message.report.notice:
            self.notify(message.report.notice, severity="warning", timeout=8, markup=False)
        self.status.set_info(self._idle_text())

    def on_store_status(self, message: sync.StoreStatus) -> None:
        self.status.show_store(message.notices, message.saving)

    def on_sync_failed(self, message: sync.SyncFailed) -> None:
        self.notify(
            f"Background task failed: {message.error}", severity="error", timeout=10, markup=False
        )

    def _idle_text(self) -> str:
        return count(self.rows.total, "article") + (" · index ready" if self.indexed else "")

    def update_counts(self) -> None:
        """The list's "unread of total" line."""
        rows = self.rows
        if not self.loaded:
            self.article_list.border_subtitle = "loading…"
            return
        subtitle = f"{rows.unread:,} unread of {rows.total:,}"
        if rows.hide_read:
            subtitle += " · read hidden"
        self.article_list.border_subtitle = subtitle

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
        self.read_marks.toggle_filter()

    def on_article_list_all_marked_read(self) -> None:
        self.read_marks.mark_all()

    def on_reader_position_changed(self, message: Reader.PositionChanged) -> None:
        self._save_position(message.article.summary, message.position)

    def _save_position(self, summary: ArticleSummary, position: Position) -> None:
        from newsreader.tui.opening import quote_at

        # The text there too: reopening after the article changed finds the same passage.
        quote = quote_at(self.reader.article, summary, position.paragraph, position.offset)
        state = self.rows.states.get(summary.id)
        if state is not None:
            self.rows.update_state(replace(state, paragraph=position.paragraph,
                                           offset=position.offset, progress=position.progress,
                                           quote=quote))
            self.article_list.refresh()
        self.write(lambda store: store.save_position(
            summary, position.paragraph, position.offset, position.progress, quote))

    def save_reading_position(self) -> None:
        """Save where the reader is now (before opening another article or quitting)."""
        if self._reader is None:
            return  # never mounted: nothing was read
        article, position = self._reader.article, self._reader.position
        if article is not None and position is not None:
            self._save_position(article.summary, position)

    # --- opening articles ------------------------------------------------------------------

    def on_article_list_opened(self, message: ArticleList.Opened) -> None:
        self.open_request(_request(message.summary))

    def on_search_pane_hit_chosen(self, message: SearchPane.HitChosen) -> None:
        summary = self.rows.by_id.get(message.hit.id)
        if summary is None:
            self.notify(
                "That article is no longer in the library.", severity="warning", markup=False
            )
            return
        hit = message.hit
        self.open_request(_request(summary, query=message.query, paragraph=hit.paragraph))

    def open_article(self, article_id: str, query: str | None = None) -> None:
        """Open an article by id (used by the command palette)."""
        summary = self.rows.by_id.get(article_id)
        if summary is not None:
            self.article_list.select_id(article_id)
            self.open_request(_request(summary, query=query))

    def open_request(self, request: OpenRequest, focus: bool = True) -> None:
        """Open an article as ``request`` says (saving where the reader was first)."""
        self.save_reading_position()
        if request.state is None:
            request = replace(request, state=self.rows.states.get(request.summary.id))
        self._open_serial += 1
        self._load(request, focus, self._open_serial)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _load(self, request: OpenRequest, focus: bool, serial: int) -> None:
        from newsreader.library.names import inert
        from newsreader.tui.opening import prepare

        try:
            self.post_message(self._Opened(prepare(self.session, request), focus, serial))
        except ParseError as exc:
            error = f"Cannot open {inert(request.summary.path.name)}: {exc}"
            self.post_message(self._Opened(None, focus, serial, error))

    @on(_Opened)
    def _show(self, message: _Opened) -> None:
        if message.serial != self._open_serial:
            return  # another article was asked for since; it is on its way
        opened = message.opened
        if opened is None:
            self.notify(message.error or "Cannot open the article.", severity="error", markup=False)
            return
        self.reader.show(
            opened.article, opened.paragraph, opened.offset, matches=opened.matches,
            focus_match=bool(opened.request.query), bookmarked=opened.bookmarked,
        )
        if opened.state is not None:
            self.rows.update_state(opened.state)
            self.update_counts()
            self.article_list.refresh()
        if opened.notice:
            self.notify(opened.notice, severity="warning", timeout=6, markup=False)
        if opened.request.bookmark is None:
            self.bookmark_flow.refresh_marks()  # margin marks follow in a moment
        if message.focus:
            self._focus_pane("reader")

    # --- feeds (see feed_flow) ------------------------------------------------------------

    def action_fetch_feeds(self) -> None:
        self.feeds.start()

    @on(FeedFetch.Started)
    def _feeds_started(self, message: FeedFetch.Started) -> None:
        self.feeds.started(message)

    @on(FeedFetch.Progress)
    def _feeds_progress(self, message: FeedFetch.Progress) -> None:
        self.feeds.progress(message)

    @on(FeedFetch.Finished)
    def _feeds_finished(self, message: FeedFetch.Finished) -> None:
        self.feeds.finished(message)

    # --- bookmarks (see bookmark_flow) ------------------------------------------------------

    def on_reader_bookmark_requested(self, message: Reader.BookmarkRequested) -> None:
        self.bookmark_flow.save(message.article, message.paragraph, message.note)

    @on(BookmarkFlow.Saved)
    def _bookmark_saved(self, message: BookmarkFlow.Saved) -> None:
        self.bookmark_flow.saved(message)
        self._check_store()

    @on(BookmarkFlow.Marks)
    def _bookmark_marks(self, message: BookmarkFlow.Marks) -> None:
        self.bookmark_flow.marks(message)

    def action_bookmarks(self) -> None:
        self.bookmark_flow.open_list()
