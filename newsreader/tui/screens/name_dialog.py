"""A one-line text dialog: an article's tags (with completion from the tags in use), or the
name to save a search under. What the user types is checked here, so a bad name is said at
once and the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from newsreader.state.tags import join_tags, key, split_tags


class TagSuggester(Suggester):
    """Completes the tag being typed (after the last comma outside quotes) from the tags in
    use, quoted when it holds a comma."""

    def __init__(self, tags: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = list(tags)

    async def get_suggestion(self, value: str) -> str | None:
        head, typed = _last_piece(value)
        bare = typed.lstrip()
        wanted = key(bare[1:] if bare.startswith('"') else bare)
        if not wanted:
            return None
        already = {key(t) for t in split_tags(head)}
        for tag in self.tags:
            if key(tag).startswith(wanted) and key(tag) not in already:
                return value[: len(value) - len(bare)] + join_tags([tag])
        return None


class NameDialog(ModalScreen[str | None]):
    """Ask for one line of text; Enter checks it with ``check`` (which returns an error, or
    None) and answers it, Escape answers None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name.cancel"),
        Binding("enter", "save", "Save", id="name.save"),
    ]

    def __init__(
        self,
        title: str,
        about: str,
        value: str = "",
        *,
        placeholder: str = "",
        check: Callable[[str], str | None] | None = None,
        suggestions: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.title_text = title
        self.about = about
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.suggestions = suggestions

    def compose(self) -> ComposeResult:
        with Vertical(id="name-box") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Enter save · Esc cancel" + (
                " · → completes" if self.suggestions else ""
            )
            yield Static(Text(self.about), id="name-about")
            yield Input(
                self.value,
                placeholder=self.placeholder,
                id="name-input",
                select_on_focus=False,
                suggester=TagSuggester(self.suggestions) if self.suggestions else None,
            )
            yield Static("", id="name-error")

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Submitted)
    def action_save(self) -> None:
        value = self.query_one(Input).value
        error = self.check(value) if self.check is not None else None
        if error:
            self.query_one("#name-error", Static).update(Text(error))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _last_piece(value: str) -> tuple[str, str]:
    """``value`` cut after its last comma outside quotes: what is before, and the piece
    being typed."""
    cut, quoted = -1, False
    for at, ch in enumerate(value):
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            cut = at
    return value[: max(cut, 0)], value[cut + 1 :]
