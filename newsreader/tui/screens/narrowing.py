"""Narrowing the article list to the articles of some feeds (one feed, or a category).

A helper of ``MainScreen``: which files a feed saved is read from the articles folder's
sidecar in a thread worker, which articles those are and the rows they make are worked out
there too (``ArticleRows.pick``), and the UI thread only puts them in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.tui.row_picking import Choice, Picked
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
            from newsreader.library.packed import ids_by_path
            from newsreader.tui.row_picking import members_choice

            found = files_of(feed_files(screen.session.ctx.articles_dir), urls)
            rows = screen.rows
            version, articles = rows.version, rows.articles
            states = dict(rows.states)  # a copy: the UI thread changes them meanwhile
            by_path = ids_by_path(articles)
            ids = {i for f in found if (i := by_path.get(f)) is not None}
            choice = members_choice(ids, label)
            picked, made_for = rows.pick(choice, states, version)
            screen.app.call_from_thread(self._apply, choice, label, picked, made_for)

        screen.run_worker(files, name="narrow", group="narrow", thread=True, exclusive=True)

    def _apply(
        self,
        choice: Choice | None,
        label: str,
        picked: Picked | None = None,
        made_for: tuple[object, ...] = (),
    ) -> None:
        screen = self.screen
        if choice is not None and (self.urls is None or label != self.label):
            return  # narrowed otherwise (or undone) while the files were being read
        keep = screen.article_list.highlighted
        if choice is None:
            screen.rows.set_narrow(None)
        elif picked is not None:
            screen.rows.install(choice, picked, made_for)
        screen.article_list.refresh_rows(keep.id if keep else None)
        screen.update_counts()
