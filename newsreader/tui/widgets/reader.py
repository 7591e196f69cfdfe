"""The reader pane: one article as wrapped, centred text with a paragraph cursor.

A Line API ``ScrollView``: the layout (``newsreader.tui.page``) is computed once per width
(``reader_layout``) and lines are drawn on demand, so long articles open as fast as short
ones. Article text is always plain ``rich.text.Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer

from newsreader.library import Article
from newsreader.search.results import MatchSpan
from newsreader.state.models import Bookmark
from newsreader.tui.page import LineKind, Position, dateline_span, reveal
from newsreader.tui.widgets.reader_layout import ReaderLayout
from newsreader.tui.widgets.reader_lines import LinePainter

_PARAGRAPH = Binding.Group("¶", compact=True)
_MATCH = Binding.Group("match", compact=True)
SETTLE_SECONDS = 0.6
"""Quiet time after scrolling before the position is reported for saving."""


class Reader(ReaderLayout, can_focus=True):
    """Shows one article; posts its position and bookmark requests up to the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_lines(1)", "Down", show=False, id="reader.down"),
        Binding("up,k", "scroll_lines(-1)", "Up", show=False, id="reader.up"),
        Binding("space,pagedown,ctrl+f", "page(1)", "Page down", show=False, id="reader.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="reader.page_up"),
        Binding("g,home", "top", "Top", show=False, id="reader.top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="reader.bottom"),
        Binding(
            "[", "paragraph(-1)", "Previous paragraph", id="reader.prev_paragraph", group=_PARAGRAPH
        ),
        Binding(
            "]", "paragraph(1)", "Next paragraph", id="reader.next_paragraph", group=_PARAGRAPH
        ),
        Binding("n", "match(1)", "Next match", id="reader.next_match", group=_MATCH),
        Binding("N", "match(-1)", "Previous match", id="reader.prev_match", group=_MATCH),
        # priority: runs before the keys queued behind it, so a note typed fast lands in the box
        Binding("b", "bookmark", "Bookmark", id="reader.bookmark", priority=True),
        # Not in the footer, which has no room left at 80 columns: help (?) lists them.
        Binding("o", "open_source", "Open source", show=False, id="reader.open_source"),
        Binding("y", "copy_paragraph", "Copy paragraph", show=False, id="reader.copy_paragraph"),
        Binding("r", "related", "Related", show=False, id="reader.related"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--title",
        "reader--meta",
        "reader--rule",
        "reader--dateline",
        "reader--end",
        "reader--cursor",
        "reader--cursor-blurred",
        "reader--bookmark",
        "reader--new",
        "reader--match",
        "reader--match-current",
        "reader--empty",
        "reader--empty-key",
        "reader--heading",
        "reader--code",
        "reader--quote",
        "reader--link",
    }

    cursor: reactive[int] = reactive(0, init=False)
    """The paragraph under the paragraph cursor."""
    progress: reactive[int] = reactive(0, init=False)
    """How far down the article the view is, 0-100."""

    @dataclass
    class PositionChanged(Message):
        """The view settled somewhere new (debounced); the screen saves it."""

        article: Article
        position: Position

    @dataclass
    class BookmarkRequested(Message):
        """``b`` then Enter in the note box: bookmark the paragraph with this note."""

        article: Article
        paragraph: int
        note: str
        bookmark: Bookmark | None = None
        """The paragraph's bookmark whose note was edited (None: a new bookmark)."""

    @dataclass
    class SourceRequested(Message):
        """``o``: open the article's web page (or its file)."""

        article: Article

    @dataclass
    class RelatedRequested(Message):
        """``r``: show articles related to this one."""

        article: Article

    @dataclass
    class CopyRequested(Message):
        """``y``: copy the paragraph under the cursor with its citation."""

        article: Article
        paragraph: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.matches: tuple[MatchSpan, ...] = ()
        self.current_match = -1
        self.bookmarked: frozenset[int] = frozenset()
        self.new_paragraphs: frozenset[int] = frozenset()
        """Paragraphs the version of this story read before did not have (margin marks)."""
        self.bookmark_at: Callable[[Article, int], Bookmark | None] = lambda _a, _p: None
        """The bookmark on a paragraph of an article, as far as the screen knows."""
        self.by_paragraph: dict[int, list[int]] = {}
        self.dateline: tuple[int, int] | None = None
        self._settle: Timer | None = None
        self._painter = LinePainter(self)

    # --- what is shown ---------------------------------------------------------------------

    def show(
        self,
        article: Article | None,
        paragraph: int = 0,
        offset: int = 0,
        *,
        matches: Iterable[MatchSpan] = (),
        focus_match: bool = False,
        bookmarked: Iterable[int] = (),
    ) -> None:
        """Show ``article`` with the cursor on ``paragraph`` and the top line where
        ``offset`` says (``Page.top_of``); with ``focus_match`` the first match in or after
        ``paragraph`` becomes current and is brought into view."""
        self.article = article
        self.matches = tuple(matches)
        self.by_paragraph = {}
        for i, m in enumerate(self.matches):
            self.by_paragraph.setdefault(m.paragraph, []).append(i)
        self.current_match = -1
        if focus_match and self.matches:
            after = [i for i, m in enumerate(self.matches) if m.paragraph >= paragraph]
            self.current_match = after[0] if after else 0
        self.bookmarked = frozenset(bookmarked)
        self.new_paragraphs = frozenset()
        self.dateline = dateline_span(article) if article else None
        self._lay_out_new(paragraph, offset, focus_match)
        self.refresh_bindings()  # the keys shown depend on the article and its matches

    def set_new_paragraphs(self, paragraphs: Iterable[int]) -> None:
        """Mark the paragraphs another version of the story did not have."""
        self.new_paragraphs = frozenset(paragraphs)
        self._painter.clear()
        self.refresh()

    def set_bookmarked(self, paragraphs: Iterable[int]) -> None:
        """Update the margin marks of bookmarked paragraphs."""
        self.bookmarked = frozenset(paragraphs)
        self._painter.clear()
        self.refresh()

    @property
    def position(self) -> Position | None:
        """The cursor paragraph, the character at the top of the view and the progress."""
        page = self._page
        if page is None or self.article is None:
            return None
        paragraph, offset = page.view_anchor(int(self.scroll_offset.y), self.cursor)
        return Position(paragraph, offset, self.progress)

    def _go_to(self, paragraph: int, offset: int, focus_match: bool) -> None:
        page = self._page
        if page is None or not page.first_line:
            self._update_progress()
            return
        paragraph = max(0, min(paragraph, len(page.first_line) - 1))
        if focus_match and 0 <= self.current_match < len(self.matches):
            self._show_match(self.current_match)
            return
        y = page.top_of(paragraph, offset)
        if paragraph == 0 and offset == 0:
            y = 0  # the start of an article shows its title
        bottom = y + max(self.scrollable_content_region.height, 1) - 1
        first, last = page.first_line[paragraph], page.last_line(paragraph)
        if first > bottom or last < y:  # e.g. in a shorter window: keep the cursor in view
            y = reveal(first, last, y, bottom) or y
        self.cursor = paragraph
        self._scroll_y(y)
        self._update_subtitle()  # the cursor and progress may not have changed: still show them

    def on_resize(self, event: events.Resize) -> None:
        self._ensure_layout()
        self._update_progress()

    # --- drawing (see reader_lines) ---------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._painter.clear()

    def _forget_lines(self) -> None:
        self._painter.clear()

    def render_line(self, y: int) -> Strip:
        if not self._layout_queued and self._needs_layout():
            # Drawn at a width no event announced: lay out right after this frame.
            self._layout_queued = True
            self.call_later(self._ensure_layout)
        return self._painter.line(y, self.scrollable_content_region.width)

    # --- cursor, scrolling and progress ----------------------------------------------------

    def _scroll_y(self, y: int) -> None:
        # force: right after a relayout the scrollbars (which gate scrolling) are not set yet.
        self.scroll_to(y=max(0, min(y, self.max_scroll_y)), animate=False, force=True)
        self._update_progress()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._follow_view()
        self._update_progress()

    def watch_cursor(self) -> None:
        self.refresh()  # cached lines are keyed by whether the cursor is on them
        self._update_subtitle()
        self._schedule_settle()

    def watch_has_focus(self, value: bool) -> None:
        super().watch_has_focus(value)
        self._painter.clear()
        self.refresh()

    def watch_progress(self) -> None:
        self._update_subtitle()

    def _view(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        return top, top + max(self.scrollable_content_region.height, 1) - 1

    def _follow_view(self) -> None:
        """Keep the paragraph cursor on screen: scrolling past it drags it along."""
        if self._page is not None:
            self.cursor = self._page.follow(self.cursor, *self._view())

    def _update_progress(self) -> None:
        if self._page is None:
            self.progress = 0
            return
        top = int(self.scroll_offset.y)
        self.progress = self._page.progress_at(top, top >= self.max_scroll_y)
        self._schedule_settle()

    def _update_subtitle(self) -> None:
        page = self._page
        if page is None or self.article is None:
            self.border_subtitle = ""
            return
        parts = [f"¶ {self.cursor + 1}/{len(page.first_line)}"] if page.first_line else []
        if self.matches:
            current = self.current_match + 1 if self.current_match >= 0 else 0
            parts.append(f"match {current}/{len(self.matches)}")
        parts.append(f"{self.progress}%")
        self.border_subtitle = " · ".join(parts)

    def _schedule_settle(self) -> None:
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SETTLE_SECONDS, self._report_position)

    def _report_position(self) -> None:
        position = self.position
        if position is not None and self.article is not None:
            self.post_message(self.PositionChanged(self.article, position))

    def action_scroll_lines(self, lines: int) -> None:
        self._scroll_y(int(self.scroll_offset.y) + lines)

    def action_page(self, pages: int) -> None:
        height = max(self.scrollable_content_region.height - 2, 1)
        self._scroll_y(int(self.scroll_offset.y) + pages * height)

    def action_top(self) -> None:
        self._scroll_y(0)
        if self._page is not None and self._page.first_line:
            self.cursor = 0

    def action_bottom(self) -> None:
        self._scroll_y(self.max_scroll_y)
        if self._page is not None and self._page.first_line:
            self.cursor = len(self._page.first_line) - 1

    def action_paragraph(self, step: int) -> None:
        page = self._page
        if page is None or not page.first_line:
            return
        self.cursor = max(0, min(self.cursor + step, len(page.first_line) - 1))
        top = reveal(page.first_line[self.cursor], page.last_line(self.cursor), *self._view())
        if top is not None:
            self._scroll_y(top)

    def action_match(self, step: int) -> None:
        if not self.matches:
            self.notify(
                "No search matches in this article", severity="warning", timeout=2, markup=False
            )
            return
        target = self.current_match + step
        if self.current_match >= 0 and not 0 <= target < len(self.matches):
            where = "first" if step > 0 else "last"
            said = (
                "The only match"
                if len(self.matches) == 1
                else (f"Search wrapped to the {where} match")
            )
            self.notify(said, timeout=2, markup=False)
        self._show_match(target % len(self.matches))

    def _show_match(self, index: int) -> None:
        page = self._page
        self.current_match = index
        self._painter.clear()
        if page is None:
            return
        match = self.matches[index]
        y = page.line_of(match.paragraph, match.start)
        self.cursor = max(0, min(match.paragraph, len(page.first_line) - 1))
        top, bottom = self._view()
        if not top <= y <= bottom:
            height = bottom - top + 1
            self._scroll_y(y - height // 3)  # a third down: context above, room below
        self._update_subtitle()
        self.refresh()

    def action_bookmark(self) -> None:
        article, paragraph = self.article, self.cursor
        if article is None or not article.paragraphs:
            return
        from newsreader.tui.screens.note import NoteDialog

        existing = self.bookmark_at(article, paragraph) if paragraph in self.bookmarked else None

        def ask_done(note: str | None) -> None:
            if note is not None:  # Escape saves nothing
                self.post_message(self.BookmarkRequested(article, paragraph, note, existing))

        # Pushed here, not by a handler further up: keys typed right after "b" are already
        # queued and must reach the note box, not the reader. A paragraph that has a bookmark
        # edits its note rather than adding a second one.
        note = existing.note if existing is not None else ""
        self.app.push_screen(
            NoteDialog(
                article.paragraphs[paragraph], article.title, note, editing=existing is not None
            ),
            ask_done,
        )

    def action_open_source(self) -> None:
        if self.article is not None:
            self.post_message(self.SourceRequested(self.article))

    def action_related(self) -> None:
        if self.article is not None:
            self.post_message(self.RelatedRequested(self.article))

    def action_copy_paragraph(self) -> None:
        article = self.article
        if article is not None and 0 <= self.cursor < len(article.paragraphs):
            self.post_message(self.CopyRequested(article, self.cursor))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.article is None:
            return False
        if action == "match":
            return bool(self.matches)  # n/N only appear after opening a search hit
        return True

    def on_click(self, event: events.Click) -> None:
        page = self._page
        offset = event.get_content_offset(self)
        if page is None or offset is None:
            return
        y = offset.y + int(self.scroll_offset.y)
        if 0 <= y < len(page.lines) and page.lines[y].kind is LineKind.BODY:
            self.cursor = page.lines[y].paragraph
