"""The StateStore: the user's reading state and bookmarks, the one thing newsreader cannot
rebuild. Safe to call from several threads (Textual thread workers); how the file is used
(connections, locking, the in-memory fallback) lives in ``statefile``.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from newsreader.library import Article, ArticleSummary
from newsreader.library.text import clean_text
from newsreader.state import anchoring, backup, file_open, organising, records, tags
from newsreader.state.change_items import (
    ChangeItem,
    article_change,
    bookmark_change,
    from_backup,
    ms,
    restored_change,
    tag_changes,
)
from newsreader.state.models import Anchor, Bookmark, ReadingState, SavedSearch
from newsreader.state.outbox import Outbox, Told
from newsreader.state.statefile import StateFile

T = TypeVar("T")


class StateStore:
    """Reading state and bookmarks in one SQLite file. Open with ``StateStore.open``."""

    def __init__(self, path: Path, snapshot_dir: Path | None, opened: file_open.Opened) -> None:
        self.path = path
        self._file = StateFile(path, snapshot_dir, opened)
        self.notices: list[str] = self._file.notices
        """One-line messages for the user, oldest first (restored, read-only, not saving…)."""
        self.on_change: Told | None = None
        """Told of every change the user makes (read marks, positions, bookmarks, stars, tags,
        saved searches, settings) after it is written, so sync can pass it on; never of
        ``write_synced``. While it is set, each change is also kept in the file's outbox
        under a token (its second argument) by the transaction that makes it (``outbox``)."""
        self.outbox = Outbox(self._file, self.notices)
        """Changes kept for sync until its ledger has them (what a killed process left)."""

    @classmethod
    def open(cls, path: Path, snapshot_dir: Path | None = None) -> StateStore:
        """Open the state file; never raises for a broken or unwritable file: it degrades and
        says so in ``notices``."""
        return cls(path, snapshot_dir, file_open.open_state(path, snapshot_dir))

    @property
    def snapshot_dir(self) -> Path | None:
        """Where the state file's snapshots are kept."""
        return self._file.snapshot_dir

    # --- status ---------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        """False while changes are kept in memory only (disk full, read-only, newer schema)."""
        return self._file.saving

    @property
    def reason(self) -> str | None:
        """Why changes are not being saved, or None."""
        return self._file.reason

    @property
    def pending_changes(self) -> int:
        """Changes made since saving stopped, waiting to be written."""
        return self._file.pending_changes

    def retry_saving(self) -> bool:
        """Try now to write changes kept in memory back to the file; True when saving."""
        return self._file.retry_saving()

    def has_changed(self) -> bool:
        """Whether another connection or process committed since the last call (cheap: one
        ``PRAGMA data_version``; this instance's own commits do not count)."""
        return self._file.has_changed()

    def close(self) -> None:
        """Write back kept changes if possible, then close every connection."""
        self.outbox.close()
        self._file.close()

    def write_synced(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Write what sync merged from other devices: not told to ``on_change`` (it is not a
        change made here, and passing it on again would echo it forever)."""
        return self._file.write(op)

    def _write_told(self, op: Callable[[sqlite3.Connection], tuple[T, list[ChangeItem]]]) -> T:
        return self.outbox.write(op, self.on_change)

    def _write_then_tell(
        self, op: Callable[[sqlite3.Connection], object], told: list[ChangeItem]
    ) -> None:
        self.outbox.write(lambda c: (op(c), told), self.on_change)

    # --- reading state --------------------------------------------------------------------

    def reading_states(
        self, articles: Iterable[ArticleSummary], *, unopened: bool = True
    ) -> dict[str, ReadingState]:
        """The state of every article, by article id; follows renames by content hash.
        Without ``unopened``, articles with nothing stored are left out (instead of a default
        state each: a big library's list holds mostly those)."""
        # Read twice, not copied: a big library's list may be packed (built as it is read).
        articles = articles if isinstance(articles, Collection) else list(articles)
        rows = self._file.read(records.article_rows)
        states, renames = records.states_of(rows, articles, unopened)
        if renames:
            when = records.now()

            def follow(conn: sqlite3.Connection) -> None:
                for old, article in renames:
                    records.rekey(conn, old, article, when)

            self._file.write(follow)
        return states

    def reading_state(self, article: ArticleSummary) -> ReadingState:
        """The state of one article; follows a rename by content hash."""
        row = self._file.read(lambda c: records.find_row(c, article))
        if row is None:
            return ReadingState(article.id)
        if row[0] != article.id:
            when = records.now()
            self._file.write(lambda c: records.rekey(c, str(row[0]), article, when))
        return records.state_of(row, article.id)

    def mark_opened(self, article: ArticleSummary) -> ReadingState:
        """Opening an article marks it read and records the first and last time."""
        when = records.now()
        told = [
            article_change("read", article, read=True),
            article_change("opened", article, at=ms(when)),
        ]
        return self._write_told(lambda c: (records.mark_opened(c, article, when), told))

    def set_read(self, articles: Iterable[ArticleSummary], read: bool) -> None:
        """Mark articles read or unread."""
        articles = list(articles)
        if articles:
            when = records.now()
            told = [article_change("read", a, read=read) for a in articles]
            self._write_then_tell(lambda c: records.set_read(c, articles, read, when), told)

    def save_position(
        self,
        article: ArticleSummary,
        paragraph: int,
        offset: int,
        progress: int,
        quote: str = "",
    ) -> None:
        """Remember where the reader is: paragraph, offset inside it, progress 0-100, and the
        text there (``anchoring.position_quote``), which finds the place again after edits."""
        when = records.now()
        place = {"paragraph": max(0, paragraph), "offset": max(0, offset)}
        kept = min(100, max(0, progress))
        told = [article_change("position", article, **place, progress=kept, quote=quote)]
        self._write_then_tell(
            lambda c: records.save_position(c, article, paragraph, offset, progress, when, quote),
            told,
        )

    # --- stars, tags, saved searches, settings ---------------------------------------------

    def set_starred(self, article: ArticleSummary, starred: bool | None = None) -> ReadingState:
        """Star (True) or unstar (False) an article, or turn its star over (None)."""
        when = records.now()

        def op(conn: sqlite3.Connection) -> tuple[ReadingState, list[ChangeItem]]:
            state = organising.set_starred(conn, article, starred, when)
            return state, [article_change("star", article, starred=state.starred)]

        return self._write_told(op)

    def change_tags(
        self,
        article: ArticleSummary,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        *,
        replace: bool = False,
    ) -> ReadingState:
        """Add and remove the user's tags on an article (``replace``: ``add`` becomes its
        whole set). Raises ValueError (one line) for an empty or unprintable name."""
        adding = [tags.normalise(t) for t in add]
        removing = [tags.normalise(t) for t in remove]
        when = records.now()

        def op(conn: sqlite3.Connection) -> tuple[ReadingState, list[ChangeItem]]:
            row = conn.execute("SELECT tags FROM articles WHERE id = ?", (article.id,)).fetchone()
            before = records.tags_of(row[0]) if row else ()
            state = organising.change_tags(conn, article, adding, removing, when, replace)
            return state, tag_changes(article, before, state.tags, adding)

        return self._write_told(op)

    def tags_in_use(self) -> list[str]:
        """Every tag the user has put on some article, one spelling each, sorted."""
        return self._file.read(organising.tags_in_use)

    def save_search(self, name: str, query: str, sort: str = "relevance") -> SavedSearch:
        """Keep ``query`` under ``name`` (a search of that name, in any case, is replaced).
        Raises ValueError (one line) for a bad name, an empty query or an unknown sort."""
        name = tags.normalise(name, "saved search")
        query = " ".join(clean_text(query).split())
        if not query:
            raise ValueError("the query is empty")
        if sort not in organising.SORTS:
            raise ValueError(f"sort must be one of: {', '.join(organising.SORTS)}")
        when = records.now()

        def op(conn: sqlite3.Connection) -> tuple[SavedSearch, list[ChangeItem]]:
            saved = organising.save_search(conn, name, query, sort, when)
            body = {"name": saved.name, "query": saved.query, "sort": saved.sort}
            return saved, [("search", tags.key(saved.name), body)]

        return self._write_told(op)

    def remove_search(self, name: str) -> SavedSearch | None:
        """Forget a saved search; returns it, or None when there is none of that name."""

        def op(conn: sqlite3.Connection) -> tuple[SavedSearch | None, list[ChangeItem]]:
            gone = organising.remove_search(conn, name)
            return gone, [("unsearch", tags.key(gone.name), {})] if gone is not None else []

        return self._write_told(op)

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return self._file.read(organising.saved_searches)

    def saved_search(self, name: str) -> SavedSearch | None:
        """One saved search by name (any case), or None."""
        return self._file.read(lambda c: organising.saved_search(c, name))

    def mark_seen(self, name: str, ids: Iterable[str]) -> SavedSearch | None:
        """The user looked at a saved search while it matched ``ids`` (article ids and
        content hashes, ``SavedSearch.seen``): none of them is new."""
        ids = list(ids)
        when = records.now()
        return self._file.write(lambda c: organising.mark_seen(c, name, ids, when))

    def setting(self, key: str) -> str | None:
        """A remembered setting, or None."""
        return self._file.read(lambda c: organising.setting(c, key))

    def set_setting(self, key: str, value: str) -> None:
        """Remember a setting (the list's sort order, …)."""
        when = records.now()
        told: list[ChangeItem] = [("setting", key, {"value": value})]
        self._write_then_tell(lambda c: organising.set_setting(c, key, value, when), told)

    # --- bookmarks ------------------------------------------------------------------------

    def add_bookmark(
        self,
        article: Article,
        paragraph: int,
        start: int = 0,
        end: int | None = None,
        note: str = "",
    ) -> Bookmark:
        """Bookmark ``paragraphs[paragraph][start:end]`` (whole paragraph when ``end`` is
        None). Raises ValueError for a paragraph that does not exist or an empty span."""
        passage = anchoring.capture(article.paragraphs, paragraph, start, end)
        note = clean_text(note)  # shown on screen: no terminal escapes, pasted or not
        when = records.now()
        bookmark = Bookmark(
            uuid=str(uuidlib.uuid4()),
            article_id=article.id,
            article_title=article.title,
            quote=passage.quote,
            prefix=passage.prefix,
            suffix=passage.suffix,
            paragraph=passage.paragraph,
            start=passage.start,
            end=passage.end,
            note=note,
            created=when,
            updated=when,
        )
        summary = article.summary
        told = [bookmark_change(bookmark, summary.content_hash, str(summary.path))]

        def op(conn: sqlite3.Connection) -> tuple[Bookmark, list[ChangeItem]]:
            records.ensure_article(conn, summary, when)
            records.put_bookmark(conn, bookmark)
            return bookmark, told

        return self._write_told(op)

    def update_note(self, uuid: str, note: str) -> Bookmark | None:
        """Change a bookmark's note; None when there is no such bookmark."""
        note = clean_text(note)
        when = records.now()

        def op(conn: sqlite3.Connection) -> tuple[Bookmark | None, list[ChangeItem]]:
            updated = records.update_note(conn, uuid, note, when)
            return updated, [("note", uuid, {"note": note})] if updated is not None else []

        return self._write_told(op)

    def save_note(self, bookmark: Bookmark, note: str) -> tuple[Bookmark, bool]:
        """Set ``bookmark``'s note. If it was deleted meanwhile (by another instance), the note
        is not dropped: it is saved on a new bookmark of the same passage, and the second
        value is True."""
        note = clean_text(note)
        when = records.now()

        def op(conn: sqlite3.Connection) -> tuple[tuple[Bookmark, bool], list[ChangeItem]]:
            updated = records.update_note(conn, bookmark.uuid, note, when)
            if updated is not None:
                return (updated, False), [("note", updated.uuid, {"note": note})]
            again = replace(
                bookmark, uuid=str(uuidlib.uuid4()), note=note, created=when, updated=when
            )
            records.put_bookmark(conn, again)
            return (again, True), [restored_change(conn, again)]

        return self._write_told(op)

    def delete_bookmark(self, uuid: str) -> Bookmark | None:
        """Delete a bookmark; returns it (for undo), or None when there was none."""

        def op(conn: sqlite3.Connection) -> tuple[Bookmark | None, list[ChangeItem]]:
            gone = records.delete_bookmark(conn, uuid)
            return gone, [("unbookmark", uuid, {})] if gone is not None else []

        return self._write_told(op)

    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Undo a delete: put the bookmark back with the same uuid."""

        def op(conn: sqlite3.Connection) -> tuple[None, list[ChangeItem]]:
            records.put_bookmark(conn, bookmark)
            return None, [restored_change(conn, bookmark)]

        self._write_told(op)

    def bookmarks(self, article_id: str | None = None) -> list[Bookmark]:
        """Bookmarks of one article in text order, or all of them, oldest first."""
        return self._file.read(lambda c: records.list_bookmarks(c, article_id))

    def anchor(self, bookmark: Bookmark, article: Article) -> Anchor | None:
        """Re-attach a bookmark to the article's current text. None means orphaned (and it
        is recorded as orphaned); a found passage clears the flag and updates its position."""
        passage = anchoring.Passage(
            bookmark.quote,
            bookmark.prefix,
            bookmark.suffix,
            bookmark.paragraph,
            bookmark.start,
            bookmark.end,
        )
        found = anchoring.locate(article.paragraphs, passage)
        if found is None:
            if not bookmark.orphaned:
                self._file.write(lambda c: records.set_anchor(c, bookmark.uuid, None))
        elif bookmark.orphaned or (found.paragraph, found.start, found.end) != (
            bookmark.paragraph,
            bookmark.start,
            bookmark.end,
        ):
            self._file.write(lambda c: records.set_anchor(c, bookmark.uuid, found))
        return found

    # --- backup ---------------------------------------------------------------------------

    def backup_records(self) -> backup.BackupData:
        """Every stored record, for ``export``."""
        return self._file.read(backup.dump)

    def merge_records(self, data: backup.BackupData) -> backup.ImportReport:
        """Merge records from a backup: newer wins per record, so it is idempotent."""

        def op(conn: sqlite3.Connection) -> tuple[backup.ImportReport, list[ChangeItem]]:
            report = backup.merge(conn, data)
            articles, bookmarks = set(report.changed_articles), set(report.changed_bookmarks)
            searches, settings = set(report.changed_searches), set(report.changed_settings)
            taken = backup.BackupData(
                [a for a in data.articles if a["id"] in articles],
                [b for b in data.bookmarks if b["uuid"] in bookmarks],
                [s for s in data.saved_searches if s["name"] in searches],
                [s for s in data.settings if s["key"] in settings],
            )
            return report, from_backup(taken, unstars=True)

        return self._write_told(op)
