"""The main screen's feed handlers: fetching feeds, their progress and toasts, the feeds screen.

A base of ``MainScreen``: Textual finds the handlers anywhere in the screen's MRO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on

from newsreader.tui.screens.feed_flow import FeedFetch
from newsreader.tui.screens.toasts import OwnToasts

if TYPE_CHECKING:
    from newsreader.tui.rows import ArticleRows
    from newsreader.tui.screens.auto_refresh import AutoRefresh
    from newsreader.tui.screens.feeds import FeedsScreen
    from newsreader.tui.screens.list_flow import ListFlow
    from newsreader.tui.screens.main import MainScreen
    from newsreader.tui.screens.narrowing import Narrowing


class FeedHandlers(OwnToasts[None]):
    """Feed fetches and the feeds screen, on the main screen."""

    # Set by MainScreen.__init__.
    rows: ArticleRows
    feeds: FeedFetch
    refresher: AutoRefresh
    narrowing: Narrowing
    lists: ListFlow

    def action_fetch_feeds(self) -> None:
        self.fetch_feeds()

    def fetch_feeds(self) -> None:
        """Fetch every subscribed feed in the background."""
        self.feeds.start()

    @on(FeedFetch.Started)
    def _feeds_started(self, message: FeedFetch.Started) -> None:
        self.feeds.started(message)
        if (shown := self._feeds_screen()) is not None:
            shown.show_progress()

    @on(FeedFetch.Progress)
    def _feeds_progress(self, message: FeedFetch.Progress) -> None:
        self.feeds.progress(message)
        if (shown := self._feeds_screen()) is not None:
            shown.fetch_event(message.event)

    @on(FeedFetch.Finished)
    def _feeds_finished(self, message: FeedFetch.Finished) -> None:
        self.feeds.finished(message)
        self.refresher.finished(message.report)
        if (shown := self._feeds_screen()) is not None:
            shown.fetch_done()
        self.narrowing.refresh()  # the feed's new articles join a narrowed list

    def _feeds_screen(self) -> FeedsScreen | None:
        from newsreader.tui.screens.feeds import FeedsScreen

        return next((s for s in self.app.screen_stack if isinstance(s, FeedsScreen)), None)

    def action_feeds(self) -> None:
        self.show_feeds()

    def show_feeds(self) -> None:
        """Open the feeds screen."""
        from newsreader.tui.screens.feeds import FeedsScreen

        if self._feeds_screen() is None:
            self.app.push_screen(FeedsScreen(cast("MainScreen", self)))

    def narrow_to(self, urls: frozenset[str] | None, label: str) -> None:
        """Show only the articles saved from the feeds ``urls`` (None: every article)."""
        self.lists.left_lists(urls is not None)
        self.narrowing.to(urls, label)

    @property
    def narrowed(self) -> bool:
        """The list shows one feed or category, not every article."""
        return self.rows.narrow is not None
