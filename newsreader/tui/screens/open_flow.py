"""Opening articles in the reader, and saving where the reader is.

A helper of ``MainScreen``: an article is read and placed in a worker (``article_opening.prepare``),
then shown; the last request wins, so a slow earlier open never replaces a later one. The
position is saved when the reader settles, before another article opens and on quitting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from newsreader.library import ArticleSummary, ParseError
from newsreader.state.models import ReadingState

if TYPE_CHECKING:
    from newsreader.app.article_opening import OpenedArticle, OpenRequest
    from newsreader.tui.page import Position
    from newsreader.tui.screens.host import ReaderHost


def request_for(
    summary: ArticleSummary, query: str | None = None, paragraph: int | None = None
) -> OpenRequest:
    """An ``OpenRequest`` (imported here: opening is not on the way to the first paint)."""
    from newsreader.app.article_opening import OpenRequest

    return OpenRequest(summary, query=query, paragraph=paragraph)


class ArticleOpener:
    """Loads articles off the UI thread and shows the latest one asked for."""

    @dataclass
    class Opened(Message):
        """An article is ready (or could not be read: ``error``)."""

        opened: OpenedArticle | None
        focus: bool
        serial: int
        error: str | None = None

    def __init__(self, screen: ReaderHost) -> None:
        self.screen = screen
        self._serial = 0

    def open(self, request: OpenRequest, focus: bool = True) -> None:
        """Open an article as ``request`` says (saving where the reader was first)."""
        self.save_position()
        if request.state is None:
            request = replace(request, state=self.screen.rows.states.get(request.summary.id))
        self._serial += 1
        self.screen.run_worker(
            partial(self._load, request, focus, self._serial),
            group="open",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _load(self, request: OpenRequest, focus: bool, serial: int) -> None:
        from newsreader.app.article_opening import prepare
        from newsreader.library.names import inert

        screen = self.screen
        try:
            screen.post_message(self.Opened(prepare(screen.session, request), focus, serial))
        except ParseError as exc:
            error = f"Cannot open {inert(request.summary.path.name)}: {exc}"
            screen.post_message(self.Opened(None, focus, serial, error))

    def shown(self, message: Opened) -> OpenedArticle | None:
        """Put a loaded article in the reader; None when it is stale or failed."""
        if message.serial != self._serial:
            return None  # another article was asked for since; it is on its way
        screen = self.screen
        opened = message.opened
        if opened is None:
            screen.notify(
                message.error or "Cannot open the article.", severity="error", markup=False
            )
            return None
        screen.reader.show(
            opened.article,
            opened.paragraph,
            opened.offset,
            matches=opened.matches,
            focus_match=bool(opened.request.query),
            bookmarked=opened.bookmarked,
        )
        if opened.state is not None:
            screen.rows.update_state(opened.state)
            screen.update_counts()
            screen.article_list.refresh()
        if opened.notice:
            screen.notify(opened.notice, severity="warning", timeout=6, markup=False)
        return opened

    def reload_if_changed(self, by_id: Mapping[str, ArticleSummary]) -> None:
        """After a rescan: reopen the article in the reader if its file changed."""
        screen = self.screen
        article = screen.reader.article
        if article is None:
            return
        summary = by_id.get(article.id)
        if summary is None:
            screen.notify(
                "The open article was removed from the library.", severity="warning", markup=False
            )
        elif summary.content_hash != article.content_hash:
            position = screen.reader.position
            paragraph = position.paragraph if position else None
            self.open(request_for(summary, paragraph=paragraph), focus=False)

    def reopen_last(self) -> None:
        """On start: highlight the article read last and (``reopen_last`` in config.toml, on
        by default) reopen it where it was left."""
        screen = self.screen
        opened = [
            (s.last_opened, s.article_id)
            for s in screen.rows.states.values()
            if s.last_opened is not None and s.article_id in screen.rows.by_id
        ]
        if not opened or self._serial or screen.article_list.cursor:
            return  # the user has already moved or opened something: theirs wins
        _when, last = max(opened)
        screen.article_list.select_id(last)
        if screen.session.ctx.config.reopen_last:
            self.open(request_for(screen.rows.by_id[last]))

    # --- the reading position ---------------------------------------------------------------

    def save(self, summary: ArticleSummary, position: Position) -> None:
        """Save ``position`` in ``summary`` (in the rows at once, in the store soon)."""
        from newsreader.app.article_opening import quote_at

        screen = self.screen
        # The text there too: reopening after the article changed finds the same passage.
        quote = quote_at(screen.reader.article, summary, position.paragraph, position.offset)
        # A never-opened article has no state in the rows (``kept_states``).
        state = screen.rows.states.get(summary.id) or ReadingState(summary.id)
        screen.rows.update_state(
            replace(
                state,
                paragraph=position.paragraph,
                offset=position.offset,
                progress=position.progress,
                quote=quote,
            )
        )
        screen.article_list.refresh()
        screen.write(
            lambda store: store.save_position(
                summary, position.paragraph, position.offset, position.progress, quote
            )
        )

    def save_position(self) -> None:
        """Save where the reader is now (before opening another article or quitting)."""
        screen = self.screen
        current = screen.reader
        article, position = current.article, current.position
        if article is not None and position is not None:
            self.save(article.summary, position)
