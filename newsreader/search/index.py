"""SearchIndex: keeps a library's Whoosh index current and answers ranked queries.

Whoosh is imported inside the methods that need it (``import whoosh`` costs ~100 ms and the
TUI imports this package at start-up).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.library.packed import ids_by_path, patched_ids
from newsreader.search import freshness, generations
from newsreader.search.results import IndexReport, SearchResult
from newsreader.search.schema_version import SCHEMA_VERSION

if TYPE_CHECKING:
    from newsreader.library import Library, LibraryScan
    from newsreader.search.build import Extra, Share
    from newsreader.search.doc_map import DocMap
    from newsreader.search.engine import Engine
    from newsreader.search.related import RelatedHit
    from newsreader.search.spelling import Vocabulary
    from newsreader.search.vocab import SegmentWords
    from newsreader.search.whoosh_read import Index, Searcher


class DamagedIndexError(Exception):
    """An update found the index unreadable and left the rebuild to ``on_damage``'s owner."""


class SearchIndex:
    """One library's index. Safe to share between two threads: one may update while another
    searches; searches answer from the last committed state."""

    def __init__(self, index_dir: Path, *, on_damage: Callable[[], None] | None = None) -> None:
        """``on_damage``: called instead of rebuilding here when a read (a search, or an
        update, which then raises ``DamagedIndexError``) finds the index damaged; the app
        passes one so that its index job (which sends large builds to a child process) does
        the rebuild. Without it (the CLI) the index rebuilds in this thread."""
        self.index_dir = Path(index_dir)
        self._on_damage = on_damage
        self._write = threading.RLock()
        self._read = threading.Lock()
        self._searcher: Searcher | None = None
        self._reading: generations.ReaderLock | None = None
        self._had_index = False
        self._engine: Engine | None = None
        self._vocab: Vocabulary | None = None
        self._last_vocab: Vocabulary | None = None
        self._segment_words: SegmentWords = {}
        self._folder: Path | None = None
        self._current_stamp: tuple[int, int] | None = None
        self._ids: Mapping[str, str] = {}
        self._last: tuple[LibraryScan, Library] | None = None
        self._signatures: tuple[tuple[Path, int], dict[str, bytes]] | None = None
        self._wrote = False
        """Whether the update under way has committed (then the searcher is reopened)."""
        self._docs: DocMap | None = None

    def is_complete(self) -> bool:
        """Whether a usable index of the current format is on disk (else a full build is due)."""

        try:
            current = generations.read_current(self.index_dir)
        except Exception:
            return False
        return current is not None and current[0] == SCHEMA_VERSION

    # --- updating ---------------------------------------------------------------------------

    def update(
        self,
        scan: LibraryScan,
        library: Library,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        procs: int = 1,
        extra: Extra | None = None,
    ) -> IndexReport:
        """Bring the index in line with ``scan``: add, re-index and delete what changed.

        A full build happens when asked, when there is no index, or when it cannot be read.
        ``procs > 1`` forks worker processes for a full build: only pass it from the CLI.
        ``extra``: made of each article a full build reads (``IndexReport.extras``).
        """
        with self._write:
            self._ids = self._ids_for(scan)
            self._last = (scan, library)
            self._wrote = False
            try:
                with generations.write_lock(self.index_dir, generations.LOCK_WAIT):
                    report = self._update_locked(scan, library, rebuild, progress, procs, extra)
            except generations.LockBusy:
                if not self.is_complete():
                    notice = (
                        "another newsreader is building the search index; "
                        "search will work when it finishes"
                    )
                else:
                    notice = (
                        "another newsreader is updating the search index; "
                        "searching the last complete one"
                    )
                return IndexReport(unchanged=len(scan.articles), notice=notice)
            if self._wrote:  # else the open searcher (and its vocabulary) still holds
                self._reopen()
            return report

    def _ids_for(self, scan: LibraryScan) -> Mapping[str, str]:
        """Each article's id by path (hits carry ids): the last update's, patched, when
        ``scan`` was patched from that update's scan."""
        since, last, ids = scan.since, self._last, self._ids
        if since and since.state and last and last[0].state == since.state and type(ids) is dict:
            return patched_ids(ids, since.articles, since.gone)
        return ids_by_path(scan.articles)

    def _update_locked(
        self,
        scan: LibraryScan,
        library: Library,
        rebuild: bool,
        progress: Callable[[int, int], None] | None,
        procs: int,
        extra: Extra | None,
    ) -> IndexReport:
        current = generations.read_current(self.index_dir)
        notice: str | None = None
        if not rebuild:
            if current is None:
                if self._has_generations():
                    notice = "the search index was incomplete; rebuilt it"
            elif current[0] != SCHEMA_VERSION:
                notice = "the search index format changed; rebuilt it"
            elif freshness.holds(current[1], scan.state):
                return IndexReport(unchanged=len(scan.articles))  # no column read, no Whoosh
            else:
                try:
                    return self._incremental(current[1], scan, library, progress)
                except Exception as exc:  # any damage (ARCHITECTURE.md): the index is a cache
                    if self._on_damage is not None:  # rebuilt like any full build, elsewhere
                        self._on_damage()
                        raise DamagedIndexError(
                            f"the search index was unreadable ({_why(exc)}); rebuilding it"
                        ) from exc
                    notice = f"the search index was unreadable ({_why(exc)}); rebuilt it"
        built = self._rebuild(scan, library, progress, procs, extra)
        return IndexReport(
            added=built.documents,
            rebuilt=True,
            notice=notice,
            truncated=tuple(built.truncated),
            extras=built.extras,
        )

    def _rebuild(
        self,
        scan: LibraryScan,
        library: Library,
        progress: Callable[[int, int], None] | None,
        procs: int,
        extra: Extra | None = None,
    ) -> Share:
        from newsreader.search.build import full_build

        with generations.new_generation(self.index_dir) as folder:
            built = full_build(folder, scan.articles, library, progress, procs, extra)
            if built.documents == len(scan.articles):  # else a file failed: look again later
                freshness.record(folder, scan.state, built.sigs)
            self._wrote = True
            generations.publish(self.index_dir, folder, SCHEMA_VERSION)
        generations.collect_garbage(self.index_dir)
        return built

    def _incremental(
        self,
        folder: Path,
        scan: LibraryScan,
        library: Library,
        progress: Callable[[int, int], None] | None,
    ) -> IndexReport:
        from newsreader.search.incremental import IncrementalUpdate

        update = IncrementalUpdate(self._signatures)
        try:
            return update.run(folder, scan, library, progress)
        finally:
            self._signatures = update.signatures
            self._wrote = self._wrote or update.wrote

    def _has_generations(self) -> bool:
        try:
            return any(p.name.startswith(generations.GEN_PREFIX) for p in self.index_dir.iterdir())
        except OSError:
            return False

    # --- searching --------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        correct: bool = True,
        within: Collection[str] | None = None,
    ) -> SearchResult:
        """Ranked hits for ``query``; bad syntax gives a message or a literal search. When
        nothing matches, the hits are for the did-you-mean suggestion (``corrected``) unless
        ``correct`` is off. ``within`` (article paths) keeps the hits to those articles."""
        from newsreader.search.query import parse
        from newsreader.search.ranking import run_query

        parsed = parse(query)
        if parsed.query is None:
            return SearchResult(query, (), 0, error=parsed.error or "nothing to search for")
        for attempt in range(2):
            with self._read:
                try:
                    searcher = self._fresh_searcher()
                    if searcher is None:
                        return SearchResult(query, (), 0, error=_NO_INDEX)
                    return run_query(
                        searcher,
                        parsed,
                        query,
                        limit,
                        self._ids,
                        self._engine,
                        functools.partial(self._vocabulary, searcher),
                        correct,
                        None if within is None else self._doc_map(searcher).docnums(within),
                    )
                except Exception as exc:
                    self._close_searcher()
                    failure = exc
            if attempt == 0 and not self._heal():
                break
        advice = "rebuilding it" if self._on_damage else "run 'newsreader index --rebuild'"
        return SearchResult(query, (), 0, error=f"search index damaged ({_why(failure)}); {advice}")

    def ranked_paths(
        self, query: str, limit: int, *, within: Collection[str] | None = None
    ) -> tuple[list[str], int, str | None]:
        """The paths of the best ``limit`` articles for ``query`` as typed (no did-you-mean,
        no any-word fallback, no snippets: a saved search's list and counts), how many
        match, and a one-line error (the query cannot be read, no index yet)."""
        from newsreader.search.query import parse
        from newsreader.search.ranking import expand_fuzzy, rank_top

        parsed = parse(query)
        if parsed.query is None:
            return [], 0, parsed.error or "nothing to search for"
        with self._read:
            try:
                searcher = self._fresh_searcher()
                if searcher is None or self._engine is None:
                    return [], 0, _NO_INDEX
                used = expand_fuzzy(parsed, functools.partial(self._vocabulary, searcher))
                keep = None if within is None else self._doc_map(searcher).docnums(within)
                top = rank_top(searcher, self._engine, used.query, limit, keep)
                paths = self._doc_map(searcher).paths()
            except Exception as exc:
                self._close_searcher()
                return [], 0, f"search index damaged ({_why(exc)})"
        return [paths[d] for d, _score in top.hits if d in paths], top.total, parsed.error

    def _doc_map(self, searcher: Searcher) -> DocMap:
        from newsreader.search.doc_map import DocMap

        if self._docs is None or self._docs.searcher is not searcher:
            self._docs = DocMap(searcher)
        return self._docs

    def suggest(self, query: str) -> SearchResult:
        """The did-you-mean suggestion for ``query`` (None: the query stands), without
        searching: ``hits`` and ``total`` are empty."""
        from newsreader.search.query import parse
        from newsreader.search.ranking import suggest, word_counter

        parsed = parse(query)
        if parsed.query is None:
            return SearchResult(query, (), 0, error=parsed.error or "nothing to search for")
        with self._read:
            try:
                searcher = self._fresh_searcher()
                if searcher is None:
                    return SearchResult(query, (), 0, error=_NO_INDEX)
                suggestion = suggest(
                    lambda: self._vocabulary(searcher), parsed, word_counter(searcher)
                )
            except Exception as exc:
                self._close_searcher()
                return SearchResult(
                    query,
                    (),
                    0,
                    error=f"search index damaged ({_why(exc)}); run 'newsreader index --rebuild'",
                )
        return SearchResult(query, (), 0, suggestion=suggestion)

    def related(
        self, path: str, limit: int = 10, exclude: Collection[str] = ()
    ) -> tuple[RelatedHit, ...] | None:
        """Articles related to the one at ``path`` (``related.py``), without those in
        ``exclude``; None when it is not indexed. Raises when the index cannot be read."""
        from newsreader.search.related import related_hits
        from newsreader.search.schema import path_key

        with self._read:
            searcher = self._fresh_searcher()
            if searcher is None:
                return None
            return related_hits(searcher, path_key(path), self._ids, limit, exclude)

    def warm_spelling(self) -> None:
        """Read the vocabulary and build its candidate index now, off the typing path: the
        first misspelt word typed is then answered at typing speed, not after the build.
        Outside the read lock: the index is built apart and then set in one assignment."""
        with self._read:
            try:
                searcher = self._fresh_searcher()
                vocab = None if searcher is None else self._vocabulary(searcher)
            except Exception:
                return  # a damaged index heals on the next search
        if vocab is not None:
            vocab.prepare()

    def spelling_ready(self) -> bool:
        """Is the open generation's candidate index built (``warm_spelling`` has nothing to
        do)?"""
        vocab = self._vocab
        return vocab is not None and vocab.prepared

    def _vocabulary(self, searcher: Searcher) -> Vocabulary:
        """The open generation's surface words (read once per searcher)."""
        if self._vocab is None:
            from newsreader.search.vocab import library_vocabulary

            self._vocab = self._last_vocab = library_vocabulary(
                searcher, self._folder, self._segment_words, self._last_vocab
            )
        return self._vocab

    def _heal(self) -> bool:
        """Rebuild after a failed read, when an update has told us the library; with
        ``on_damage``, ask the owner to rebuild instead (False: nothing to answer from yet)."""
        if self._on_damage is not None:
            self._on_damage()
            return False
        if self._last is None:
            return False
        scan, library = self._last
        try:
            self.update(scan, library, rebuild=True)
        except Exception:
            return False
        return True

    def _fresh_searcher(self) -> Searcher | None:
        """The shared searcher, reopened when another writer published or committed."""
        stamp = self._stamp()
        if (
            self._searcher is not None
            and stamp == self._current_stamp
            and self._searcher.up_to_date()
        ):
            return self._searcher
        self._close_searcher()
        current = generations.open_current(self.index_dir)

        if current is None or current[0] != SCHEMA_VERSION:
            if current is not None:
                current[2].release()
            if self._had_index:  # the live index vanished under us: heal it like damage
                raise RuntimeError("the search index pointer is missing or damaged")
            return None
        from newsreader.search.engine import Engine

        self._reading = current[2]
        ix = open_generation(current[1])
        self._folder = current[1]
        self._searcher = searcher = ix.searcher()
        generations.collect_garbage(self.index_dir)  # what crashed readers left
        self._had_index = True
        self._engine = Engine(searcher)
        self._current_stamp = stamp
        return searcher

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.index_dir / generations.CURRENT)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    def _reopen(self) -> None:
        """Drop the searcher after a commit; the next search opens a fresh one (~30 ms).

        Not ``Searcher.refresh()``: it reuses a segment's reader by segment id and so keeps
        showing documents deleted from that segment since."""
        with self._read:
            self._close_searcher()

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            with contextlib.suppress(Exception):
                self._searcher.close()
        self._searcher = None
        self._engine = None
        self._vocab = None
        self._current_stamp = None
        if self._reading is not None:
            self._reading.release()
            self._reading = None
            generations.collect_garbage(self.index_dir)  # the one let go, if it is old now

    def close(self) -> None:
        """Release open files. The object can still be used; it reopens lazily."""
        with self._read:
            self._close_searcher()


_NO_INDEX = "the search index is not built yet (run 'newsreader index')"


def open_generation(folder: Path) -> Index:
    """Open a Whoosh index generation (``whoosh_read.open_generation``)."""
    from newsreader.search.whoosh_read import open_generation as open_folder

    return open_folder(folder)


def _why(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:80] if str(exc) else ""
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
