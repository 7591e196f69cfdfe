"""A searcher's terms read into BM25F scores, the same floats as Whoosh's matchers give.

A term's postings are read a block at a time (``whoosh_read.py``) and scored in one
comprehension; the scores are kept until the index changes (a new searcher, a new reader),
so typing a query re-reads only its new words. The per-searcher facts scoring needs are
looked up once: a term's term info in each segment (at 100k articles in ~30 segments there
were ~4 term-table lookups per segment per term), the global field lengths, deletions and
BM25 length norms. ``engine.py`` evaluates queries from these scores. Imports Whoosh.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Collection, Sequence
from math import log

from newsreader.search import whoosh_blocks as blocks
from newsreader.search import whoosh_read as postings
from newsreader.search.neighbours import PREFIX as NEAR
from newsreader.search.neighbours import NearField, matching
from newsreader.search.whoosh_read import Searcher
from newsreader.search.word_pairs import PREFIX, PairField, pair_frequencies

CACHE_BYTES = 16_000_000
"""Scored terms kept between searches, by their estimated size (``SCORE_BYTES`` a posting,
``VALUE_BYTES`` and its length more with positions), least recently used dropped first:
common words recur across queries, so the next query reads only its new words. Bytes, not
postings: a 100k library's common word is 100k postings, and the app has to stay within its
memory whatever the library's size."""
PACKED_BYTES = 16_000_000
"""Scores of terms dropped from the cache above, kept as arrays (12 bytes a posting, ~1.3M
postings). Turning them back into a dict costs a tenth of reading the postings again. A
smaller dict tier and a bigger packed one: the same words stay at hand in less memory."""
SCORE_BYTES = 104
"""A posting in a dict of scores: its entry, its float and its docnum's int (measured with
tracemalloc)."""
VALUE_BYTES = 96
"""A posting's positions in a dict of values, besides the bytes' length."""
PACKED_POSTING_BYTES = 12
"""A posting as a 32-bit docnum and a double."""
TERM_INFOS = 4096
"""Terms whose per-segment term infos are kept (the oldest dropped first)."""


class TermScores:
    """A term's BM25F scores (no boost) by global docnum and, when read with positions, each
    document's posting value (its positions, which phrase checks decode)."""

    __slots__ = ("scores", "values")

    def __init__(self, scores: dict[int, float], values: dict[int, bytes] | None) -> None:
        self.scores = scores
        self.values = values

    def size(self) -> int:
        """About how many bytes the scores and positions hold (``SCORE_BYTES``)."""
        values = self.values
        if values is None:
            return len(self.scores) * SCORE_BYTES
        held = len(values) * VALUE_BYTES + sum(map(len, values.values()))
        return len(self.scores) * SCORE_BYTES + held


def boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
    """``scores`` times a query node's boost (the same dict when the boost is 1)."""
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


class TermReader:
    """Reads and keeps the terms of one open Whoosh searcher; drop it with the searcher."""

    def __init__(self, searcher: Searcher, packed: bool = True) -> None:
        """``packed``: keep the scores dropped from the cache as arrays (``PACKED_BYTES``)."""
        self.searcher = searcher
        self._packed_budget = PACKED_BYTES if packed else 0
        self._weighting = searcher.weighting
        self._leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self._cache: OrderedDict[tuple[str, bytes], tuple[TermScores, int]] = OrderedDict()
        """Terms by key, with their size in bytes."""
        self._cached = 0
        """Bytes the cache holds (``TermScores.size``)."""
        self._packed: OrderedDict[tuple[str, bytes], tuple[array[int], array[float]]] = (
            OrderedDict()
        )
        self._packed_bytes = 0
        self._lengths: dict[str, bytes] = {}
        self._norms: dict[str, tuple[float, list[float]]] = {}
        self._term_infos: dict[
            tuple[str, bytes], tuple[int, list[tuple[int, postings.TermInfo]]]
        ] = {}
        self._deleted: frozenset[int] | None = None
        self._doc_count = searcher.get_parent().doc_count_all()
        self._common = {
            field.source: field.common
            for _name, field in searcher.schema.items()
            if isinstance(field, PairField)
        }
        self._near_ids = {
            field.source: field.ids
            for _name, field in searcher.schema.items()
            if isinstance(field, NearField)
        }

    # --- scores of whole terms (cached) ---------------------------------------------------

    def term(self, fieldname: str, text: str | bytes, values: bool = False) -> TermScores:
        """Scores of every live document containing the term (with ``values``, their
        positions too); kept for the next queries."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return TermScores({}, {})
        btext = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        key = (fieldname, btext)
        found = self._cache.get(key)
        if found is not None and (found[0].values is not None or not values):
            self._cache.move_to_end(key)
            return found[0]
        packed = self._packed.pop(key, None)
        if packed is not None:
            self._packed_bytes -= len(packed[0]) * PACKED_POSTING_BYTES
        if packed is not None and not values:
            term = TermScores(dict(zip(*packed, strict=True)), None)
        else:
            term = self.read_term(fieldname, btext, values)
        self._remember(key, term)
        return term

    def is_cached(self, fieldname: str, btext: bytes, values: bool = False) -> bool:
        """Would ``term`` answer without reading postings?"""
        key = (fieldname, btext)
        found = self._cache.get(key)
        if found is not None and (found[0].values is not None or not values):
            return True
        return not values and key in self._packed

    def _remember(self, key: tuple[str, bytes], term: TermScores) -> None:
        """Cache a term's scores (dropping the least recently used beyond the budget)."""
        cached = self._cache.pop(key, None)
        if cached is not None:
            self._cached -= cached[1]
        size = term.size()
        self._cache[key] = (term, size)
        self._cached += size
        while self._cached > CACHE_BYTES and len(self._cache) > 1:
            old_key, (old, old_size) = self._cache.popitem(last=False)
            self._cached -= old_size
            self._pack(old_key, old.scores)

    def _pack(self, key: tuple[str, bytes], scores: dict[int, float]) -> None:
        """Keep a term dropped from the dicts as two arrays (12 bytes a posting)."""
        budget = self._packed_budget
        size = len(scores) * PACKED_POSTING_BYTES
        if not budget or size > budget:
            return
        self._packed[key] = (array("I", scores), array("d", scores.values()))
        self._packed_bytes += size
        while self._packed_bytes > budget:
            _key, (ids, _scores) = self._packed.popitem(last=False)
            self._packed_bytes -= len(ids) * PACKED_POSTING_BYTES

    def paired(self, fieldname: str, words: list[str]) -> bool:
        """Are the two words' pairs indexed (``word_pairs.py``)? Only when both are common in the
        generation this searcher reads."""
        common = self._common.get(fieldname)
        return common is not None and all(w in common for w in words)

    def near_id(self, fieldname: str, word: str) -> int | None:
        """The id of a common word whose neighbours ``fieldname`` indexes (``neighbours.py``),
        else None."""
        ids = self._near_ids.get(fieldname)
        return None if ids is None else ids.get(word)

    # --- reading postings (not cached) ----------------------------------------------------

    def near_docs(self, fieldname: str, btext: bytes, side: int, cid: int) -> set[int]:
        """The documents where the term (not a common word) may have the common word ``cid``
        right before it (``side`` ``BEFORE``) or right after it (deleted ones still in)."""
        found: set[int] = set()
        for i, info in self.infos(NEAR + fieldname, btext)[1]:
            reader, offset = self._leaves[i]
            found.update(matching(*blocks.read_fixed(reader, info, offset), side, cid))
        return found

    def read_term(
        self, fieldname: str, btext: bytes, values: bool, wanted: Collection[int] | None = None
    ) -> TermScores:
        """Scores (and positions) from the postings; with ``wanted``, only of those
        documents, read from the blocks that can hold them."""
        vals: dict[int, bytes] | None = {} if values else None
        if fieldname.startswith(PREFIX):
            return TermScores(self._read_pair(fieldname[len(PREFIX) :], btext), vals)
        df, infos = self.infos(fieldname, btext)
        if not infos:
            return TermScores({}, vals)
        ordered = sorted(wanted) if wanted is not None else None
        all_ids, all_weights, all_values = self._postings(fieldname, btext, values, ordered)
        scores = self.scored(fieldname, df, all_ids, all_weights)
        if vals is not None:
            vals = dict(zip(all_ids, all_values, strict=True))
        self.drop_deleted(scores, vals)
        return TermScores(scores, vals)

    def _postings(
        self, fieldname: str, btext: bytes, values: bool, wanted: list[int] | None
    ) -> tuple[Sequence[int], Sequence[float], list[bytes]]:
        ids: list[int] = []
        weights: list[float] = []
        vals: list[bytes] = []
        for i, info in self.infos(fieldname, btext)[1]:
            reader, offset = self._leaves[i]
            local = None
            if wanted is not None:
                start = bisect_left(wanted, offset)
                stop = bisect_left(wanted, offset + reader.doc_count_all())
                if start == stop:
                    continue
                local = [d - offset for d in wanted[start:stop]]
            seg_ids, seg_weights, seg_values = blocks.read_postings(
                reader, info, values, local, offset
            )
            ids += seg_ids
            weights += seg_weights
            if values:
                vals += seg_values
        return ids, weights, vals

    def _read_pair(self, fieldname: str, btext: bytes) -> dict[int, float]:
        """Phrase scores from a pair's postings: each word's BM25F score from its frequency
        in the value, added in the order the engine adds a phrase's words (the same floats)."""
        _df, infos = self.infos(PREFIX + fieldname, btext)
        if not infos:
            return {}
        first, second = btext.split(b" ")
        idf1 = self.idf(self.infos(fieldname, first)[0])
        idf2 = self.idf(self.infos(fieldname, second)[0])
        k1p1, norm = self.bm25(fieldname)
        lengths = self.field_lengths(fieldname)
        scores: dict[int, float] = {}
        for i, info in infos:
            reader, offset = self._leaves[i]
            ids, blob = blocks.read_fixed(reader, info, offset)
            freqs1, freqs2 = pair_frequencies(blob)
            for d, a, b in zip(ids, map(float, freqs1), map(float, freqs2), strict=True):
                n = norm[lengths[d]]
                scores[d] = idf1 * ((a * k1p1) / (a + n)) + idf2 * ((b * k1p1) / (b + n))
        self.drop_deleted(scores, None)
        return scores

    # --- BM25F and the searcher's documents -----------------------------------------------

    def scored(
        self, fieldname: str, df: int, ids: Sequence[int], weights: Sequence[float]
    ) -> dict[int, float]:
        """BM25F scores of a term (in ``df`` documents) for its postings ``ids``, ``weights``."""
        idf = self.idf(df)
        k1p1, norm = self.bm25(fieldname)
        lengths = self.field_lengths(fieldname)
        return {
            d: idf * ((wt * k1p1) / (wt + norm[lengths[d]]))
            for d, wt in zip(ids, weights, strict=True)
        }

    def doc_frequency(self, fieldname: str, btext: bytes) -> int:
        """In how many documents the term is (deleted ones included, as Whoosh counts)."""
        return self.infos(fieldname, btext)[0]

    def infos(
        self, fieldname: str, btext: bytes
    ) -> tuple[int, list[tuple[int, postings.TermInfo]]]:
        """The term's document frequency and its term info in each segment that has it: one
        term-table lookup per segment (at 100k articles in ~30 segments, each ~30 µs)."""
        key = (fieldname, btext)
        cached = self._term_infos.get(key)
        if cached is None:
            found = [
                (i, info)
                for i, (reader, _offset) in enumerate(self._leaves)
                if (info := postings.term_info(reader, fieldname, btext)) is not None
            ]
            cached = (sum(info.doc_frequency() for _i, info in found), found)
            if len(self._term_infos) >= TERM_INFOS:
                del self._term_infos[next(iter(self._term_infos))]
            self._term_infos[key] = cached
        return cached

    def leaf(self, i: int) -> tuple[postings.Reader, int]:
        """Segment ``i``'s reader and the global docnum of its first document."""
        return self._leaves[i]

    def idf(self, df: int) -> float:
        """``WeightingModel.idf`` from a document frequency (the same float)."""
        return log(self._doc_count / (df + 1)) + 1

    def bm25(self, fieldname: str) -> tuple[float, list[float]]:
        """k1 + 1 and the length norm of each length byte, as ``bm25()`` in whoosh.scoring
        computes them, so scores are identical."""
        cached = self._norms.get(fieldname)
        if cached is None:
            w = self._weighting
            big_b = postings.field_b(w, fieldname)
            k1 = w.K1
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            cached = self._norms[fieldname] = (
                k1 + 1,
                [k1 * ((1 - big_b) + big_b * length / avgfl) for length in postings.LENGTHS],
            )
        return cached

    def field_lengths(self, fieldname: str) -> bytes:
        """Every document's length byte in ``fieldname``, indexed by global docnum."""
        cached = self._lengths.get(fieldname)
        if cached is None:
            cached = self._lengths[fieldname] = b"".join(
                postings.field_length_bytes(reader, fieldname) for reader, _o in self._leaves
            )
        return cached

    def deleted(self) -> frozenset[int]:
        """The global docnums of deleted documents (still in the postings)."""
        deleted = self._deleted
        if deleted is None:
            deleted = self._deleted = frozenset(
                d + offset for reader, offset in self._leaves for d in postings.deleted_docs(reader)
            )
        return deleted

    def drop_deleted(self, scores: dict[int, float], vals: dict[int, bytes] | None = None) -> None:
        """Remove deleted documents from a term's scores (and positions), in place."""
        deleted = self.deleted()
        if not deleted:
            return
        gone = (
            deleted.intersection(scores)
            if len(deleted) > len(scores)
            else [d for d in deleted if d in scores]
        )
        for d in gone:
            del scores[d]
            if vals is not None:
                vals.pop(d, None)
