"""The article list: a virtual list that renders only the rows on screen.

``OptionList`` and ``DataTable`` measure every row up front (seconds at 100k articles, see
ARCHITECTURE.md, "Facts about the libraries"), so this is a Line API ``ScrollView``: one row
per line, drawn on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.library import ArticleSummary
from newsreader.tui.article_row import RowMarks, RowStyles, row_segments
from newsreader.tui.rows import ArticleRows


class ArticleList(ScrollView, can_focus=True):
    """Every article, newest first, with unread and star markers, date, title and progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="list.open"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("m", "toggle_read", "Read/unread", id="list.toggle_read"),
        # One key, two labels: the footer says what M does now (check_action shows one).
        Binding("M", "filter(True)", "Hide read", id="list.toggle_filter"),
        Binding("M", "filter(False)", "Show read", id="list.toggle_filter"),
        Binding("A", "mark_all_read", "Mark all read", show=False, id="list.mark_all_read"),
        Binding("u", "undo", "Undo mark all", id="list.undo"),
        Binding("s", "toggle_star", "Star", show=False, id="list.toggle_star"),
        Binding("t", "edit_tags", "Tags", show=False, id="list.edit_tags"),
        Binding("S", "cycle_sort", "Sort", show=False, id="list.sort"),
        Binding("v", "versions", "Versions", id="list.versions"),
        Binding("o", "open_source", "Open source", show=False, id="list.open_source"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--hover",
        "article-list--marker",
        "article-list--date",
        "article-list--unread",
        "article-list--read",
        "article-list--progress",
        "article-list--empty",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """Row index of the highlighted article."""
    hover: reactive[int | None] = reactive(None, init=False)

    @dataclass
    class Opened(Message):
        """The user chose an article to read."""

        summary: ArticleSummary

    @dataclass
    class Highlighted(Message):
        """The cursor moved to an article."""

        summary: ArticleSummary | None

    @dataclass
    class ReadToggled(Message):
        """``m``: flip the read mark of an article."""

        summary: ArticleSummary

    class FilterToggled(Message):
        """``M``: hide or show read articles."""

    class AllMarkedRead(Message):
        """``A``: mark every article read."""

    class UndoRequested(Message):
        """``u``: undo the last "mark all read"."""

    @dataclass
    class SourceRequested(Message):
        """``o``: open an article's web page (newsboat's list does it, unopened)."""

        summary: ArticleSummary

    @dataclass
    class StarToggled(Message):
        """``s``: star or unstar an article."""

        summary: ArticleSummary

    @dataclass
    class TagsRequested(Message):
        """``t``: edit an article's tags."""

        summary: ArticleSummary

    class SortRequested(Message):
        """``S``: the next sort order."""

    @dataclass
    class VersionsToggled(Message):
        """``v``: show or hide the other versions of the article's story."""

        summary: ArticleSummary

    def __init__(self, rows: ArticleRows, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self.empty_text = "Loading articles…"
        self.can_undo = False
        """``u`` has a "mark all read" to undo (the screen sets it)."""
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._styles: dict[tuple[bool, bool, bool], RowStyles] = {}

    # --- data -----------------------------------------------------------------------------

    def refresh_rows(self, keep_id: str | None = None) -> None:
        """Redraw after ``rows`` changed; keeps the cursor on ``keep_id`` when it is shown."""
        count = len(self.rows.rows)
        self.virtual_size = Size(self.scrollable_content_region.width, count)
        self._cache.clear()
        index = self.rows.index_of(keep_id) if keep_id else None
        if index is not None:
            self.cursor = index
        else:
            self.cursor = min(self.cursor, max(count - 1, 0))
        self.refresh()
        self.refresh_bindings()  # Open and Read/unread need a row

    @property
    def highlighted(self) -> ArticleSummary | None:
        """The article under the cursor."""
        rows = self.rows.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def select_id(self, article_id: str) -> bool:
        """Move the cursor to an article, or to its story's row when the story is folded;
        False when neither is shown."""
        index = self.rows.index_of(article_id)
        if index is None:
            index = self.rows.index_of(self.rows.lead_of(article_id))
        if index is None:
            return False
        self.cursor = index
        return True

    # --- rendering ------------------------------------------------------------------------

    def _part_style(self, name: str) -> Style:
        """What the CSS sets for a component class, without the widget's own colours."""
        return self.get_component_rich_style(name, partial=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows.rows))
        self._cache.clear()
        self.scroll_to_cursor(animate=False)

    def _empty_text(self) -> str:
        if self.empty_text:
            return self.empty_text
        if self.rows.hide_read and self.rows.total:
            return "Every article is read. M shows them again."
        return "No articles."

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_offset.y)
        rows = self.rows.rows
        if not rows:
            if y == 1:
                style = self.get_component_rich_style("article-list--empty")
                return Strip([Segment(f"  {self._empty_text()}".ljust(width)[:width], style)])
            return Strip.blank(width, self.rich_style)
        if index >= len(rows):
            return Strip.blank(width, self.rich_style)
        summary = rows[index]
        marks = self._marks(summary.id)
        cursor, hover = index == self.cursor, index == self.hover
        key = (summary, marks, width, cursor, hover, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            # Segments straight from cached styles: a page of rows through Rich's Text cost
            # ~10 ms, on the first paint and on every page down.
            styles = self._row_styles(cursor, hover)
            segments = row_segments(summary, marks, width, styles)
            strip = self._cache[key] = Strip(segments).crop_extend(0, width, styles.line)
        return strip

    def _marks(self, article_id: str) -> RowMarks:
        rows = self.rows
        read = rows.is_read(article_id)
        folded_unread, folded_fresh = rows.folded_news(article_id)
        return RowMarks(
            read,
            # Before the reading states load (a few frames at start) no row claims to be
            # unread; a folded story's row is unread while any version under it is.
            rows.states_known and (not read or folded_unread),
            rows.progress(article_id),
            rows.is_starred(article_id),
            folded_fresh or article_id in rows.fresh,
            rows.row_label(article_id),
        )

    def _row_styles(self, cursor: bool, hover: bool) -> RowStyles:
        key = (cursor, hover, self.has_focus)
        styles = self._styles.get(key)
        if styles is None:
            part = self._part_style
            # Full (not partial) styles: cursor colours have alpha, blended with the background.
            line = self.rich_style
            if cursor:
                line = self.get_component_rich_style("article-list--cursor")
            elif hover:
                line = self.get_component_rich_style("article-list--hover")
            styles = self._styles[key] = RowStyles(
                line,
                line + part("article-list--marker"),
                line + part("article-list--date"),
                line + part("article-list--read"),
                line + part("article-list--unread"),
                line + part("article-list--progress"),
            )
        return styles

    # --- cursor and scrolling -------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self.highlighted))

    def watch_hover(self) -> None:
        self.refresh()

    def watch_has_focus(self, value: bool) -> None:
        super().watch_has_focus(value)
        self.refresh()

    def scroll_to_cursor(self, animate: bool = False) -> None:
        """Bring the cursor row into view, keeping a row of context when possible."""
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = int(self.scroll_offset.y)
        if self.cursor < top + 1:
            self.scroll_to(y=max(self.cursor - 1, 0), animate=animate, immediate=True)
        elif self.cursor > top + height - 2:
            self.scroll_to(y=self.cursor - height + 2, animate=animate, immediate=True)

    def _move(self, delta: int) -> None:
        count = len(self.rows.rows)
        if count:
            self.cursor = max(0, min(count - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._page(max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self._page(-max(self.scrollable_content_region.height - 1, 1))

    def _page(self, delta: int) -> None:
        # The view turns a page and the cursor keeps its place on screen (moving the cursor
        # alone scrolled the first page down by one row).
        top = int(self.scroll_offset.y)
        self.scroll_to(y=max(0, min(top + delta, self.max_scroll_y)), animate=False, immediate=True)
        self._move(delta)

    def action_first(self) -> None:
        self._move(-len(self.rows.rows))

    def action_last(self) -> None:
        self._move(len(self.rows.rows))

    # --- actions that post up -------------------------------------------------------------

    def action_open(self) -> None:
        if (summary := self.highlighted) is not None:
            self.post_message(self.Opened(summary))

    def action_toggle_read(self) -> None:
        if (summary := self.highlighted) is not None:
            self.post_message(self.ReadToggled(summary))

    def action_filter(self, hide: bool) -> None:
        self.post_message(self.FilterToggled())

    def action_mark_all_read(self) -> None:
        self.post_message(self.AllMarkedRead())

    def action_undo(self) -> None:
        self.post_message(self.UndoRequested())

    def action_open_source(self) -> None:
        if (summary := self.highlighted) is not None:
            self.post_message(self.SourceRequested(summary))

    def action_toggle_star(self) -> None:
        if (summary := self.highlighted) is not None:
            self.post_message(self.StarToggled(summary))

    def action_edit_tags(self) -> None:
        if (summary := self.highlighted) is not None:
            self.post_message(self.TagsRequested(summary))

    def action_cycle_sort(self) -> None:
        self.post_message(self.SortRequested())

    def action_versions(self) -> None:
        if (summary := self.highlighted) is not None:
            self.post_message(self.VersionsToggled(summary))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return parameters[0] != self.rows.hide_read
        if action == "undo":
            return self.can_undo
        if action == "versions":
            summary = self.highlighted
            return summary is not None and self.rows.story_of(summary.id) is not None
        needs_row = {"open", "toggle_read", "toggle_star", "edit_tags"}
        return not (action in needs_row and self.highlighted is None)

    # --- mouse ----------------------------------------------------------------------------

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = offset.y + int(self.scroll_offset.y)
        return index if 0 <= index < len(self.rows.rows) else None

    def on_click(self, event: events.Click) -> None:
        index = self._row_at(event)
        if index is None:
            return
        self.focus()
        self.cursor = index
        self.action_open()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.hover = self._row_at(event)

    def on_leave(self, event: events.Leave) -> None:
        self.hover = None
