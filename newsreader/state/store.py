"""The StateStore: the user's reading state and bookmarks, the one thing newsreader cannot
rebuild. Safe to call from several threads (Textual thread workers).

Connections: a small pool, one connection per call, so readers in WAL mode never wait for a
writer. Writes: one at a time per process (a lock), each in ``BEGIN IMMEDIATE`` with a short
busy timeout. When the file cannot be written (disk full, read-only, locked too long) the
store copies what it has into memory, keeps working there, says so in ``notices``, and every
few seconds tries to write the kept changes back.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid as uuidlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from newsreader.library import Article, ArticleSummary
from newsreader.state import anchoring, backup, db, opening, records, snapshots
from newsreader.state.models import Anchor, Bookmark, ReadingState

T = TypeVar("T")

RETRY_INTERVAL_S = 5.0
"""How often, at most, the store tries the file again while changes are kept in memory."""
_POOL_MAX = 4
_SNAPSHOT_CHECK_S = 60.0


class StateStore:
    """Reading state and bookmarks in one SQLite file. Open with ``StateStore.open``."""

    def __init__(self, path: Path, snapshot_dir: Path | None, opened: opening.Opened) -> None:
        self.path = path
        self.snapshot_dir = snapshot_dir
        self.notices: list[str] = list(opened.notices)
        """One-line messages for the user, oldest first (restored, read-only, not saving…)."""
        self._lock = threading.RLock()  # writes, mode switches, the in-memory connection
        self._pool_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._generation = 0
        self._memory = opened.memory
        self._reason = opened.reason
        self._retry = opened.retry
        self._next_retry = time.monotonic() + RETRY_INTERVAL_S
        self._pending: list[db.Op[Any]] = []
        self._watch: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._seen_serial = 0
        self._own_serials: set[int] = set()
        self._mode_changed = False
        self._closed = False
        self._snapshot_checked = time.monotonic()
        if opened.disk is not None:
            self._idle.append(opened.disk)
            self._start_watch()

    @classmethod
    def open(cls, path: Path, snapshot_dir: Path | None = None) -> StateStore:
        """Open the state file; never raises for a broken or unwritable file: it degrades and
        says so in ``notices``."""
        return cls(path, snapshot_dir, opening.open_state(path, snapshot_dir))

    # --- status ---------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        """False while changes are kept in memory only (disk full, read-only, newer schema)."""
        return self._memory is None

    @property
    def reason(self) -> str | None:
        """Why changes are not being saved, or None."""
        return self._reason

    @property
    def pending_changes(self) -> int:
        """Changes made since saving stopped, waiting to be written."""
        return len(self._pending)

    def retry_saving(self) -> bool:
        """Try now to write changes kept in memory back to the file; True when saving."""
        with self._lock:
            return self._resume(force=True)

    def has_changed(self) -> bool:
        """Whether another connection or process committed since the last call."""
        # A short wait at most: this is polled from the UI thread.
        if not self._lock.acquire(timeout=0.05):
            return False
        try:
            changed, self._mode_changed = self._mode_changed, False
            if self._watch is None:
                return changed
            try:
                version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
                if version == self._data_version:
                    return changed
                self._data_version = version
                current = records.serial(self._watch)
            except sqlite3.Error:
                return changed
            commits = current - self._seen_serial
            own = sum(1 for s in self._own_serials if self._seen_serial < s <= current)
            self._own_serials = {s for s in self._own_serials if s > current}
            self._seen_serial = current
            return changed or commits > own
        finally:
            self._lock.release()

    def close(self) -> None:
        """Write back kept changes if possible, then close every connection."""
        with self._lock:
            if self._closed:
                return
            if self._pending and not self._resume(force=True):
                self.notices.append(f"{len(self._pending)} changes were not saved")
            self._closed = True
            with self._pool_lock:
                idle, self._idle = self._idle, []
                self._generation += 1
            for conn in idle:
                db.close_quietly(conn)
            db.close_quietly(self._watch)
            db.close_quietly(self._memory)
            self._watch = None

    # --- reading state --------------------------------------------------------------------

    def reading_states(self, articles: Iterable[ArticleSummary]) -> dict[str, ReadingState]:
        """The state of every article, by article id; follows renames by content hash."""
        articles = list(articles)
        rows = self._read(records.article_rows)
        by_id = {str(r[0]): r for r in rows}
        current = {a.id for a in articles}
        hashes: dict[str, list[tuple[Any, ...]]] | None = None
        states: dict[str, ReadingState] = {}
        renames: list[tuple[str, ArticleSummary]] = []
        for a in articles:
            row = by_id.get(a.id)
            if row is None:
                if hashes is None:
                    hashes = records.by_hash(r for r in rows if str(r[0]) not in current)
                row = records.renamed_from(hashes, a, current)
                if row is not None:
                    renames.append((str(row[0]), a))
                    hashes[a.content_hash].remove(row)  # one old row moves to one new file
            states[a.id] = records.state_of(row, a.id) if row else ReadingState(a.id)
        if renames:
            when = records.now()

            def follow(conn: sqlite3.Connection) -> None:
                for old, article in renames:
                    records.rekey(conn, old, article, when)

            self._write(follow)
        return states

    def reading_state(self, article: ArticleSummary) -> ReadingState:
        """The state of one article; follows a rename by content hash."""
        row = self._read(lambda c: records.find_row(c, article))
        if row is None:
            return ReadingState(article.id)
        if row[0] != article.id:
            when = records.now()
            self._write(lambda c: records.rekey(c, str(row[0]), article, when))
        return records.state_of(row, article.id)

    def mark_opened(self, article: ArticleSummary) -> ReadingState:
        """Opening an article marks it read and records the first and last time."""
        when = records.now()
        return self._write(lambda c: records.mark_opened(c, article, when))

    def set_read(self, articles: Iterable[ArticleSummary], read: bool) -> None:
        """Mark articles read or unread."""
        articles = list(articles)
        if articles:
            when = records.now()
            self._write(lambda c: records.set_read(c, articles, read, when))

    def save_position(
        self, article: ArticleSummary, paragraph: int, offset: int, progress: int
    ) -> None:
        """Remember where the reader is: paragraph, offset inside it, and progress 0-100."""
        when = records.now()
        self._write(lambda c: records.save_position(c, article, paragraph, offset, progress,
                                                    when))

    # --- bookmarks ------------------------------------------------------------------------

    def add_bookmark(
        self, article: Article, paragraph: int, start: int = 0, end: int | None = None,
        note: str = "",
    ) -> Bookmark:
        """Bookmark ``paragraphs[paragraph][start:end]`` (whole paragraph when ``end`` is
        None). Raises ValueError for a paragraph that does not exist or an empty span."""
        passage = anchoring.capture(article.paragraphs, paragraph, start, end)
        when = records.now()
        bookmark = Bookmark(
            uuid=str(uuidlib.uuid4()), article_id=article.id, article_title=article.title,
            quote=passage.quote, prefix=passage.prefix, suffix=passage.suffix,
            paragraph=passage.paragraph, start=passage.start, end=passage.end,
            note=note, created=when, updated=when,
        )
        summary = article.summary

        def op(conn: sqlite3.Connection) -> None:
            records.ensure_article(conn, summary, when)
            records.put_bookmark(conn, bookmark)

        self._write(op)
        return bookmark

    def update_note(self, uuid: str, note: str) -> Bookmark | None:
        """Change a bookmark's note; None when there is no such bookmark."""
        when = records.now()
        return self._write(lambda c: records.update_note(c, uuid, note, when))

    def delete_bookmark(self, uuid: str) -> Bookmark | None:
        """Delete a bookmark; returns it (for undo), or None when there was none."""
        return self._write(lambda c: records.delete_bookmark(c, uuid))

    def restore_bookmark(self, bookmark: Bookmark) -> None:
        """Undo a delete: put the bookmark back with the same uuid."""
        self._write(lambda c: records.put_bookmark(c, bookmark))

    def bookmarks(self, article_id: str | None = None) -> list[Bookmark]:
        """Bookmarks of one article in text order, or all of them, oldest first."""
        return self._read(lambda c: records.list_bookmarks(c, article_id))

    def anchor(self, bookmark: Bookmark, article: Article) -> Anchor | None:
        """Re-attach a bookmark to the article's current text. None means orphaned (and it
        is recorded as orphaned); a found passage clears the flag and updates its position."""
        passage = anchoring.Passage(bookmark.quote, bookmark.prefix, bookmark.suffix,
                                    bookmark.paragraph, bookmark.start, bookmark.end)
        found = anchoring.locate(article.paragraphs, passage)
        if found is None:
            if not bookmark.orphaned:
                self._write(lambda c: records.set_anchor(c, bookmark.uuid, None))
        elif bookmark.orphaned or (found.paragraph, found.start, found.end) != (
            bookmark.paragraph, bookmark.start, bookmark.end
        ):
            self._write(lambda c: records.set_anchor(c, bookmark.uuid, found))
        return found

    # --- backup ---------------------------------------------------------------------------

    def backup_records(self) -> backup.BackupData:
        """Every stored record, for ``export``."""
        return self._read(backup.dump)

    def merge_records(self, data: backup.BackupData) -> backup.ImportReport:
        """Merge records from a backup: newer wins per record, so it is idempotent."""
        return self._write(lambda c: backup.merge(c, data))

    # --- plumbing -------------------------------------------------------------------------

    def _read(self, op: db.Op[T]) -> T:
        if self._memory is not None:
            with self._lock:
                if self._memory is not None:
                    return op(self._memory)
        failed: BaseException
        try:
            conn, generation = self._checkout()
        except (sqlite3.Error, OSError) as exc:
            failed = exc
        else:
            try:
                return db.run_read(conn, op)
            except (sqlite3.Error, OSError) as exc:
                if db.failure(exc) is db.Failure.OTHER:
                    raise
                failed = exc
            finally:
                self._checkin(conn, generation)
        with self._lock:
            if self._memory is None:
                self._fail_over(failed)
            assert self._memory is not None
            return op(self._memory)

    def _write(self, op: db.Op[T]) -> T:
        with self._lock:
            if self._closed:
                raise RuntimeError("the state store is closed")
            if self._memory is not None:
                self._resume()
            if self._memory is None:
                try:
                    return self._write_disk(op)
                except (sqlite3.Error, OSError) as exc:
                    if db.failure(exc) is db.Failure.OTHER:
                        raise
                    self._fail_over(exc)
            assert self._memory is not None
            result = db.run_write(self._memory, op)
            self._pending.append(op)
            return result

    def _write_disk(self, op: db.Op[T]) -> T:
        conn, generation = self._checkout()
        try:
            result, serial = db.run_write(conn, lambda c: (op(c), records.bump_serial(c)))
        finally:
            self._checkin(conn, generation)
        self._own_serials.add(serial)
        self._maybe_snapshot()
        return result

    def _checkout(self) -> tuple[sqlite3.Connection, int]:
        with self._pool_lock:
            if self._closed:
                raise RuntimeError("the state store is closed")
            generation = self._generation
            if self._idle:
                return self._idle.pop(), generation
        # mode=rw: if the file vanished, fail instead of creating an empty one.
        return db.connect(self.path, mode="mode=rw"), generation

    def _checkin(self, conn: sqlite3.Connection, generation: int) -> None:
        with self._pool_lock:
            if generation == self._generation and len(self._idle) < _POOL_MAX:
                self._idle.append(conn)
                return
        db.close_quietly(conn)

    def _fail_over(self, exc: BaseException) -> None:
        """Stop writing to the file: continue on an in-memory copy of what it holds."""
        memory = db.memory_db()
        try:
            conn, generation = self._checkout()
            try:
                conn.backup(memory)
            finally:
                self._checkin(conn, generation)
        except (sqlite3.Error, OSError, RuntimeError):
            memory.close()
            memory = opening.read_copy(self.path) or opening.empty_memory()
        with self._pool_lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for conn in idle:
            db.close_quietly(conn)
        db.close_quietly(self._watch)
        self._watch = None
        self._memory = memory
        self._reason = db.describe(exc)
        self._retry = True
        self._next_retry = time.monotonic() + RETRY_INTERVAL_S
        self._mode_changed = True
        self.notices.append(
            f"not saving: {self._reason}; changes are kept in memory "
            "and will be written when the state file can be written again"
        )

    def _resume(self, force: bool = False) -> bool:
        """Back to the file when it can be written again, replaying the kept changes."""
        if self._memory is None:
            return True
        if not self._retry or (not force and time.monotonic() < self._next_retry):
            return False
        self._next_retry = time.monotonic() + RETRY_INTERVAL_S
        pending = list(self._pending)

        def replay(conn: sqlite3.Connection) -> int:
            for op in pending:
                op(conn)
            return records.bump_serial(conn)

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = opening.open_disk(self.path, self.snapshot_dir)
        except Exception:  # still unusable, for whatever reason: keep waiting
            return False
        try:
            serial = db.run_write(conn, replay)
        except (sqlite3.Error, OSError):
            db.close_quietly(conn)
            return False
        self._own_serials.add(serial)
        with self._pool_lock:
            self._generation += 1
            self._idle = [conn]
        db.close_quietly(self._memory)
        self._memory, self._reason = None, None
        self._pending.clear()
        self._mode_changed = True
        self._start_watch()
        self.notices.append(f"saving again: wrote {len(pending)} kept changes to {self.path}")
        return True

    def _start_watch(self) -> None:
        try:
            self._watch = db.connect(self.path, mode="mode=rw")
            self._data_version = int(self._watch.execute("PRAGMA data_version").fetchone()[0])
            self._seen_serial = records.serial(self._watch)
        except sqlite3.Error:
            db.close_quietly(self._watch)
            self._watch = None

    def _maybe_snapshot(self) -> None:
        if self.snapshot_dir is None:
            return
        if time.monotonic() - self._snapshot_checked < _SNAPSHOT_CHECK_S:
            return
        self._snapshot_checked = time.monotonic()
        if not snapshots.due(self.snapshot_dir):
            return
        conn, generation = self._checkout()
        try:
            if snapshots.has_data(conn):
                snapshots.take(conn, self.snapshot_dir)
        except (OSError, sqlite3.Error) as exc:
            self.notices.append(f"could not write a snapshot ({db.describe(exc)})")
        finally:
            self._checkin(conn, generation)
