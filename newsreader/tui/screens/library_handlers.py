"""The main screen's library handlers: what the library worker and the sync folder post.

A base of ``MainScreen``: Textual finds the handlers anywhere in the screen's MRO.
``LibraryView`` shows what the messages say; these route them to the screen's helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on

from newsreader.tui.library_sync import (
    Activity,
    IndexDamaged,
    IndexUpdated,
    LibraryScanned,
    StatesLoaded,
    StoreStatus,
    StoriesFound,
    SyncFailed,
)
from newsreader.tui.screens.feed_handlers import FeedHandlers
from newsreader.tui.screens.folder_sync import SyncMerged
from newsreader.tui.screens.story_flow import StoryFlow

if TYPE_CHECKING:
    from newsreader.tui.library_sync import LibrarySync
    from newsreader.tui.screens.bookmark_flow import BookmarkFlow
    from newsreader.tui.screens.library_view import LibraryView
    from newsreader.tui.screens.open_flow import ArticleOpener
    from newsreader.tui.screens.organising import Organising
    from newsreader.tui.widgets.article_list import ArticleList
    from newsreader.tui.widgets.reader import Reader
    from newsreader.tui.widgets.status_bar import StatusBar


class LibraryHandlers(FeedHandlers):
    """The library worker's and the sync folder's messages, on the main screen."""

    # Set by MainScreen.__init__.
    sync: LibrarySync
    library_view: LibraryView
    opener: ArticleOpener
    organising: Organising
    bookmark_flow: BookmarkFlow
    story_flow: StoryFlow
    _resumed: bool

    if TYPE_CHECKING:  # MainScreen's

        @property
        def status(self) -> StatusBar: ...

        def ensure_panes(self) -> None: ...

    def on_library_scanned(self, message: LibraryScanned) -> None:
        self.library_view.scanned(message)
        if (shown := self._feeds_screen()) is not None:
            shown.recount()

    def on_states_loaded(self, message: StatesLoaded) -> None:
        self.library_view.states_loaded(message)
        if not self._resumed:  # the first states of the run: back where the user was
            self._resumed = True
            self.ensure_panes()
            self.opener.reopen_last()
            self.organising.load_sort()

    def on_sync_merged(self, message: SyncMerged) -> None:
        touched = message.touched
        if touched & {"article", "tag", "bookmark"}:  # marks, stars, tags; a row for a mark
            self.sync.reload_states()
        if "bookmark" in touched:
            self.bookmark_flow.refresh_marks()
        if "setting" in touched:
            self.organising.load_sort()

    def on_activity(self, message: Activity) -> None:
        self.library_view.activity(message)

    def on_index_updated(self, message: IndexUpdated) -> None:
        self.library_view.index_updated(message)
        self.lists.library_changed()

    def on_stories_found(self, message: StoriesFound) -> None:
        self.story_flow.found(message)

    def on_article_list_versions_toggled(self, message: ArticleList.VersionsToggled) -> None:
        self.story_flow.toggle_versions(message.summary)

    @on(StoryFlow.Compared)
    def _compared(self, message: StoryFlow.Compared) -> None:
        self.story_flow.compared(message)

    def on_reader_related_requested(self, message: Reader.RelatedRequested) -> None:
        self.story_flow.related(message.article)

    @on(StoryFlow.RelatedFound)
    def _related_found(self, message: StoryFlow.RelatedFound) -> None:
        self.story_flow.related_found(message)

    def on_index_damaged(self, message: IndexDamaged) -> None:
        self.sync.heal()

    def on_store_status(self, message: StoreStatus) -> None:
        self.status.show_store(message.notices, message.saving)

    def on_sync_failed(self, message: SyncFailed) -> None:
        self.notify(
            f"Background task failed: {message.error}", severity="error", timeout=10, markup=False
        )

    def update_counts(self) -> None:
        """The list's "unread of total" line."""
        self.library_view.update_counts()
