"""The main screen's side of the library worker: show its scans, states, progress and index.

A helper of ``MainScreen``: ``LibrarySync`` posts what it found (it never touches widgets);
this puts it in the rows, the list, the counts, the status line and the search pane.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from rich.text import Text

from newsreader.library import LibraryScan
from newsreader.tui import library_sync as sync
from newsreader.tui.plural import count
from newsreader.tui.row_views import ids_of

if TYPE_CHECKING:
    from newsreader.tui.screens.host import LibraryHost


class LibraryView:
    """What the library worker reports, on screen."""

    def __init__(self, screen: LibraryHost) -> None:
        self.screen = screen
        self.loaded = False
        """A scan (this run's or the last run's) is in the rows."""
        self.indexed = False
        self._shown: LibraryScan | None = None

    def scanned(self, message: sync.LibraryScanned) -> None:
        """A scan finished: show its articles unless they are the ones already shown."""
        screen = self.screen
        shown = self._shown
        if shown is None or message.scan.articles is not shown.articles:
            self.show_scan(message.scan, message.changed)
        else:  # the remembered list, confirmed: the same summaries
            self._shown = message.scan
        if not message.changed:
            screen.call_after_refresh(screen.sync.painted.set)
            # What exists now lives as long as the app (Textual, the panes, every summary):
            # taken out of the cyclic collector's reach, its full collections no longer walk
            # it (they cost 50-80 ms each at 10k articles, a dropped frame or three).
            # Non-cyclic objects freed later (old summaries) still go by reference counting.
            screen.call_after_refresh(gc.freeze)

    def show_scan(self, scan: LibraryScan, changed: bool) -> None:
        """Put ``scan``'s articles in the list; after a change, say what changed."""
        screen = self.screen
        self._shown = scan
        self.loaded = True
        rows, listing = screen.rows, screen.article_list
        before = set(rows.by_id)
        keep = listing.highlighted
        rows.set_articles(scan.articles, scan.by_id)
        listing.empty_text = (
            "" if scan.articles else "No articles yet: add .txt or .md files to the library."
        )
        listing.refresh_rows(keep.id if keep else None)
        self.update_counts()
        if changed:
            # Articles a feed fetch saved are counted in its own progress, not here.
            saved = screen.feeds.saved_paths
            # By id first: a summary is built only for a new article (building one for each
            # of a packed 10k took ~18 ms of the UI thread at every change).
            came = [i for i in ids_of(scan.articles) if i not in before]
            added = sum(1 for i in came if scan.by_id[i].path not in saved)
            removed = len(before - set(rows.by_id))
            parts = [f"{n} {what}" for n, what in ((added, "new"), (removed, "removed")) if n]
            if parts:
                screen.notify("Library changed: " + ", ".join(parts) + ".", timeout=4, markup=False)
            if screen.panes_mounted:
                screen.opener.reload_if_changed(scan.by_id)

    def states_loaded(self, message: sync.StatesLoaded) -> None:
        """Every reading state, fresh from the store."""
        screen = self.screen
        screen.rows.set_states(message.states)
        keep = screen.article_list.highlighted
        screen.article_list.refresh_rows(keep.id if keep else None)
        self.update_counts()

    def activity(self, message: sync.Activity) -> None:
        """Background progress, in the status line (and the search pane while indexing)."""
        screen = self.screen
        if message.label:
            screen.status.set_activity(message.label, message.done, message.total)
            if message.label not in ("Reading articles", sync.FINDING_VERSIONS):
                screen.ensure_panes()
                done = f" ({message.done:,}/{message.total:,})" if message.total else ""
                screen.search_pane.set_index_note(f"Updating the search index{done}…")
        else:
            screen.status.set_info(self.idle_text())

    def index_updated(self, message: sync.IndexUpdated) -> None:
        """The index caught up: answer the query again from it, and say what went wrong."""
        screen = self.screen
        self.indexed = message.report is not None
        screen.ensure_panes()
        screen.search_pane.set_index_note("")
        screen.search_pane.search_again()
        if message.error:
            screen.notify(message.error, severity="error", timeout=8, markup=False)
        elif message.report is not None and message.report.notice:
            screen.notify(message.report.notice, severity="warning", timeout=8, markup=False)
        screen.status.set_info(self.idle_text())

    def idle_text(self) -> str:
        """The status line when nothing runs: how many articles, and whether search works."""
        total = self.screen.rows.total
        return count(total, "article") + (" · index ready" if self.indexed else "")

    def update_counts(self) -> None:
        """The list's "unread of total" line."""
        rows, listing = self.screen.rows, self.screen.article_list
        if not self.loaded:
            listing.border_subtitle = "loading…"
            return
        if not rows.states_known:
            listing.border_subtitle = count(rows.total, "article")
            return
        subtitle = f"{rows.unread:,} unread of {rows.total:,}"
        # The label quotes a feed's title or category: Text, so "[" is never markup.
        listing.border_title = Text(
            f"Articles · {rows.narrow_label}" if rows.narrow_label else "Articles"
        )
        if rows.narrow is not None:
            subtitle = (
                f"{rows.narrowed_unread:,} unread of {len(rows.narrowed):,} · all: {subtitle}"
            )
        if rows.hide_read:
            subtitle += " · read hidden"
        listing.border_subtitle = subtitle
