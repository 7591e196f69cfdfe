"""SearchIndex: keeps a library's Whoosh index current and answers ranked queries.

Whoosh is imported inside the methods that need it (``import whoosh`` costs ~100 ms and the
TUI imports this package at start-up).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.search import generations
from newsreader.search.index_update import IndexUpdates, why
from newsreader.search.results import SearchResult
from newsreader.search.schema_version import SCHEMA_VERSION

if TYPE_CHECKING:
    from newsreader.search.doc_map import DocMap
    from newsreader.search.engine import Engine
    from newsreader.search.related import RelatedHit
    from newsreader.search.spelling import Vocabulary
    from newsreader.search.vocab import SegmentWords
    from newsreader.search.whoosh_read import Index, Searcher


class SearchIndex(IndexUpdates):
    """One library's index. Safe to share between two threads: one may update while another
    searches; searches answer from the last committed state. The updating is
    ``IndexUpdates``'s."""

    def __init__(self, index_dir: Path, *, on_damage: Callable[[], None] | None = None) -> None:
        """``on_damage``: called instead of rebuilding here when a read (a search, or an
        update, which then raises ``DamagedIndexError``) finds the index damaged; the app
        passes one so that its index job (which sends large builds to a child process) does
        the rebuild. Without it (the CLI) the index rebuilds in this thread."""
        super().__init__(index_dir, on_damage=on_damage)
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
        self._docs: DocMap | None = None

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
                        self._vocab,
                    )
                except Exception as exc:
                    self._close_searcher()
                    failure = exc
            if attempt == 0 and not self._heal():
                break
        advice = "rebuilding it" if self._on_damage else "run 'newsreader index --rebuild'"
        return SearchResult(query, (), 0, error=f"search index damaged ({why(failure)}); {advice}")

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
                return [], 0, f"search index damaged ({why(exc)})"
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
                    lambda: self._vocabulary(searcher), parsed, word_counter(searcher, self._vocab)
                )
            except Exception as exc:
                self._close_searcher()
                return SearchResult(
                    query,
                    (),
                    0,
                    error=f"search index damaged ({why(exc)}); run 'newsreader index --rebuild'",
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
