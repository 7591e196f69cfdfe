"""The reader's layout: its article laid out once per width, in a thread when it is long.

The width is known only once the pane is shown and changes with every resize, so a layout is
asked for wherever it may have changed; where the cursor and the view are to go is kept until
the layout is ready (``Reader`` supplies the moves, see ``reader``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView

from newsreader.library import Article
from newsreader.tui.page import Page, Position, lay_out

LAYOUT_IN_THREAD = 100_000
"""Characters above which an article is laid out in a thread (~0.35 s per MB here)."""


class ReaderLayout(ScrollView):
    """The article's ``Page`` at the pane's width; the reader draws it and moves in it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self._page: Page | None = None
        self._layout_for: tuple[Article, int] | None = None
        """The article and width of the current layout, or of the one being made."""
        self._layout_queued = False
        self._pending: tuple[int, int, bool] | None = None
        """Where to go once laid out: paragraph, offset, whether to the current match."""

    @property
    def page(self) -> Page | None:
        """The current layout (None until the width is known or a big layout is ready)."""
        return self._page

    # --- what the reader supplies ----------------------------------------------------------

    @property
    def position(self) -> Position | None:
        """Where the view is, kept when the article is laid out again at another width."""
        return None

    def _go_to(self, paragraph: int, offset: int, focus_match: bool) -> None:
        """Move the cursor and the view to where a new layout was asked to go."""

    def _forget_lines(self) -> None:
        """Drop the lines drawn from the previous layout."""

    def _update_subtitle(self) -> None:
        """Say in the border where the view is in the article."""

    # --- layout ----------------------------------------------------------------------------

    def _lay_out_new(self, paragraph: int, offset: int, focus_match: bool) -> None:
        """Drop the previous article's layout and lay ``article`` out, from its top; once laid
        out, go to ``paragraph`` and ``offset`` (or to the current match)."""
        self._page = None
        self._layout_for = None
        self._pending = (paragraph, offset, focus_match)
        self.scroll_to(0, 0, animate=False, force=True)
        self._relayout()

    def _ensure_layout(self) -> None:
        """Lay the article out if it is not laid out (or on its way) for the width it has now.

        Called wherever the width may have become known: an article shown while the pane was
        hidden (width 0) is laid out when the pane appears, at whatever width that is.
        """
        self._layout_queued = False
        if self._needs_layout():
            self._relayout()

    def _needs_layout(self) -> bool:
        width = self.scrollable_content_region.width
        if self.article is None or width <= 0:
            return False
        laid = self._layout_for
        return laid is None or laid[0] is not self.article or laid[1] != width

    def _relayout(self) -> None:
        width = self.scrollable_content_region.width
        if self.article is None or width <= 0:
            self._layout_for = None
            self._page = None
            self.virtual_size = Size(0, 0)
            self._forget_lines()
            self.refresh()
            self._update_subtitle()
            return
        if self._page is not None and self._pending is None:
            here = self.position
            if here is not None:  # keep the cursor and the top line across a resize
                self._pending = (here.paragraph, here.offset, False)
        self._layout_for = (self.article, width)
        if len(self.article.text) > LAYOUT_IN_THREAD:
            self._lay_out_in_thread(self.article, width)
            return
        self._apply_page(lay_out(self.article, width))

    @work(thread=True, exclusive=True, group="layout", exit_on_error=False)
    def _lay_out_in_thread(self, article: Article, width: int) -> None:
        page = lay_out(article, width)
        self.post_message(self._LaidOut(article, width, page))

    @dataclass
    class _LaidOut(Message):
        article: Article
        width: int
        page: Page

    @on(_LaidOut)
    def _laid_out(self, message: _LaidOut) -> None:
        message.stop()
        laid = self._layout_for  # the layout on its way: not replaced since it was asked for
        if laid is not None and laid[0] is message.article and laid[1] == message.width:
            self._apply_page(message.page)

    def _apply_page(self, page: Page) -> None:
        self._page = page
        self.virtual_size = Size(page.width, len(page.lines))
        self._forget_lines()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.call_after_refresh(self._go_to, *pending)
        self.refresh()

    def on_show(self) -> None:
        self._ensure_layout()
