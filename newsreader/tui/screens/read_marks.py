"""Read marks from the article list: one article, the read filter, every article at once.

A helper of ``MainScreen`` (like ``BookmarkFlow``): it changes the rows at once, so the list
redraws without waiting, and queues the store write through the screen. Marking every
article read asks first when it changes more than a screenful, and ``u`` undoes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsreader.library import ArticleSummary
from newsreader.tui.plural import count

if TYPE_CHECKING:
    from newsreader.tui.screens.host import ListHost


class ReadMarks:
    """Marking read and unread, and hiding read articles."""

    def __init__(self, screen: ListHost) -> None:
        self.screen = screen
        self._undo: list[str] = []
        """The articles the last "mark all read" changed."""

    def toggle(self, summary: ArticleSummary) -> None:
        """Flip one article's read mark; on a folded story's row, the mark of the row as it
        shows (read once every version under it is), for all of them."""
        rows = self.screen.rows
        ids = [summary.id, *rows.folded_under(summary.id)]
        self.set_read(ids, not all(rows.is_read(i) for i in ids))

    def toggle_filter(self) -> None:
        """Hide or show read articles; the cursor stays on its article, or when that is now
        hidden goes to the next one shown after it."""
        screen = self.screen
        keep = screen.article_list.highlighted
        hidden = screen.rows.toggle_filter()
        screen.article_list.refresh_rows(screen.rows.nearest_shown(keep.id) if keep else None)
        screen.update_counts()
        screen.notify(
            "Read articles hidden." if hidden else "Showing all articles.", timeout=2, markup=False
        )

    def mark_all(self) -> None:
        """Mark every article in the library read (asking first if that is many)."""
        rows = self.screen.rows
        ids = [i for i in rows.article_ids() if not rows.is_read(i)]
        if not ids:
            self.screen.notify("Every article is already read.", timeout=3, markup=False)
            return
        screenful = max(self.screen.article_list.scrollable_content_region.height, 1)
        if len(ids) <= screenful:
            self._mark_all(ids)
            return
        from newsreader.tui.screens.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_all(ids)

        question = f"Mark {count(len(ids), 'unread article')} read? u undoes it afterwards."
        self.screen.app.push_screen(ConfirmDialog(question, "Mark all read"), answered)

    def _mark_all(self, ids: list[str]) -> None:
        changed = self.set_read(ids, True)
        self._undo = [i for i in ids if self.screen.rows.is_read(i)] if changed else []
        self.screen.article_list.can_undo = bool(self._undo)
        self.screen.article_list.refresh_bindings()
        self.screen.notify(
            f"Marked {count(changed, 'article')} read. u undoes it.", timeout=4, markup=False
        )

    def undo(self) -> None:
        """Mark unread again what the last "mark all read" marked read."""
        ids, self._undo = self._undo, []
        self.screen.article_list.can_undo = False
        self.screen.article_list.refresh_bindings()
        if not ids:
            return
        changed = self.set_read(ids, False)
        self.screen.notify(
            f"Marked {count(changed, 'article')} unread again.", timeout=3, markup=False
        )

    def set_read(self, ids: list[str], read: bool) -> int:
        """Mark articles read or unread; returns how many changed."""
        screen = self.screen
        listing = screen.article_list
        keep = listing.highlighted
        changed = screen.rows.set_read(ids, read)
        if changed:
            screen.write(lambda store: store.set_read(changed, read))
            cursor = listing.cursor
            if screen.rows.hide_read:
                screen.rows.refilter()
            listing.refresh_rows(keep.id if keep and not screen.rows.hide_read else None)
            if screen.rows.hide_read:
                listing.cursor = min(cursor, max(len(screen.rows.rows) - 1, 0))
            screen.update_counts()
        return len(changed)
