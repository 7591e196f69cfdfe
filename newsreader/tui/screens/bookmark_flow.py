"""Bookmarking from the reader, and jumping back to a passage from the bookmarks screen.

A helper of ``MainScreen`` (kept apart so the screen stays about layout and reading): it asks
for a note, queues the write, and keeps the reader's margin marks current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from newsreader.library import Article
from newsreader.state.models import Bookmark

if TYPE_CHECKING:
    from newsreader.tui.screens.host import ReaderHost


class BookmarkFlow:
    """The bookmark steps of the main screen; the screen routes the messages below here."""

    @dataclass
    class Saved(Message):
        """A bookmark write finished (``failed`` says why it did not)."""

        article_id: str
        paragraph: int
        failed: str | None = None
        bookmark: Bookmark | None = None
        readded: bool = False
        """The edited bookmark had been deleted elsewhere: the note went on a new one."""
        edited: bool = False
        """An existing bookmark's note was changed (no new bookmark)."""

    @dataclass
    class Marks(Message):
        """The bookmarked paragraphs of an article, re-read from the store."""

        article_id: str
        paragraphs: frozenset[int]
        by_paragraph: dict[int, Bookmark] = field(default_factory=dict)

    def __init__(self, screen: ReaderHost) -> None:
        self.screen = screen
        self._at: tuple[str, dict[int, Bookmark]] = ("", {})
        """The open article's id and its bookmarks by (anchored) paragraph."""

    def bookmark_at(self, article: Article, paragraph: int) -> Bookmark | None:
        """The bookmark on ``paragraph`` of ``article``, if its marks have been read."""
        article_id, by_paragraph = self._at
        return by_paragraph.get(paragraph) if article_id == article.id else None

    def save(
        self, article: Article, paragraph: int, note: str, bookmark: Bookmark | None = None
    ) -> None:
        """Save the paragraph as a bookmark, or ``bookmark``'s new note, on the writer
        thread; ``saved`` reports back."""
        screen = self.screen
        if bookmark is None:
            future = screen.session.write(
                lambda store: (store.add_bookmark(article, paragraph, 0, None, note), False)
            )
        else:
            future = screen.session.write(lambda store: store.save_note(bookmark, note))

        def done(_future: object) -> None:  # on the writer thread: post, never touch
            error = future.exception()
            result = None if error else future.result()
            saved, readded = result if result is not None else (None, False)
            screen.post_message(
                self.Saved(
                    article.id,
                    paragraph,
                    str(error) if error else None,
                    saved,
                    readded,
                    bookmark is not None and not readded,
                )
            )

        future.add_done_callback(done)

    def saved(self, message: Saved) -> None:
        """Mark the new bookmark in the margin, or say why it was not saved."""
        screen = self.screen
        if message.failed:
            screen.notify(f"Bookmark not saved: {message.failed}", severity="error", markup=False)
            return
        reader = screen.reader
        if reader.article is not None and reader.article.id == message.article_id:
            reader.set_bookmarked(reader.bookmarked | {message.paragraph})
            if message.bookmark is not None and self._at[0] == message.article_id:
                self._at[1][message.paragraph] = message.bookmark
        if message.readded:
            from newsreader.tui.screens.bookmarks import READDED

            screen.notify(READDED, severity="warning", timeout=6, markup=False)
        elif message.edited:
            screen.notify("Note saved. B lists bookmarks.", timeout=3, markup=False)
        else:
            screen.notify("Bookmarked. B lists bookmarks.", timeout=3, markup=False)

    def open_list(self) -> None:
        """Show every bookmark; choosing one opens its article at the passage."""
        screen = self.screen
        screen.save_reading_position()
        from newsreader.tui.screens.bookmarks import BookmarksScreen

        screen.app.push_screen(BookmarksScreen(screen.session, screen.rows.by_id.get), self._jump)

    def _jump(self, bookmark: Bookmark | None) -> None:
        from newsreader.app.article_opening import OpenRequest  # used once an article is open

        screen = self.screen
        if bookmark is None:
            self.refresh_marks()  # some may have been deleted or edited
            return
        summary = screen.rows.by_id.get(bookmark.article_id)
        if summary is not None:
            screen.article_list.select_id(summary.id)
            screen.open_request(OpenRequest(summary, bookmark=bookmark))

    def refresh_marks(self) -> None:
        """Re-read the open article's bookmarks (in a thread) and redraw the margin."""
        from newsreader.app.article_opening import bookmarks_by_paragraph

        article = self.screen.reader.article
        if article is None:
            return

        def read() -> None:
            by_paragraph = bookmarks_by_paragraph(self.screen.session, article)
            self.screen.post_message(self.Marks(article.id, frozenset(by_paragraph), by_paragraph))

        self.screen.run_worker(
            read, thread=True, exclusive=True, group="bookmarks", exit_on_error=False
        )

    def marks(self, message: Marks) -> None:
        """Apply re-read marks if that article is still open."""
        reader = self.screen.reader
        if reader.article is not None and reader.article.id == message.article_id:
            reader.set_bookmarked(message.paragraphs)
            self._at = (message.article_id, dict(message.by_paragraph))
            reader.bookmark_at = self.bookmark_at
