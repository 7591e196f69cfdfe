"""The bookmarks screen: every saved passage with its note, article and date.

Bookmarks whose article is not in the library now open (another ``--library``, or the file
is gone) and orphaned ones (the article is here, the passage is no longer in it) are listed
apart at the end, each under a heading that says which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.app.session import Session
from newsreader.library import ArticleSummary
from newsreader.state.models import Bookmark
from newsreader.tui.screens.folder_sync import SyncMerged
from newsreader.tui.screens.note import NoteDialog
from newsreader.tui.screens.toasts import OwnToasts
from newsreader.tui.widgets.key_bar import KeyBar
from newsreader.tui.widgets.passage_preview import PassagePreview

QUOTE_CHARS = 240
READDED = (
    "That bookmark was deleted in another window meanwhile: "
    "your note is saved on a new bookmark of the same passage."
)
LOADING = "Loading bookmarks…"
EMPTY = "No bookmarks yet. In the reader, b bookmarks the paragraph at the cursor."
NARROW_BELOW = 100
"""Columns below which the passage preview is hidden."""


def _placeholder(message: str) -> Option:
    """A line inside the list's frame that says why nothing is listed; never highlighted."""
    return Option(Text(message, style="dim"), id="bookmarks-empty", disabled=True)


class BookmarkList(OptionList):
    """The bookmarks, each option three lines: quote, note, article and date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Jump to passage", id="bookmarks.open"),
        Binding("j", "cursor_down", "Down", show=False, id="bookmarks.down"),
        Binding("k", "cursor_up", "Up", show=False, id="bookmarks.up"),
        Binding("g", "first", "First", show=False, id="bookmarks.first"),
        Binding("G", "last", "Last", show=False, id="bookmarks.last"),
    ]


class BookmarksScreen(OwnToasts[Bookmark | None]):
    """Lists bookmarks; dismisses with the bookmark to jump to, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,B", "close", "Back", id="bookmarks.close"),
        Binding("e", "edit", "Edit note", id="bookmarks.edit"),
        Binding("d,delete", "delete", "Delete", id="bookmarks.delete"),
        Binding("u", "undo", "Undo delete", id="bookmarks.undo"),
        Binding("y", "copy", "Copy", show=False, id="bookmarks.copy"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bookmarks--quote",
        "bookmarks--note",
        "bookmarks--source",
    }

    @dataclass
    class _Loaded(Message):
        bookmarks: list[Bookmark]

    @dataclass
    class _Changed(Message):
        """A write finished (posted from the writer thread)."""

        readded: bool = False
        """A note was saved on a new bookmark: the old one was deleted elsewhere meanwhile."""

    def __init__(
        self, session: Session, summary_for: Callable[[str], ArticleSummary | None]
    ) -> None:
        super().__init__()
        self.session = session
        self.summary_for = summary_for
        self.bookmarks: list[Bookmark] = []
        self._shown: list[Bookmark] = []
        self._deleted: list[Bookmark] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="bookmarks-panes"):
            yield BookmarkList(_placeholder(LOADING), id="bookmark-list")
            yield PassagePreview(self.session, self.summary_for, id="bookmark-preview")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(BookmarkList).border_title = "Bookmarks"
        self.query_one(PassagePreview).border_title = "Passage"
        self.query_one(BookmarkList).focus()
        self.reload()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    @on(OptionList.OptionHighlighted, "#bookmark-list")
    def _highlighted_changed(self) -> None:
        self.query_one(PassagePreview).show(self._current())

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="bookmarks", exit_on_error=False)
    def reload(self) -> None:
        """Read every bookmark from the store (in a thread)."""
        store = self.session.store()
        self.post_message(self._Loaded(store.bookmarks() if store is not None else []))

    @on(SyncMerged)
    def _merged(self, message: SyncMerged) -> None:
        if "bookmark" in message.touched:  # added, edited or deleted on another device
            self.reload()

    @on(_Changed)
    def _changed(self, message: _Changed) -> None:
        if message.readded:
            self.notify(READDED, severity="warning", timeout=6, markup=False)
        self.reload()

    def _after_write(self, _future: object) -> None:
        self.post_message(self._Changed())

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        keep = self._highlighted()
        self.bookmarks = message.bookmarks
        elsewhere = [b for b in self.bookmarks if self.summary_for(b.article_id) is None]
        orphans = [b for b in self.bookmarks if b.orphaned and b not in elsewhere]
        found = [b for b in self.bookmarks if b not in elsewhere and b not in orphans]
        self._shown = found + orphans + elsewhere
        options: list[Option | None] = [] if self.bookmarks else [_placeholder(EMPTY)]
        for i, bookmark in enumerate(found):
            if i:
                options.append(None)
            options.append(Option(self._prompt(bookmark), id=bookmark.uuid))
        for group, name, heading in (
            (orphans, "orphans", "Orphaned ({}): the passage is no longer in its article"),
            (elsewhere, "elsewhere", "Article not in this library ({})"),
        ):
            if group:
                options.append(
                    Option(Text(heading.format(len(group)), style="bold"), id=name, disabled=True)
                )
                options.extend(Option(self._prompt(b), id=b.uuid) for b in group)
        listing = self.query_one(BookmarkList)
        listing.clear_options()
        listing.add_options(options)
        listing.border_subtitle = f"{len(self.bookmarks)} saved"
        self.refresh_bindings()  # Edit, Delete and Undo depend on what is listed
        if self._shown:
            ids = [b.uuid for b in self._shown]
            index = ids.index(keep) if keep in ids else 0
            listing.highlighted = listing.get_option_index(ids[min(index, len(ids) - 1)])

    def _prompt(self, bookmark: Bookmark) -> Text:
        def style(name: str) -> Style:
            return self.get_component_rich_style(name, partial=True)

        quote = " ".join(bookmark.quote.split())
        if len(quote) > QUOTE_CHARS:
            quote = quote[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        lines = [Text(quote, style("bookmarks--quote"))]
        if bookmark.note:
            lines.append(Text("✎ ", style("bookmarks--note")).append(bookmark.note))
        summary = self.summary_for(bookmark.article_id)
        title = summary.title if summary else bookmark.article_title
        source = Text(title, style("bookmarks--source"))
        if summary is not None and summary.date is not None:
            source.append(f"  ·  {summary.date:%d %b %Y}")
        elif summary is None:
            source.append("  ·  article not in this library")
        lines.append(source)
        return Text("\n").join(lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.bookmarks:
            self._loaded(self._Loaded(self.bookmarks))

    # --- actions ---------------------------------------------------------------------------

    def _highlighted(self) -> str | None:
        listing = self.query_one(BookmarkList)
        if listing.highlighted is None:
            return None
        return listing.get_option_at_index(listing.highlighted).id

    def _current(self) -> Bookmark | None:
        uuid = self._highlighted()
        return next((b for b in self.bookmarks if b.uuid == uuid), None)

    @on(OptionList.OptionSelected, "#bookmark-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        bookmark = next((b for b in self.bookmarks if b.uuid == event.option.id), None)
        if bookmark is None:
            return
        if self.summary_for(bookmark.article_id) is None:
            self.notify("That article is not in this library.", severity="warning", markup=False)
            return
        self.dismiss(bookmark)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        bookmark = self._current()
        if bookmark is None:
            return

        def save(note: str | None) -> None:
            if note is None or note == bookmark.note:
                return
            future = self.session.write(lambda s: s.save_note(bookmark, note))

            def done(_future: object) -> None:  # on the writer thread: post, never touch
                saved = None if future.exception() else future.result()
                self.post_message(self._Changed(saved is not None and saved[1]))

            future.add_done_callback(done)

        self.app.push_screen(
            NoteDialog(bookmark.quote, bookmark.article_title, bookmark.note, editing=True), save
        )

    def action_delete(self) -> None:
        bookmark = self._current()
        if bookmark is None:
            return
        self._deleted.append(bookmark)
        future = self.session.write(lambda s: s.delete_bookmark(bookmark.uuid))
        future.add_done_callback(self._after_write)
        self.notify("Bookmark deleted. Press u to undo.", timeout=6, markup=False)

    def action_undo(self) -> None:
        if not self._deleted:
            self.notify("Nothing to undo.", timeout=2, markup=False)
            return
        bookmark = self._deleted.pop()
        future = self.session.write(lambda s: s.restore_bookmark(bookmark))
        future.add_done_callback(self._after_write)
        self.notify("Bookmark restored.", timeout=2, markup=False)

    def action_copy(self) -> None:
        from newsreader.tui.app import NewsreaderApp
        from newsreader.tui.screens.source_flow import copy_passage

        bookmark = self._current()
        if bookmark is None or not isinstance(self.app, NewsreaderApp):
            return
        summary = self.summary_for(bookmark.article_id)
        copy_passage(
            self.app,
            bookmark.quote,
            bookmark.article_title,
            summary.date if summary is not None else None,
            summary.path if summary is not None else None,
            note=bookmark.note,
            what="bookmark",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "delete", "copy"}:
            return self._current() is not None or None
        if action == "undo":
            return bool(self._deleted) or None
        return True
