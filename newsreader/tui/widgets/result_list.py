"""Search hits as a virtual list: each hit's title and snippet wrapped once, lines drawn on demand.

An ``OptionList`` builds and measures every option on every keystroke. Here a new answer only
stores the hits: they are wrapped when first shown (hits further down have an estimated height
until then) and only the lines on screen are rendered. The answer's status (its count,
did-you-mean, errors) is the list's first lines: its height changes with nearly every key
while a query is typed, and as lines of the list that moves the hits without laying out the
screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from newsreader.app.story_map import EMPTY_MAP, StoryMap
from newsreader.tui.hit_stories import first_of_story, fold_hits, row_of
from newsreader.tui.widgets.hit_layout import HitLayout

if TYPE_CHECKING:
    from newsreader.search import SearchHit

HELP_KEYS = frozenset({"question_mark"})
"""Printable keys that stay keys on the hit list (besides its own j/k): help."""
MORE_AHEAD = 3
"""Ask for more hits when the cursor or the view comes this close to the last one."""
RULE = "─"


class ResultList(HitLayout, can_focus=True):
    """Ranked hits; ``up`` on the first goes back to the query box, and so does typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="search.open_hit"),
        Binding("down,j", "cursor_down", "Down", show=False, id="search.down"),
        Binding("up,k", "up_or_query", "Up", show=False, id="search.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="search.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="search.page_up"),
        Binding("home,g", "first", "First", show=False, id="search.first"),
        Binding("end,G", "last", "Last", show=False, id="search.last"),
        Binding("v", "versions", "Versions", id="search.versions"),
    ]

    highlighted: reactive[int | None] = reactive(None, init=False)
    """Index of the hit under the cursor (None when there are no hits)."""

    @dataclass
    class Selected(Message):
        """Enter or a click on a hit."""

        index: int

    class BackToQuery(Message):
        """``up`` on the first hit."""

    class StatusClicked(Message):
        """A click on the status lines (did-you-mean, "search instead for")."""

    @dataclass
    class TypedOn(Message):
        """A character typed on the list: it belongs at the end of the query (as in fzf)."""

        character: str

    @dataclass
    class NeedMore(Message):
        """The cursor or the view is near the last hit: load more if there are more."""

        to_end: bool = False
        """``end``: load every hit and put the cursor on the last one."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.all_hits: tuple[SearchHit, ...] = ()
        """Every hit of the answer, in rank order."""
        self.stories: StoryMap = EMPTY_MAP
        self.expanded: set[str] = set()
        """Stories whose every matching version is shown."""

    # --- data -----------------------------------------------------------------------------

    @property
    def status_text(self) -> str:
        """The status lines, as plain text (a line each)."""
        return "\n".join(line.plain for line in self._status)

    @property
    def hit_count(self) -> int:
        """How many hits are listed."""
        return len(self.hits)

    def set_hits(self, hits: tuple[SearchHit, ...], keep: int | None = None) -> None:
        """Show ``hits``; the cursor goes to the first, or stays on ``keep`` (more loaded)."""
        if hits is not self.all_hits and keep is None:
            self.expanded.clear()  # a new answer starts folded
            self._wraps.clear()
        self.all_hits = hits
        hits, self._labels = fold_hits(hits, self.stories, self.expanded)
        self.hits = hits
        self._reset()
        self._drop_needless_scrollbar()
        if keep is None:
            self.scroll_to(y=0, animate=False, immediate=True)
        target = (keep if keep is not None else 0) if hits else None
        if target is not None:
            target = min(target, len(hits) - 1)
        self.set_reactive(ResultList.highlighted, target)
        self.refresh()
        self.refresh_bindings()

    # --- rendering ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._wraps.clear()
        if self.is_mounted:
            self._reset()

    def on_resize(self, event: events.Resize) -> None:
        self._ensure(line=int(self.scroll_offset.y) + self.scrollable_content_region.height)
        self.scroll_to_highlighted()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Wrap what comes into view once, before the per-line calls.
        self._ensure(line=int(self.scroll_offset.y) + crop.bottom)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        full = self._region_width
        line = y + int(self.scroll_offset.y)
        found = self._hit_at_line(line)
        if found is None:
            top = len(self._status_wrapped)
            if line < top:
                text = Text(" ", end="")
                text.append_text(self._status_wrapped[line])
                base = self._style("attention" if self._attention else "status")
                text.stylize_before(base)
                segments = list(text.render(self.app.console))
                return Strip(segments).crop_extend(0, full, base)
            if self.hits and top < line < self.virtual_size.height:
                return Strip(
                    [Segment(" " + RULE * max(full - 2, 0) + " ", self._style("rule"))], full
                )
            return Strip.blank(full, self._style("base"))
        index, within = found
        cursor = index == self.highlighted
        key = (index, within, cursor, self.has_focus, full)
        strip = self._cache.get(key)
        if strip is None:
            base = self._style("cursor" if cursor else "base")
            text = Text(" ", end="")
            text.append_text(self._wrapped[index][within])
            text.stylize_before(base)
            segments = list(text.render(self.app.console))
            strip = Strip(segments).crop_extend(0, full, base)
            self._cache[key] = strip
        return strip

    # --- cursor ---------------------------------------------------------------------------

    def watch_highlighted(self) -> None:
        self.scroll_to_highlighted()
        self.refresh()
        if self.highlighted is not None and self.highlighted >= len(self.hits) - MORE_AHEAD:
            self.post_message(self.NeedMore())

    def scroll_to_highlighted(self) -> None:
        """Bring the highlighted hit into view (its first lines when it is taller)."""
        index = self.highlighted
        if index is None:
            return
        self._ensure(index=index)
        if index >= len(self._starts):
            return
        top, height = self._starts[index], len(self._wrapped[index])
        start = 0 if index == 0 else top - 1  # the first hit with the status above it
        view = self.scrollable_content_region.height
        self.scroll_to_region(
            Region(0, start, 1, min(top + height + 1 - start, max(view, 1))),
            animate=False,
            immediate=True,
        )

    def watch_has_focus(self, value: bool) -> None:
        super().watch_has_focus(value)
        self._styles.clear()
        self.refresh()  # the cursor's colours follow focus

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # Scrolled (wheel, page) near the end: more hits, so the list never seems to stop.
        bottom = int(new_value) + self.scrollable_content_region.height
        if len(self._starts) > MORE_AHEAD and bottom >= self._starts[-MORE_AHEAD]:
            self.post_message(self.NeedMore())

    def _move(self, delta: int) -> None:
        if self.hits:
            current = self.highlighted or 0
            self.highlighted = max(0, min(len(self.hits) - 1, current + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_up_or_query(self) -> None:
        if (self.highlighted or 0) == 0:
            self.post_message(self.BackToQuery())
        else:
            self._move(-1)

    def _page_hits(self) -> int:
        # Hits per screen, judged from the highlighted hit's height (hits are similar).
        index = self.highlighted or 0
        height = len(self._wrapped[index]) + 1 if index < len(self._wrapped) else 4
        return max(self.scrollable_content_region.height // height, 1)

    def action_page_down(self) -> None:
        self._move(self._page_hits())

    def action_page_up(self) -> None:
        self._move(-self._page_hits())

    def action_first(self) -> None:
        self._move(-len(self.hits))

    def action_last(self) -> None:
        self._move(len(self.hits))
        self.post_message(self.NeedMore(to_end=True))  # the last result, not the last loaded

    def highlight_last(self) -> None:
        """Put the cursor on the last hit (every hit has been loaded)."""
        if self.hits:
            self.highlighted = len(self.hits) - 1
            self.scroll_to_highlighted()

    def set_stories(self, stories: StoryMap) -> None:
        """New story groups: fold the hits shown by them, the cursor on the same hit."""
        self.stories = stories
        self.expanded &= set(stories.members)
        self._regroup(self.highlighted_hit)

    @property
    def highlighted_hit(self) -> SearchHit | None:
        """The hit under the cursor."""
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    def _regroup(self, keep: SearchHit | None) -> None:
        top = self.scroll_offset.y
        self.set_hits(self.all_hits, keep=0)
        if keep is not None:
            at = row_of(self.hits, keep, self.stories.story_of)
            self.set_reactive(ResultList.highlighted, at if self.hits else None)
        self.scroll_to(y=top, animate=False, immediate=True)
        self.scroll_to_highlighted()

    def action_versions(self) -> None:
        hit = self.highlighted_hit
        story = None if hit is None else self.stories.story_of.get(hit.id)
        if story is None:
            return
        self.expanded ^= {story}
        self._regroup(hit if story in self.expanded else None)
        if story not in self.expanded:  # folded: the cursor on the story's first hit
            self.highlighted = first_of_story(self.hits, story, self.stories.story_of)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "versions":
            hit = self.highlighted_hit
            return hit is not None and hit.id in self.stories.story_of
        return not (action == "select" and self.highlighted is None)

    # --- keys and mouse -------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Before the screen's and app's bindings: text goes to the query (q types a q here,
        # as in fzf), except this list's own keys (j, k) and help. Space too: keys typed fast
        # are already queued for this list before the focus moves.
        char = event.character
        if (
            event.is_printable
            and char
            and event.key not in HELP_KEYS
            and event.key not in self._bindings.key_to_bindings
        ):
            event.stop()
            event.prevent_default()
            self.post_message(self.TypedOn(char))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + int(self.scroll_offset.y)
        if line < len(self._status_wrapped):
            self.post_message(self.StatusClicked())
            return
        found = self._hit_at_line(line)
        if found is not None:
            self.focus()
            self.highlighted = found[0]
            self.action_select()
