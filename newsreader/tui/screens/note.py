"""The note dialog: shown when bookmarking a passage or editing a bookmark's note."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

QUOTE_PREVIEW = 280
"""Characters of the passage shown above the note box."""


class NoteDialog(ModalScreen[str | None]):
    """Ask for an optional note: Enter saves (empty is fine), Escape cancels (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
        # Not priority: Enter must wait for the characters queued before it.
        Binding("enter", "save", "Save", id="note.save"),
    ]

    def __init__(self, quote: str, title: str, note: str = "", *, editing: bool = False) -> None:
        super().__init__()
        self.quote = quote
        self.article_title = title
        self.note = note
        self.editing = editing

    def compose(self) -> ComposeResult:
        quote = (
            self.quote
            if len(self.quote) <= QUOTE_PREVIEW
            else (self.quote[:QUOTE_PREVIEW].rsplit(" ", 1)[0] + " …")
        )
        with Vertical(id="note-box") as box:
            box.border_title = "Edit note" if self.editing else "Bookmark this passage"
            box.border_subtitle = "Enter save · Esc cancel"
            yield Static(Text(self.article_title), id="note-article")
            yield Static(Text(quote), id="note-quote")
            # Editing appends: no select-all on focus, the cursor after the old note.
            yield Input(
                self.note, placeholder="Note (optional)", id="note-input", select_on_focus=False
            )

    def on_mount(self) -> None:
        note = self.query_one(Input)
        note.focus()
        note.cursor_position = len(note.value)

    def on_key(self, event: events.Key) -> None:
        # Keys typed right after "b" reach the screen before the box has focus; the box
        # stops every printable key it gets itself, so any seen here belongs in it.
        if event.is_printable and event.character:
            self.query_one(Input).insert_text_at_cursor(event.character)
            event.stop()

    @on(Input.Submitted)
    def action_save(self) -> None:
        self.dismiss(self.query_one(Input).value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
