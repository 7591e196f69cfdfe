"""The articles related to the one in the reader, to open one of them."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.library.text import clean_text
from newsreader.search.related import RelatedHit


class RelatedScreen(ModalScreen[str | None]):
    """A short list of related articles: Enter opens one, Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", id="related.close"),
    ]

    def __init__(self, title: str, hits: tuple[RelatedHit, ...]) -> None:
        super().__init__()
        self.about = title
        self.hits = hits

    def compose(self) -> ComposeResult:
        with Vertical(id="related-box") as box:
            box.border_title = Text(f"Related to: {clean_text(self.about)}")
            box.border_subtitle = "Enter open · Esc close"
            options = [
                Option(
                    Text.assemble(
                        (f"{h.date:%d %b %Y}  " if h.date else "undated      ", "dim"),
                        clean_text(h.title),
                    ),
                    id=h.id,
                )
                for h in self.hits
            ]
            yield OptionList(*options, id="related-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
