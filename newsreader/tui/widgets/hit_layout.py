"""The search hits' layout: each hit wrapped once when first shown, the status lines above.

Hits below the view keep an estimated height until they come into view, and a new height asks
for a screen layout only when the scrollbar has to come or go (see ``result_list``).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.tui.hit_lines import estimate_lines, hit_lines

if TYPE_CHECKING:
    from rich.console import Console

    from newsreader.search import SearchHit

FIT_CHECK = 12
"""At most this many hits are checked for fitting without a scrollbar (~0.3 ms each)."""


class HitLayout(ScrollView):
    """The hit list's lines: which virtual line is which hit's, wrapped at the list's width."""

    # Declared where ``_style`` reads them; Textual merges them into subclasses.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--title",
        "result-list--date",
        "result-list--match",
        "result-list--cursor",
        "result-list--rule",
        "result-list--status",
        "result-list--attention",
    }

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Set by ``_set_virtual_size``: a new answer's height alone changes nothing else on the
    screen, so it asks for a screen layout (~5-10 ms a keystroke) only when the scrollbar has
    to come or go."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: tuple[SearchHit, ...] = ()
        """The hits shown: those of the answer, each story once unless unfolded."""
        self._labels: list[str] = []
        """Per shown hit, what it says of its story ("3 versions · 2 sources", "↳", "")."""
        self._wrapped: list[list[Text]] = []
        """Per hit, its lines (title, then date and snippet) at ``_width``."""
        self._starts: list[int] = []
        """First virtual line of each wrapped hit (a rule line separates hits)."""
        self._width = 0
        self._status: list[Text] = []
        """The status lines above the hits, unwrapped."""
        self._status_wrapped: list[Text] = []
        """The status lines at ``_width``; the first hit starts below them."""
        self._attention = False
        """The status says something to act on (an error, a suggestion)."""
        self._cache: LRUCache[tuple[int, int, bool, bool, int], Strip] = LRUCache(256)
        self._wraps: dict[tuple[int, int, str], tuple[SearchHit, list[Text]]] = {}
        """The shown answer's hits wrapped, by (id of the hit, width, label): an answer is
        wrapped at up to two widths (with and without the scrollbar), each once."""
        self._styles: dict[str, Style] = {}
        """Component styles, looked up once per theme/focus change (each lookup walks the
        node's ancestors: ~50 µs, a few milliseconds per paint when done per line)."""
        self._region_width = 0
        """Content width, read once per paint (the property is dear in a per-line loop)."""

    @property
    def status_lines(self) -> int:
        """How many lines the status takes above the hits, as drawn."""
        return len(self._status_wrapped)

    def set_status(self, lines: list[Text], attention: bool = False) -> None:
        """Show ``lines`` above the hits (``attention``: in the warning colour)."""
        self._status, self._attention = lines, attention
        if not self._width:  # not laid out yet: _ensure wraps them
            return
        before = len(self._status_wrapped)
        self._status_wrapped = self._wrap_status(self._width)
        moved = len(self._status_wrapped) - before
        if moved:
            self._starts = [start + moved for start in self._starts]
        self._ensure(line=self.scrollable_content_region.height, resize=True)
        if moved < 0:  # a shorter status can let the hits fit without the scrollbar
            self._drop_needless_scrollbar()
        self.refresh()

    def _wrap_status(self, width: int) -> list[Text]:
        console = self.app.console
        return [wrapped for line in self._status for wrapped in line.wrap(console, width)]

    def _drop_needless_scrollbar(self) -> None:
        """Hits that fit without the scrollbar a longer list needed: lay them out at the
        full width, or the scrollbar's own width keeps them one line too long (and itself
        shown)."""
        if not self.show_vertical_scrollbar or not self.hits or len(self.hits) > FIT_CHECK:
            return
        region = self.scrollable_content_region
        full = region.width + self.scrollbar_size_vertical
        width = max(full - 2, 8)
        console = self.app.console
        height = len(self._wrap_status(width)) - 1
        for hit, label in zip(self.hits, self._labels, strict=True):
            height += len(self._wrap(hit, width, console, label)) + 1
            if height > region.height:
                return
        if height <= region.height:
            self._set_virtual_size(Size(full, height))

    def _reset(self) -> None:
        self._width = 0  # _ensure starts over: no wrapped hits, no cached lines
        self._ensure(line=self.scrollable_content_region.height)

    def _ensure(self, *, line: int = -1, index: int = -1, resize: bool = False) -> None:
        """Wrap hits (in order) until virtual ``line`` and hit ``index`` are laid out; the
        hits below stay unwrapped, their height estimated, until they come into view
        (``resize``: the status changed, measure the height again)."""
        region_width = self._region_width = self.scrollable_content_region.width
        width = max(region_width - 2, 8)
        if width != self._width:
            self._wrapped, self._starts, self._width = [], [], width
            self._cache.clear()
            self._status_wrapped = self._wrap_status(width)
        wrapped, starts, hits = self._wrapped, self._starts, self.hits
        top = len(self._status_wrapped)
        end = starts[-1] + len(wrapped[-1]) + 1 if wrapped else top
        grew = False
        while len(wrapped) < len(hits) and (end <= line or len(wrapped) <= index):
            starts.append(end)
            at = len(wrapped)
            wrapped.append(self._wrap(hits[at], width, self.app.console, self._labels[at]))
            end += len(wrapped[-1]) + 1
            grew = True
        if grew or not wrapped or resize:
            rest = sum(estimate_lines(hit, width) + 1 for hit in hits[len(wrapped) :])
            height = max(end + rest - 1, 0) if hits else top
            self._set_virtual_size(Size(region_width, height))

    def _set_virtual_size(self, size: Size) -> None:
        """The list's scrollable size: the scrollbar's thumb follows it, and a screen layout
        is asked for only when the scrollbar appears or goes (the width it takes changes)."""
        old = self.virtual_size
        if size == old:
            return
        self.virtual_size = size
        shown = self.show_vertical_scrollbar
        region = self.scrollable_content_region
        if size.width > region.width or shown != (size.height > region.height):
            self.refresh(layout=True)
            return
        if shown:
            self.vertical_scrollbar.window_virtual_size = size.height
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)

    def _style(self, name: str) -> Style:
        styles = self._styles
        if not styles:
            get = self.get_component_rich_style
            styles.update(
                {
                    # Parts without the widget's colours; the match is alpha blended: full.
                    "title": get("result-list--title", partial=True),
                    "date": get("result-list--date", partial=True),
                    "match": get("result-list--match"),
                    "cursor": get("result-list--cursor"),
                    "rule": get("result-list--rule"),
                    # Whole styles: muted colours are blended with the background.
                    "status": get("result-list--status"),
                    "attention": get("result-list--attention"),
                    "base": self.rich_style,
                }
            )
        return styles[name]

    def _wrap(self, hit: SearchHit, width: int, console: Console, label: str = "") -> list[Text]:
        key = (id(hit), width, label)
        known = self._wraps.get(key)
        if known is not None and known[0] is hit:
            return known[1]
        lines = hit_lines(hit, width, console, self._style, label)
        self._wraps[key] = (hit, lines)
        return lines

    def _hit_at_line(self, line: int) -> tuple[int, int] | None:
        """(hit index, line within the hit) for a virtual line; None on a rule or past the end."""
        if not self._starts or line >= self._starts[-1] + len(self._wrapped[-1]):
            self._ensure(line=line)  # may start over with new lists (the width changed)
        index = bisect_right(self._starts, line) - 1  # the last hit starting at or before it
        if index < 0:
            return None
        within = line - self._starts[index]
        return (index, within) if within < len(self._wrapped[index]) else None
