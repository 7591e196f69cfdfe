"""The app's link to the reading-state store and the search index. Plain Python, no Textual.

Everything here blocks (SQLite, Whoosh, disk), so the app calls it from thread workers only.
Store writes go through one writer thread so they keep their order and never run on the UI
thread; reads may come from any worker (the store and the index are thread-safe).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from newsreader.context import AppContext

if TYPE_CHECKING:
    from newsreader.app.first_scan import FirstScan
    from newsreader.library import LibraryScan
    from newsreader.search import IndexReport, SearchResult
    from newsreader.search.index import SearchIndex
    from newsreader.search.related import RelatedHit
    from newsreader.state import StateStore

T = TypeVar("T")
Progress = Callable[[int, int], None]


class Session:
    """Owns the store, the index and the writer thread for one run of the app."""

    def __init__(self, ctx: AppContext, first_scan: FirstScan | None = None) -> None:
        self.ctx = ctx
        ctx.library.packed = True  # the app holds the list for hours and draws a screenful
        ctx.library.watch_folders = True  # polled every few seconds: no walk when unchanged
        self._first_scan = first_scan
        self.problems: list[str] = []
        """One-line messages about parts that do not work (shown as a persistent notice)."""
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsreader-state")
        self._closed = False
        self._store: StateStore | None = None
        self._store_opened: Future[StateStore | None] | None = None
        self._open_lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self.on_store_change: Callable[[], None] | None = None
        """Called (on the writer thread) after each change made here is recorded for sync."""
        self.on_index_damage: Callable[[], None] | None = None
        """Called (from any thread) when a search finds the index damaged, so that the owner
        rebuilds it through the index job; without one the index rebuilds where it was read."""

    # --- reading state ---------------------------------------------------------------------

    def _open_store(self) -> StateStore | None:
        from newsreader.state import StateStore

        try:
            # No folder check first: the store makes it, or works in memory and says why.
            self._store = StateStore.open(self.ctx.paths.state_file, self.ctx.paths.snapshot_dir)
            from newsreader.app.sync import attach

            attach(self._store, self.ctx.paths, self._store_changed)
        except Exception as exc:  # any failure leaves the app usable for reading
            self.problems.append(f"Reading state unavailable: {exc}")
            return None
        return self._store

    def _store_changed(self) -> None:
        if self.on_store_change is not None:
            self.on_store_change()

    def _opening(self) -> Future[StateStore | None]:
        # Opened on first use, not at start: its imports and SQLite work would compete with
        # the first paint for the interpreter, and the list needs no store to be drawn.
        with self._open_lock:
            if self._store_opened is None:
                self._store_opened = self._writer.submit(self._open_store)
            return self._store_opened

    def store(self) -> StateStore | None:
        """The opened store, waiting for it to open; None when it could not be opened."""
        return self._opening().result()

    def store_notices(self) -> tuple[list[str], bool]:
        """The store's own notices and whether it can save (False: changes will be lost)."""
        store = self.store()
        if store is None:
            return list(self.problems), False
        return [*self.problems, *store.notices], bool(store.saving)

    def write(self, change: Callable[[StateStore], T]) -> Future[T | None]:
        """Queue ``change(store)`` on the writer thread; its result is None without a store."""

        def run() -> T | None:
            store = self._store
            return None if store is None else change(store)

        if self._closed:
            done: Future[T | None] = Future()
            done.set_result(None)
            return done
        self._opening()  # queued before the write, so the write finds the store open
        return self._writer.submit(run)

    # --- the library -----------------------------------------------------------------------

    def _early_scan(self) -> FirstScan | None:
        # Only for the library in use: a switch of library before it is used drops it.
        first = self._first_scan
        return first if first is not None and first.library is self.ctx.library else None

    def first_list(self) -> LibraryScan | None:
        """Something to paint now: the early scan's result, else what the last run found
        (the scan then confirms or replaces it); None when neither is ready (never waits)."""
        first = self._early_scan()
        if first is None:
            return None
        return first.ready() or first.remembered()

    def first_scan(self, progress: Progress | None = None) -> LibraryScan:
        """The library's first scan: the one started before the app (``FirstScan``) when there
        is one for this library, else a scan now."""
        first, self._first_scan = self._early_scan(), None
        if first is not None:
            return first.wait(progress)
        return self.ctx.library.scan(progress=progress)

    # --- search ----------------------------------------------------------------------------

    def index(self) -> SearchIndex:
        """The search index, opened on first use (importing Whoosh costs ~100 ms)."""
        with self._index_lock:
            if self._index is None:
                from newsreader.paths import ensure_dir
                from newsreader.search.index import SearchIndex

                ensure_dir(self.ctx.paths.index_root, "cache")
                heal = self._index_damaged if self.on_index_damage is not None else None
                self._index = SearchIndex(self.ctx.index_dir, on_damage=heal)
            return self._index

    def _index_damaged(self) -> None:
        if self.on_index_damage is not None:
            self.on_index_damage()

    def search(self, query: str, limit: int = 40, *, correct: bool = True) -> SearchResult:
        """Ranked hits for ``query`` from whatever index is on disk now (for the suggestion
        when nothing matches, unless ``correct`` is off)."""
        return self.index().search(query, limit=limit, correct=correct)

    def related(
        self, path: str, exclude: Collection[str], limit: int = 20
    ) -> tuple[RelatedHit, ...] | None:
        """Articles related to the one at ``path``, without those at ``exclude`` (its
        versions); None when it is not indexed yet."""
        return self.index().related(path, limit=limit, exclude=exclude)

    def warm_spelling(self) -> None:
        """Get did-you-mean ready before the first typo is typed (in a worker)."""
        self.index().warm_spelling()

    def update_index(
        self, scan: LibraryScan, *, rebuild: bool = False, progress: Progress | None = None
    ) -> IndexReport:
        """Bring the index up to date with ``scan`` (incremental unless ``rebuild``)."""
        return self.index().update(scan, self.ctx.library, rebuild=rebuild, progress=progress)

    def use_context(self, ctx: AppContext) -> None:
        """Switch to another library of the same user (same store): the index of its roots
        opens on next use. Called from the library worker, between two index updates."""
        with self._index_lock:
            old, self._index = self._index, None
            ctx.library.packed = True
            ctx.library.watch_folders = True
            self.ctx.library.stop_watching()
            self.ctx = ctx
        if old is not None:
            old.close()  # a search still using it reopens its files; nothing is lost

    # --- shutdown --------------------------------------------------------------------------

    def close(self) -> None:
        """Finish queued writes, then close the store and the index."""
        if self._closed:
            return
        self._closed = True
        self._writer.shutdown(wait=True)
        self.ctx.library.stop_watching()
        if self._store is not None:
            self._store.close()
        with self._index_lock:
            if self._index is not None:
                self._index.close()
                self._index = None
