"""Narrowing the article list to the articles of some feeds (one feed, or a category).

A helper of ``MainScreen``: which files a feed saved is read from the articles folder's
sidecar in a thread worker, then the list's rows keep only those (``ArticleRows.set_narrow``,
a predicate beside the read filter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.tui.screens.host import ListHost


class Narrowing:
    """Which feeds the list is narrowed to; the screen calls ``to`` and ``refresh``."""

    def __init__(self, screen: ListHost) -> None:
        self.screen = screen
        self.urls: frozenset[str] | None = None
        """The feeds shown (None: every article)."""
        self.label = ""

    def to(self, urls: frozenset[str] | None, label: str) -> None:
        """Show only the articles saved from ``urls`` (None: every article again)."""
        self.urls, self.label = urls, label if urls is not None else ""
        if urls is None:
            self._apply(None, "")
        else:
            self.refresh()

    def refresh(self) -> None:
        """Read the feeds' files again (after a fetch saved more of them)."""
        urls, label = self.urls, self.label
        if urls is None:
            return
        screen = self.screen

        def files() -> None:
            from newsreader.app.sources import feed_files, files_of

            found = files_of(feed_files(screen.session.ctx.articles_dir), urls)
            screen.app.call_from_thread(self._apply, found, label)

        screen.run_worker(files, name="narrow", group="narrow", thread=True, exclusive=True)

    def _apply(self, files: frozenset[str] | None, label: str) -> None:
        screen = self.screen
        if files is not None and (self.urls is None or label != self.label):
            return  # narrowed otherwise (or undone) while the files were being read
        keep = screen.article_list.highlighted
        if files is None:
            screen.rows.set_narrow(None)
        else:
            screen.rows.set_narrow(lambda a: a.path_str in files, label)
        screen.article_list.refresh_rows(keep.id if keep else None)
        screen.update_counts()
