"""Stories told by several articles, on the main screen: the list's grouped rows, reading
every version at once, what a version adds to the one read before, and related articles.

A helper of ``MainScreen``, like ``ReadMarks``: the rows change at once; loading a version
and asking the index run in workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from newsreader.library import Article, ArticleSummary, ParseError
from newsreader.tui import library_sync as sync

if TYPE_CHECKING:
    from newsreader.search.related import RelatedHit
    from newsreader.tui.screens.main import MainScreen

RELATED_LIMIT = 20


class StoryFlow:
    """Grouped rows, versions read together, new paragraphs and related reading."""

    @dataclass
    class Compared(Message):
        """The paragraphs of ``article_id`` that the version read before lacked."""

        article_id: str
        content_hash: str
        new: frozenset[int]

    @dataclass
    class RelatedFound(Message):
        """Articles related to ``title`` (None: it is not indexed yet)."""

        title: str
        hits: tuple[RelatedHit, ...] | None
        error: str | None = None

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self._opened: dict[str, int] = {}
        """Articles opened in this run, by order of opening (the store's ``last_opened`` in
        the rows is as it was when the states were loaded)."""

    def found(self, message: sync.StoriesFound) -> None:
        """New story groups from the library worker (for the scan now shown)."""
        screen = self.screen
        screen.status.set_info(screen.library_view.idle_text())  # "Finding versions" is done
        if message.scan.articles is not screen.rows.articles:
            return  # a newer scan is shown; its groups follow
        keep = screen.article_list.highlighted
        screen.rows.set_stories(message.stories)
        screen.article_list.refresh_rows(keep.id if keep else None)
        screen.ensure_panes()
        screen.search_pane.results.set_stories(message.stories)

    def toggle_versions(self, summary: ArticleSummary) -> None:
        """``v``: show the story's other versions under it, or fold them again."""
        screen = self.screen
        rows = screen.rows
        shown = rows.toggle_versions(summary.id)
        if shown is None:
            return
        # Folded, the cursor goes to the row that stands for the story.
        keep = summary.id if shown else rows.lead_of(summary.id)
        screen.article_list.refresh_rows(keep)
        if shown:
            count = len(rows.versions(summary.id))
            screen.notify(f"{count} versions of this story shown; v folds them.", timeout=3)

    def opened(self, article: Article) -> None:
        """An article is in the reader: mark its versions read (config
        ``read_versions_together``) and find what it adds to the version read before."""
        screen = self.screen
        rows = screen.rows
        self._opened[article.id] = len(self._opened) + 1
        versions = [i for i in rows.versions(article.id) if i != article.id]
        if not versions:
            return
        earlier = self._last_read(versions)
        if screen.session.ctx.config.read_versions_together:
            changed = rows.set_read(versions, True)
            if changed:
                screen.write(lambda store: store.set_read(changed, True))
                keep = screen.article_list.highlighted
                screen.article_list.refresh_rows(keep.id if keep else None)
                screen.update_counts()
        if earlier is not None:
            screen.run_worker(
                lambda: self._compare(article, earlier),
                group="versions",
                exclusive=True,
                thread=True,
                exit_on_error=False,
            )

    def _last_read(self, ids: list[str]) -> ArticleSummary | None:
        """Of these versions, the one opened last (in this run, else before), if any was."""
        rows = self.screen.rows
        now = [(self._opened[i], i) for i in ids if i in self._opened]
        if now:
            return rows.by_id.get(max(now)[1])
        before = [
            (state.last_opened, i)
            for i in ids
            if (state := rows.states.get(i)) is not None and state.last_opened is not None
        ]
        return rows.by_id.get(max(before)[1]) if before else None

    def _compare(self, article: Article, earlier: ArticleSummary) -> None:
        from newsreader.stories.diff import new_paragraphs

        try:
            other = self.screen.session.ctx.library.load(earlier)
        except (ParseError, OSError):
            return  # nothing to compare with: no marks
        new = new_paragraphs(article.paragraphs, other.paragraphs)
        self.screen.post_message(self.Compared(article.id, article.content_hash, new))

    def compared(self, message: Compared) -> None:
        reader = self.screen.reader
        shown = reader.article
        if shown is not None and (shown.id, shown.content_hash) == (
            message.article_id,
            message.content_hash,
        ):
            reader.set_new_paragraphs(message.new)

    def related(self, article: Article) -> None:
        """``r``: ask the index for related articles (off the UI thread)."""
        screen = self.screen
        versions = {
            s.path_str
            for i in screen.rows.versions(article.id)
            if (s := screen.rows.by_id.get(i)) is not None
        }
        versions.add(str(article.path))

        def ask() -> None:
            try:
                hits = screen.session.related(str(article.path), versions, RELATED_LIMIT)
            except Exception as exc:  # a damaged index: said, and healed like a search
                error = f"Related articles unavailable: {exc.__class__.__name__}"
                screen.post_message(self.RelatedFound(article.title, (), error))
                return
            screen.post_message(self.RelatedFound(article.title, hits))

        screen.run_worker(ask, group="related", exclusive=True, thread=True, exit_on_error=False)

    def related_found(self, message: RelatedFound) -> None:
        screen = self.screen
        if message.error:
            screen.notify(message.error, severity="error", markup=False)
            return
        if message.hits is None:
            screen.notify(
                "This article is not in the search index yet.", severity="warning", markup=False
            )
            return
        if not message.hits:
            screen.notify("Nothing related found.", markup=False)
            return
        from newsreader.tui.screens.related import RelatedScreen

        def chosen(article_id: str | None) -> None:
            if article_id is not None:
                screen.open_article(article_id)

        screen.app.push_screen(RelatedScreen(message.title, message.hits), chosen)
