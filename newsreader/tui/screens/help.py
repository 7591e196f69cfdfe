"""The help screen, generated from the panes' bindings (with the user's key overrides)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.actions import ActionError
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_COLUMN = 18

Section = tuple[str, Sequence[type[DOMNode]]]
"""A heading and the classes whose ``BINDINGS`` it lists."""

QUERY_SYNTAX: tuple[tuple[str, str], ...] = (
    ("truce talks", "both words, any form (talk, talking); best first"),
    ('"truce talks"', "the exact phrase"),
    ("truce -rafah", "without a word (also NOT rafah)"),
    ("truce OR ceasefire", "either word"),
    ("title:hamas", "in the title"),
    ("truc*", "words starting with truc"),
    ("ceasfire~", "one typo away, closest first (ceasfire~2: two)"),
    ("date:2024-05", "by date; also date:[2024-01 to 2024-06]"),
)


def binding_rows(
    classes: Iterable[type[DOMNode]],
    keymap: Mapping[str, str],
    live: Callable[[type[DOMNode]], DOMNode | None] | None = None,
) -> list[tuple[list[str], str, str]]:
    """(keys, description, id) for every described binding, keys as the keymap sets them.

    A key with two labels (M: "Hide read" or "Show read") is described by what it does now
    in the node ``live`` finds for its class, or by both labels when there is none.
    """
    rows: dict[str, tuple[list[str], list[Binding], str]] = {}
    nodes: dict[str, DOMNode | None] = {}
    for cls in classes:
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if not binding.description:
                continue
            name = binding.id or f"{cls.__name__}.{binding.action}"
            override = keymap.get(binding.id) if binding.id else None
            keys = override.split(",") if override else [binding.key]
            entry = rows.setdefault(name, ([], [], binding.id or ""))
            entry[1].append(binding)
            if name not in nodes:
                nodes[name] = live(cls) if live is not None else None
            for key in keys:
                if key not in entry[0]:
                    entry[0].append(key)
    return [
        (keys, _description(bindings, nodes[name]), ident)
        for name, (keys, bindings, ident) in rows.items()
    ]


def _description(bindings: Sequence[Binding], node: DOMNode | None) -> str:
    labels = list(dict.fromkeys(b.description for b in bindings))
    if len(labels) == 1:
        return labels[0]
    if node is not None:
        for binding in bindings:
            name, params = _action(binding.action)
            if node.check_action(name, params):
                return binding.description
    return " / ".join(labels)


def _action(action: str) -> tuple[str, tuple[object, ...]]:
    try:
        _, name, params = parse_action(action)
    except ActionError:
        return action, ()
    return name, params


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by pane, and the search syntax."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    ]

    def __init__(
        self,
        sections: Sequence[Section],
        *,
        syntax_first: bool = False,
        below: DOMNode | None = None,
    ) -> None:
        super().__init__()
        self.sections = sections
        self.syntax_first = syntax_first
        self.below = below
        """The screen the help was opened from: its widgets say what a two-label key does."""

    def compose(self) -> ComposeResult:
        keymap: Mapping[str, str] = getattr(self.app, "keymap", {})  # the user's overrides
        blocks: list[Static] = []
        for heading, classes in self.sections:
            table = self._table()
            for keys, description, binding_id in binding_rows(classes, keymap, self._live):
                shown = "  ".join(self._key(k) for k in keys)
                # The id is what config.toml [keys] takes to remap the key.
                table.add_row(
                    Text(shown, style="bold"), Text(description), Text(binding_id, style="dim")
                )
            blocks.append(Static(table, classes="help-block"))
            blocks[-1].border_title = heading
        syntax = self._table()
        for example, meaning in QUERY_SYNTAX:
            syntax.add_row(Text(example, style="bold"), Text(meaning))
        syntax_block = Static(syntax, classes="help-block", id="help-syntax")
        syntax_block.border_title = "Search syntax"
        if self.syntax_first:
            blocks.insert(0, syntax_block)
        else:
            blocks.append(syntax_block)
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "Esc close · remap a key by its id in config.toml"
            yield from blocks

    def _live(self, cls: type[DOMNode]) -> DOMNode | None:
        if self.below is None:
            return None
        return next(
            (node for node in self.below.walk_children(with_self=True) if isinstance(node, cls)),
            None,
        )

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(width=KEY_COLUMN, no_wrap=True)  # the same in every block
        table.add_column(ratio=1)
        table.add_column(justify="right", no_wrap=True)
        return table

    def _key(self, key: str) -> str:
        return self.app.get_key_display(Binding(key.strip(), ""))

    def action_close(self) -> None:
        self.dismiss(None)
