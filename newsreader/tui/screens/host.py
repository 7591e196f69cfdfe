"""What the main screen's helpers may use of it: narrow protocols, one per helper.

The helpers (read marks, opening articles, bookmarks, feeds) each name the few parts of the
screen they need, so a helper cannot grow a dependency on the rest of the screen unseen, and
a test can drive one with a small stand-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer

if TYPE_CHECKING:
    from textual.app import App

    from newsreader.app.article_opening import OpenRequest
    from newsreader.app.session import Session
    from newsreader.state import StateStore
    from newsreader.tui.library_sync import LibrarySync
    from newsreader.tui.rows import ArticleRows
    from newsreader.tui.screens.feed_flow import FeedFetch
    from newsreader.tui.screens.open_flow import ArticleOpener
    from newsreader.tui.widgets.article_list import ArticleList
    from newsreader.tui.widgets.reader import Reader
    from newsreader.tui.widgets.search_pane import SearchPane
    from newsreader.tui.widgets.status_bar import StatusBar


class Host(Protocol):
    """Messages, timers, workers and toasts: what every helper posts through the screen."""

    @property
    def session(self) -> Session: ...

    def notify(
        self,
        message: str,
        *,
        title: str = ...,
        severity: SeverityLevel = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...

    def post_message(self, message: Message) -> bool: ...

    def set_timer(self, delay: float, callback: Callable[[], object] | None = ...) -> Timer: ...

    def run_worker(
        self,
        work: Callable[[], None],
        name: str | None = ...,
        group: str = ...,
        *,
        exit_on_error: bool = ...,
        exclusive: bool = ...,
        thread: bool = ...,
    ) -> object: ...


class ListHost(Host, Protocol):
    """For read marks: the rows, the list that shows them and the store."""

    @property
    def app(self) -> App[object]: ...

    @property
    def rows(self) -> ArticleRows: ...

    @property
    def article_list(self) -> ArticleList: ...

    def update_counts(self) -> None: ...

    def write(self, change: Callable[[StateStore], object]) -> None: ...


class ReaderHost(ListHost, Protocol):
    """For opening articles and bookmarking: the list side, and the reader."""

    @property
    def reader(self) -> Reader: ...

    def save_reading_position(self) -> None: ...

    def open_request(self, request: OpenRequest, focus: bool = True) -> None: ...

    def show_reader(self) -> None: ...


class FeedHost(Host, Protocol):
    """For feed fetches: the library worker to rescan and the status line."""

    @property
    def sync(self) -> LibrarySync: ...

    @property
    def status(self) -> StatusBar: ...


class LibraryHost(ListHost, FeedHost, Protocol):
    """For showing the library worker's news: the list side, status, search and the reader."""

    @property
    def search_pane(self) -> SearchPane: ...

    @property
    def panes_mounted(self) -> bool: ...

    @property
    def feeds(self) -> FeedFetch: ...

    @property
    def opener(self) -> ArticleOpener: ...

    def ensure_panes(self) -> None: ...

    def call_after_refresh(self, callback: Callable[[], object]) -> bool: ...
