"""Read marks from the article list: one article, the read filter, every article at once.

A helper of ``MainScreen`` (like ``BookmarkFlow``): it changes the rows at once, so the list
redraws without waiting, and queues the store write through the screen.
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

    def toggle(self, summary: ArticleSummary) -> None:
        """Flip one article's read mark."""
        self.set_read([summary.id], not self.screen.rows.is_read(summary.id))

    def toggle_filter(self) -> None:
        """Hide or show read articles, keeping the cursor on the same article if shown."""
        screen = self.screen
        keep = screen.article_list.highlighted
        hidden = screen.rows.toggle_filter()
        screen.article_list.refresh_rows(keep.id if keep else None)
        screen.update_counts()
        screen.notify(
            "Read articles hidden." if hidden else "Showing all articles.", timeout=2, markup=False
        )

    def mark_all(self) -> None:
        """Mark every article in the library read."""
        rows = self.screen.rows
        changed = self.set_read([a.id for a in rows.articles if not rows.is_read(a.id)], True)
        self.screen.notify(f"Marked {count(changed, 'article')} read.", timeout=3, markup=False)

    def set_read(self, ids: list[str], read: bool) -> int:
        """Mark articles read or unread; returns how many changed."""
        screen = self.screen
        changed = screen.rows.set_read(ids, read)
        if changed:
            screen.write(lambda store: store.set_read(changed, read))
            listing = screen.article_list
            cursor = listing.cursor
            if screen.rows.hide_read:
                screen.rows.refilter()
            listing.refresh_rows()
            listing.cursor = min(cursor, max(len(screen.rows.rows) - 1, 0))
            screen.update_counts()
        return len(changed)
