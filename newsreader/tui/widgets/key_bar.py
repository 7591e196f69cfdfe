"""The footer: key hints for the focused pane, generated from the active bindings.

Textual's ``Footer`` recomposes a widget per key whenever focus moves, which is dear on every
focus change; this draws the same hints as one line of text, and a click on a hint presses its
key, as in the stock footer.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

KEPT_ACTIONS = frozenset({"help", "app.help"})
"""Hints kept when the line is too narrow for all of them."""


class KeyBar(Widget):
    """One line of ``key description`` hints, the command palette key on the right."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--disabled",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._targets: list[tuple[int, int, str]] = []
        self._shown: object = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Published after most keys (the query box refreshes its bindings as its cursor
        # moves): redraw only when the hints would change (a redraw costs 1-5 ms a key).
        shown = [
            ([(b.key, b.description, on) for b, on in members], label)
            for members, label in self._hints()
        ]
        if shown != self._shown:
            self._shown = shown
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._shown = None
        self.refresh()

    def _hints(self) -> Iterator[tuple[list[tuple[Binding, bool]], str]]:
        """(bindings, label) per hint: one binding per action, groups merged."""
        by_action: dict[tuple[object, str], list[tuple[Binding, bool]]] = {}
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action != "app.command_palette":
                by_action.setdefault((node, binding.action), []).append((binding, enabled))
        firsts = [bindings[0] for bindings in by_action.values()]
        for group, items in groupby(firsts, key=lambda item: item[0].group):
            members = list(items)
            if group is not None and len(members) > 1:
                yield members, group.description
            else:
                for member in members:
                    yield [member], member[0].description

    def render(self) -> Text:
        style = self.get_component_rich_style
        pieces: list[tuple[Text, list[tuple[int, int, str]], bool]] = []
        for members, label in self._hints():
            enabled = any(on for _binding, on in members)
            piece = Text(" ")
            targets: list[tuple[int, int, str]] = []
            for binding, _on in members:
                start = piece.cell_len
                piece.append(self.app.get_key_display(binding), style("key-bar--key"))
                targets.append((start, piece.cell_len + len(label) + 1, binding.key))
            piece.append(" " + label + " ", style("key-bar--description"))
            if not enabled:
                piece.stylize(style("key-bar--disabled"), 1)
            keep = any(binding.action in KEPT_ACTIONS for binding, _on in members)
            pieces.append((piece, targets, keep))
        width = self.size.width
        self._fit(pieces, width)
        text = Text(no_wrap=True, overflow="crop", end="")
        self._targets = []
        for piece, targets, _keep in pieces:
            offset = text.cell_len
            self._targets.extend((offset + a, offset + b, key) for a, b, key in targets)
            text.append_text(piece)
        palette = self.app.COMMAND_PALETTE_BINDING
        if self.app.ENABLE_COMMAND_PALETTE:
            hint = Text.assemble(
                (self.app.get_key_display(Binding(palette, "")), style("key-bar--key")),
                (" palette ", style("key-bar--description")),
            )
            room = width - text.cell_len - hint.cell_len
            if room > 0:
                text.append(" " * room)
                self._targets.append((text.cell_len, text.cell_len + hint.cell_len, palette))
                text.append_text(hint)
        return text

    @staticmethod
    def _fit(pieces: list[tuple[Text, list[tuple[int, int, str]], bool]], width: int) -> None:
        """Too many hints for the width: drop the rightmost one whose room is enough, else
        from the right until they fit; never the way to help."""
        while (excess := sum(p.cell_len for p, _t, _k in pieces) - width) > 0:
            droppable = [i for i in reversed(range(len(pieces))) if not pieces[i][2]]
            if not droppable:
                return
            enough = [i for i in droppable if pieces[i][0].cell_len >= excess]
            del pieces[enough[0] if enough else droppable[0]]

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._targets:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
