"""The bookmarks screen's preview: the highlighted bookmark's passage in its article.

The article is read and the passage re-anchored in a thread; the paragraphs around it are
shown dimmed for context. Article text is plain ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from newsreader.app.session import Session
from newsreader.library import ArticleSummary, ParseError
from newsreader.state.models import Bookmark

CONTEXT = 1
"""Paragraphs shown before and after the bookmarked one."""


@dataclass(frozen=True, slots=True)
class Passage:
    """What the preview shows for one bookmark."""

    title: str
    date: str
    before: tuple[str, ...]
    passage: str
    after: tuple[str, ...]
    note: str
    found: bool
    in_library: bool = True
    """False: the article is not in the library open now; ``passage`` is the saved quote."""


class PassagePreview(VerticalScroll, can_focus=False):
    """Shows one bookmark's passage with its neighbours."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "passage-preview--title",
        "passage-preview--context",
        "passage-preview--note",
        "passage-preview--missing",
    }

    @dataclass
    class _Ready(Message):
        uuid: str
        passage: Passage | None

    def __init__(
        self,
        session: Session,
        summary_for: Callable[[str], ArticleSummary | None],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.session = session
        self.summary_for = summary_for
        self._wanted: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="passage", markup=False)

    def show(self, bookmark: Bookmark | None) -> None:
        """Preview ``bookmark`` (None clears the pane)."""
        self._wanted = bookmark.uuid if bookmark else None
        if bookmark is None:
            self.query_one("#passage", Static).update("")
            return
        self._load(bookmark)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _load(self, bookmark: Bookmark) -> None:
        self.post_message(self._Ready(bookmark.uuid, self._passage(bookmark)))

    def _passage(self, bookmark: Bookmark) -> Passage | None:
        summary = self.summary_for(bookmark.article_id)
        if summary is None:
            return Passage(
                bookmark.article_title,
                "",
                (),
                bookmark.quote,
                (),
                bookmark.note,
                False,
                in_library=False,
            )
        store = self.session.store()
        if store is None:
            return None
        try:
            article = self.session.ctx.library.load(summary)
        except ParseError:
            return None
        anchor = store.anchor(bookmark, article)
        day = f"{article.date:%A %-d %B %Y}" if article.date else ""
        if anchor is None or not article.paragraphs:
            return Passage(article.title, day, (), bookmark.quote, (), bookmark.note, False)
        p = anchor.paragraph
        paragraphs = article.paragraphs
        return Passage(
            article.title,
            day,
            paragraphs[max(p - CONTEXT, 0) : p],
            paragraphs[p],
            paragraphs[p + 1 : p + 1 + CONTEXT],
            bookmark.note,
            True,
        )

    @on(_Ready)
    def _ready(self, message: _Ready) -> None:
        message.stop()
        if message.uuid != self._wanted:
            return  # the highlight moved on meanwhile
        self.query_one("#passage", Static).update(self._content(message.passage))
        self.scroll_home(animate=False)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _content(self, passage: Passage | None) -> Group | Text:
        if passage is None:
            return Text("The article cannot be read.", self._style("passage-preview--missing"))
        parts: list[Text] = [Text(passage.title, self._style("passage-preview--title"))]
        if passage.date:
            parts.append(Text(passage.date, self._style("passage-preview--context")))
        if passage.note:
            parts.append(Text("\n✎ ").append(passage.note, self._style("passage-preview--note")))
        if not passage.in_library:
            parts.append(
                Text(
                    "\nThe article is not in this library (bookmarked in another "
                    "one, or its file is gone). The passage read:",
                    self._style("passage-preview--missing"),
                )
            )
        elif not passage.found:
            parts.append(
                Text(
                    "\nThis passage is no longer in the article. It read:",
                    self._style("passage-preview--missing"),
                )
            )
        for before in passage.before:
            parts.append(Text("\n" + before, self._style("passage-preview--context")))
        parts.append(Text("\n").append(passage.passage))
        for after in passage.after:
            parts.append(Text("\n" + after, self._style("passage-preview--context")))
        return Group(*parts)
