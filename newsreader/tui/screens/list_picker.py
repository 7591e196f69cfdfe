"""The list picker (``L``, and the palette's "Lists…"): All, Unread, Starred, each tag, each
feed and category and each saved search, with its count; choosing one narrows the article
list to it. Names come from the user, files and feeds: every label is ``Text``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.app.lists import Entry

_HEADINGS = {"tag": "Tags", "feed": "Feeds", "category": "Categories", "saved": "Saved searches"}


def entry_label(entry: Entry, current: bool = False) -> Text:
    """One line of the picker: the list's name, then its count (and unread, new)."""
    text = Text("● " if current else "  ", style="bold")
    text.append(entry.label, style="" if entry.mine else "dim")
    if entry.kind == "saved" and entry.count < 0:
        text.append("  counting…", style="dim")
    elif entry.kind == "saved":
        text.append(f"  {entry.unread} unread of {entry.count}", style="dim")
        if entry.new:
            text.append(f"  {entry.new} new", style="bold")
    else:
        text.append(f"  {entry.count}", style="dim")
    return text


class ListPicker(ModalScreen[Entry | None]):
    """Choose a list; Escape keeps the one shown."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,L", "cancel", "Back", id="lists.close"),
        Binding("j", "move(1)", "Down", show=False, id="lists.down"),
        Binding("k", "move(-1)", "Up", show=False, id="lists.up"),
        Binding("d,delete", "remove", "Forget saved search", id="lists.remove"),
    ]

    def __init__(
        self,
        entries: Sequence[Entry],
        current: tuple[str, str],
        on_remove: Callable[[Entry], None] | None = None,
    ) -> None:
        super().__init__()
        self.entries = list(entries)
        self.current = current
        self.on_remove = on_remove

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        kind = ""
        highlight = 0
        for n, entry in enumerate(self.entries):
            if entry.kind in _HEADINGS and entry.kind != kind:
                options.append(Option(Text(_HEADINGS[entry.kind], style="bold"), disabled=True))
            kind = entry.kind
            now = (entry.kind, entry.name) == self.current
            if now:
                highlight = len(options)
            options.append(Option(entry_label(entry, now), id=f"list-{n}"))
        with Vertical(id="lists-box") as box:
            box.border_title = "Lists"
            box.border_subtitle = "Enter show · d forget a saved search · Esc back"
            picker = OptionList(*options, id="lists-options")
            picker.highlighted = highlight
            yield picker

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def counted(self, entry: Entry) -> None:
        """Show a saved search's counts once they are known."""
        for n, known in enumerate(self.entries):
            if (known.kind, known.name) == (entry.kind, entry.name):
                self.entries[n] = entry  # composed from these when not yet composed
                now = (entry.kind, entry.name) == self.current
                with suppress(NoMatches):
                    self.query_one(OptionList).replace_option_prompt(
                        f"list-{n}", entry_label(entry, now)
                    )
                return

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("list-"):
            self.dismiss(self.entries[int(option_id[5:])])

    def action_move(self, step: int) -> None:
        picker = self.query_one(OptionList)
        picker.action_cursor_down() if step > 0 else picker.action_cursor_up()

    def action_remove(self) -> None:
        """Forget the highlighted saved search (other lists are not the user's to delete)."""
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option_id = options.get_option_at_index(options.highlighted).id or ""
        if not option_id.startswith("list-"):
            return
        entry = self.entries[int(option_id[5:])]
        if entry.kind != "saved":
            self.notify("Only a saved search can be forgotten here.", timeout=3, markup=False)
            return
        if self.on_remove is not None:
            self.on_remove(entry)
        options.remove_option(option_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
