"""Top-N BM25F search over whole posting lists, with the same scores as Whoosh's matchers.

Whoosh walks candidates one document at a time through a tree of Python matcher objects
(~15 µs per document): a query of two words found in most articles cost ~100 ms at 10k
articles. Here a term's postings are read a block at a time (``postings.py``), scored in one
comprehension and combined as dicts; a word's scores are cached until the index changes, so
typing a query re-reads only its new words.

Supported exactly: terms, ``And``, ``Or`` (plain), ``Not`` inside ``And``, ``AndNot`` and
``ExactPhrase``. Anything else (prefix, wildcard, fuzzy, dates) is evaluated by Whoosh's own
matcher for that node. A phrase of two common words reads its pair's postings (``pairs.py``).
Other phrases are checked lazily (``phrasecheck.py``): candidates (documents with every word)
are visited best score first until the top N are certain; the total is then exact when every
candidate could be checked cheaply, else estimated from a sample. Plain words whose title
matches provably hold the top N skip scoring the body lists (``bounded.py``); in an ``And``
a word far more common than the rarest is scored only in the rarest word's articles. A
term's per-segment lookups are done once per searcher (at 100k articles in ~30 segments
they were ~4 term-table lookups per segment per term). Imports Whoosh.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from math import log
from operator import neg
from typing import Any

from whoosh import query as wq
from whoosh.scoring import BM25F

from newsreader.search import postings
from newsreader.search.bounded import bounded_top
from newsreader.search.matchers import ExactPhrase
from newsreader.search.pairs import PREFIX, PairField, pair_frequencies
from newsreader.search.phrasecheck import (
    Check,
    lazy_top,
    pair_check,
    partial_read,
    run_check,
    scaled,
)
from newsreader.search.phrasecheck import TopDocs as TopDocs

CACHE_POSTINGS = 600_000
"""Scored postings kept between searches (~86 bytes each, twice that with positions: ~50 MB
at most), least recently used dropped first. At 10k articles 400k -> 600k took the phrase
p95 from ~28 to ~23 ms (common words recur across queries); the TUI stays under ~130 MB."""
PACKED_POSTINGS = 8_000_000
"""Scores of terms dropped from the cache above, kept as arrays (12 bytes a posting: ~96 MB
at most, reached only in big libraries). Turning them back into a dict costs a tenth of
reading the postings again: at 100k articles a common word's list is ~100k postings, and the
two-word p95 was 118 / 110 / 79 ms with 3M / 4M / 8M (FTS5: 114-128 ms)."""
RAW_POSTINGS = 3_000_000
"""Docnums and weights of long lists read whole by ``bounded.py`` (which scores few of them),
kept as arrays (12 bytes a posting, ~36 MB at most): the word's next query reads no block."""
TERM_INFOS = 4096
"""Terms whose per-segment term infos are kept (the oldest dropped first)."""


@dataclass
class _Found:
    """Documents a query node matches: ``scores`` are exact, or upper bounds when ``check``
    is set (it gives a candidate's exact score, or None when it does not match)."""

    scores: dict[int, float]
    check: Check | None = None


class _Term:
    __slots__ = ("scores", "values")

    def __init__(self, scores: dict[int, float], values: dict[int, bytes] | None) -> None:
        self.scores = scores
        self.values = values


class Engine:
    """Answers queries for one open Whoosh searcher; drop it when the searcher is closed."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        weighting = searcher.weighting
        self.enabled = type(weighting) is BM25F
        self._weighting = weighting
        self._leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self._cache: OrderedDict[tuple[str, bytes], _Term] = OrderedDict()
        self._cached = 0
        self._packed: OrderedDict[tuple[str, bytes], tuple[array[int], array[float]]] = (
            OrderedDict())
        self._packed_count = 0
        self._raw: OrderedDict[tuple[str, bytes], tuple[array[int], array[float]]] = (
            OrderedDict())
        self._raw_count = 0
        self._lengths: dict[str, bytes] = {}
        self._norms: dict[str, tuple[float, list[float]]] = {}
        self._term_infos: dict[tuple[str, bytes], tuple[int, list[tuple[int, Any]]]] = {}
        self._deleted: frozenset[int] | None = None
        self._doc_count = searcher.get_parent().doc_count_all()
        self._common = {field.source: field.common for _name, field in searcher.schema.items()
                        if isinstance(field, PairField)}

    # --- public -----------------------------------------------------------------------------

    def top(self, q: Any, limit: int) -> TopDocs:
        """The ``limit`` best documents for ``q``, best first (ties: lower docnum first)."""
        bounded = bounded_top(self, q, limit)
        if bounded is not None:
            return TopDocs(*bounded)
        found = self._eval(q)
        scores = found.scores
        if found.check is None:
            best = heapq.nlargest(limit, zip(scores.values(), map(neg, scores), strict=True))
            return TopDocs([(-d, s) for s, d in best], len(scores))
        return lazy_top(scores, found.check, limit)

    # --- evaluation -------------------------------------------------------------------------

    def _eval(self, q: Any, wanted: Collection[int] | None = None) -> _Found:
        """``wanted``: only these documents matter (the others may be left out)."""
        kind = type(q)
        if kind is wq.Term:
            term = (self._term(q.fieldname, q.text) if wanted is None
                    else self._term_within(q.fieldname, q.text, wanted))
            return _Found(self._boosted(term.scores, q.boost))
        if kind is ExactPhrase and q.slop == 1 and len(q.words) > 1:
            return self._phrase(q)
        if kind in (wq.Or, wq.DefaultOr) and q.scale is None:
            return self._boost(self._union([self._eval(c, wanted) for c in q.subqueries]),
                               q.boost)
        if kind is wq.And:
            pos = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            neg = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            if pos:
                # Whoosh scores each Not child as a match of weight 1 (InverseMatcher).
                found = self._intersect(self._all_of(pos, wanted), bonus=float(len(neg)))
                return self._boost(self._exclude(found, neg), q.boost)
        if kind is wq.AndNot:
            return self._exclude(self._eval(q.a), [q.b])
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return _Found({})
        return _Found(self._whoosh(q))

    def _all_of(self, parts: list[Any], wanted: Collection[int] | None) -> list[_Found]:
        """The children of an ``And``, in order. The one with the fewest documents (by the
        words' frequencies) is evaluated first; the others then matter only in its
        documents, so a word in many more articles is scored only in those (``that
        bradunquindun``: ~50k postings not scored, at 100k articles)."""
        sizes = [self._size(c) for c in parts]
        known = [i for i, n in enumerate(sizes) if n is not None]
        if not known or len(parts) == 1:
            return [self._eval(c, wanted) for c in parts]
        first = min(known, key=lambda i: sizes[i] or 0)
        found: list[_Found | None] = [None] * len(parts)
        head = found[first] = self._eval(parts[first], wanted)
        for i, c in enumerate(parts):
            if found[i] is None:
                found[i] = self._eval(c, head.scores.keys())
        return [f for f in found if f is not None]

    def _size(self, q: Any) -> int | None:
        """At most how many documents a term or an ``Or`` of terms matches (None: unknown)."""
        kind = type(q)
        if kind is wq.Term:
            if q.fieldname not in self.searcher.schema:
                return 0
            btext = self.searcher.schema[q.fieldname].to_bytes(q.text)
            return self._infos(q.fieldname, btext)[0]
        if kind in (wq.Or, wq.DefaultOr) and q.scale is None:
            total = 0
            for c in q.subqueries:
                n = self._size(c)
                if n is None:
                    return None
                total += n
            return total
        return None

    def _term_within(self, fieldname: str, text: Any, wanted: Collection[int]) -> _Term:
        """The term's scores, at least of the ``wanted`` documents: from the cache, or read
        for those only when its list is much longer (not cached then)."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return _Term({}, {})
        btext = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        key = (fieldname, btext)
        if key not in self._cache and key not in self._packed:
            df = self._infos(fieldname, btext)[0]
            if partial_read(df, len(wanted)):
                return self._read_term(fieldname, btext, False, wanted=wanted)
        return self._term(fieldname, btext)

    def _whoosh(self, q: Any) -> dict[int, float]:
        """Any other node, through Whoosh's own matchers (exact, one document at a time)."""
        out: dict[int, float] = {}
        context = self.searcher.context()
        for leaf, offset in self.searcher.leaf_searchers():
            m = q.matcher(leaf, context)
            while m.is_active():
                out[m.id() + offset] = m.score()
                m.next()
        return out

    @staticmethod
    def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
        return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}

    def _boost(self, found: _Found, boost: float) -> _Found:
        if boost == 1.0:
            return found
        check = found.check
        if check is None:
            return _Found(self._boosted(found.scores, boost))
        return _Found(self._boosted(found.scores, boost), scaled(check, boost))

    @staticmethod
    def _union(parts: list[_Found]) -> _Found:
        parts = [p for p in parts if p.scores]
        if not parts:
            return _Found({})
        if len(parts) == 1:
            return parts[0]
        parts.sort(key=lambda p: -len(p.scores))
        merged = dict(parts[0].scores)
        for p in parts[1:]:
            for d, s in p.scores.items():
                merged[d] = merged[d] + s if d in merged else s
        if all(p.check is None for p in parts):
            return _Found(merged)

        def check(doc: int) -> float | None:
            total: float | None = None
            for p in parts:
                if doc in p.scores:
                    s = p.scores[doc] if p.check is None else p.check(doc)
                    if s is not None:
                        total = s if total is None else total + s
            return total

        return _Found(merged, check)

    @staticmethod
    def _intersect(parts: list[_Found], bonus: float = 0.0) -> _Found:
        if any(not p.scores for p in parts):
            return _Found({})
        ordered = sorted(parts, key=lambda p: len(p.scores))
        keys = set(ordered[0].scores).intersection(*(p.scores for p in ordered[1:]))
        dicts = [p.scores for p in parts]
        if len(dicts) == 1:
            merged = {d: dicts[0][d] for d in keys}
        elif len(dicts) == 2:
            a, b = dicts
            merged = {d: a[d] + b[d] for d in keys}
        else:
            merged = {d: sum(x[d] for x in dicts) for d in keys}
        if bonus:
            merged = {d: s + bonus for d, s in merged.items()}
        if all(p.check is None for p in parts):
            return _Found(merged)

        def check(doc: int) -> float | None:
            total = bonus
            for p in parts:
                s = p.scores[doc] if p.check is None else p.check(doc)
                if s is None:
                    return None
                total += s
            return total

        return _Found(merged, check)

    def _exclude(self, found: _Found, negatives: list[Any]) -> _Found:
        scores = found.scores
        for negative in negatives:
            other = self._eval(negative)
            common = scores.keys() & other.scores.keys()
            if other.check is not None:
                common = {d for d in common if other.check(d) is not None}
            if common:
                scores = {d: s for d, s in scores.items() if d not in common}
        return _Found(scores, found.check)

    def _phrase(self, q: Any) -> _Found:
        if q.fieldname not in self.searcher.schema:
            return _Found({})
        field = self.searcher.schema[q.fieldname]
        words = [field.to_bytes(w) for w in q.words]
        if len(words) == 2 and self._paired(q.fieldname, q.words):
            scores = self._term(PREFIX + q.fieldname, b" ".join(words)).scores
            return _Found(self._boosted(scores, q.boost))
        terms = self._phrase_terms(q.fieldname, words)
        if any(not t.scores for t in terms):
            return _Found({})
        ordered = sorted(terms, key=lambda t: len(t.scores))
        keys = set(ordered[0].scores).intersection(*(t.scores for t in ordered[1:]))
        values = [t.values or {} for t in terms]
        boost = q.boost
        check: Check
        if len(terms) == 2:  # most phrases: a comprehension, and a check without loops
            first, second = terms[0].scores, terms[1].scores
            scores = {d: first[d] + second[d] for d in keys}
            check = pair_check(values[0], values[1], scores, boost)
        else:
            scores = {}
            # IntersectionMatcher chains add left to right: ((s0 + s1) + s2) ...
            for d in keys:
                s = terms[0].scores[d]
                for t in terms[1:]:
                    s += t.scores[d]
                scores[d] = s
            check = run_check(values, scores, boost)
        return _Found(self._boosted(scores, boost), check)

    def _phrase_terms(self, fieldname: str, words: list[bytes]) -> list[_Term]:
        """The words' postings with positions. A word in many more articles than the rarest
        one (``"with velquindunren"``) is read only in the blocks that can hold one of the
        rarest word's articles, and not cached: at 100k articles its whole list is ~80 ms."""
        dfs = [self._infos(fieldname, w)[0] for w in words]
        rarest = min(range(len(words)), key=dfs.__getitem__)
        first = self._term(fieldname, words[rarest], values=True)
        terms = []
        for i, w in enumerate(words):
            cached = self._cache.get((fieldname, w))
            if i == rarest:
                terms.append(first)
            elif ((cached is None or cached.values is None)
                    and partial_read(dfs[i], len(first.scores))):
                terms.append(self._read_term(fieldname, w, True, wanted=first.scores.keys()))
            else:
                terms.append(self._term(fieldname, w, values=True))
        return terms

    # --- postings ---------------------------------------------------------------------------

    def _term(self, fieldname: str, text: Any, values: bool = False) -> _Term:
        """BM25F scores (no boost) of every live document containing the term; cached."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return _Term({}, {})
        btext = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        key = (fieldname, btext)
        cached = self._cache.get(key)
        if cached is not None and (cached.values is not None or not values):
            self._cache.move_to_end(key)
            return cached
        packed = self._packed.pop(key, None)
        if packed is not None:
            self._packed_count -= len(packed[0])
        if packed is not None and not values:
            term = _Term(dict(zip(*packed, strict=True)), None)
        else:
            term = self._read_term(fieldname, btext, values)
        self._remember(key, term)
        return term

    def _remember(self, key: tuple[str, bytes], term: _Term) -> None:
        """Cache a term's scores (dropping the least recently used beyond the budget)."""
        cached = self._cache.pop(key, None)
        if cached is not None:
            self._cached -= len(cached.scores) * (1 + (cached.values is not None))
        self._cache[key] = term
        self._cached += len(term.scores) * (1 + (term.values is not None))
        while self._cached > CACHE_POSTINGS and len(self._cache) > 1:
            old_key, old = self._cache.popitem(last=False)
            self._cached -= len(old.scores) * (1 + (old.values is not None))
            self._pack(old_key, old.scores)

    def _pack(self, key: tuple[str, bytes], scores: dict[int, float]) -> None:
        """Keep a term dropped from the dicts as two arrays (12 bytes a posting)."""
        if not PACKED_POSTINGS or len(scores) > PACKED_POSTINGS:
            return
        self._packed[key] = (array("I", scores), array("d", scores.values()))
        self._packed_count += len(scores)
        while self._packed_count > PACKED_POSTINGS:
            _key, (ids, _scores) = self._packed.popitem(last=False)
            self._packed_count -= len(ids)

    def _paired(self, fieldname: str, words: list[str]) -> bool:
        """Are the two words' pairs indexed (``pairs.py``)? Only when both are common in the
        generation this searcher reads."""
        common = self._common.get(fieldname)
        return common is not None and all(w in common for w in words)

    def _bm25(self, fieldname: str) -> tuple[float, list[float]]:
        """k1 + 1 and the length norm of each length byte, as ``bm25()`` in whoosh.scoring
        computes them, so scores are identical."""
        cached = self._norms.get(fieldname)
        if cached is None:
            w = self._weighting
            big_b = w._field_B.get(fieldname, w.B)
            k1 = w.K1
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            cached = self._norms[fieldname] = (
                k1 + 1, [k1 * ((1 - big_b) + big_b * length / avgfl)
                         for length in postings.LENGTHS])
        return cached

    def _infos(self, fieldname: str, btext: bytes) -> tuple[int, list[tuple[int, Any]]]:
        """The term's document frequency (deleted documents included, as Whoosh counts it)
        and its term info in each segment that has it: one term-table lookup per segment
        (at 100k articles in ~30 segments, each ~30 µs)."""
        key = (fieldname, btext)
        cached = self._term_infos.get(key)
        if cached is None:
            found = [(i, info) for i, (reader, _offset) in enumerate(self._leaves)
                     if (info := postings.term_info(reader, fieldname, btext)) is not None]
            cached = (sum(info.doc_frequency() for _i, info in found), found)
            if len(self._term_infos) >= TERM_INFOS:
                del self._term_infos[next(iter(self._term_infos))]
            self._term_infos[key] = cached
        return cached

    def _idf(self, df: int) -> float:
        """``WeightingModel.idf`` from a document frequency (the same float)."""
        return log(self._doc_count / (df + 1)) + 1

    def _read_term(self, fieldname: str, btext: bytes, values: bool,
                   wanted: Collection[int] | None = None) -> _Term:
        """Scores (and positions) from the postings; with ``wanted``, only of those
        documents, read from the blocks that can hold them."""
        vals: dict[int, bytes] | None = {} if values else None
        if fieldname.startswith(PREFIX):
            return _Term(self._read_pair(fieldname[len(PREFIX):], btext), vals)
        df, infos = self._infos(fieldname, btext)
        if not infos:
            return _Term({}, vals)
        ordered = sorted(wanted) if wanted is not None else None
        all_ids, all_weights, all_values = self._postings(fieldname, btext, values, ordered)
        scores = self.scored(fieldname, df, all_ids, all_weights)
        if vals is not None:
            vals = dict(zip(all_ids, all_values, strict=True))
        self._drop_deleted(scores, vals)
        return _Term(scores, vals)

    def scored(self, fieldname: str, df: int, ids: Sequence[int], weights: Sequence[float]
               ) -> dict[int, float]:
        """BM25F scores of a term (in ``df`` documents) for its postings ``ids``, ``weights``."""
        idf = self._idf(df)
        k1p1, norm = self._bm25(fieldname)
        lengths = self._field_lengths(fieldname)
        return {d: idf * ((wt * k1p1) / (wt + norm[lengths[d]]))
                for d, wt in zip(ids, weights, strict=True)}

    def postings_of(self, fieldname: str, btext: bytes, wanted: list[int] | None = None
                    ) -> tuple[Sequence[int], Sequence[float]]:
        """A term's global docnums (ascending, deleted ones included) and weights; with
        ``wanted`` (sorted global docnums), only of those. A whole list is kept as arrays."""
        ids, weights, _values = self._postings(fieldname, btext, False, wanted)
        key = (fieldname, btext)
        if wanted is None and key not in self._raw and len(ids) <= RAW_POSTINGS:
            self._raw[key] = packed = (array("I", ids), array("d", weights))
            self._raw_count += len(ids)
            while self._raw_count > RAW_POSTINGS:
                _key, (old, _weights) = self._raw.popitem(last=False)
                self._raw_count -= len(old)
            return packed
        return ids, weights

    def _postings(self, fieldname: str, btext: bytes, values: bool, wanted: list[int] | None
                  ) -> tuple[Sequence[int], Sequence[float], list[bytes]]:
        raw = None if values else self._raw.get((fieldname, btext))
        if raw is not None:
            self._raw.move_to_end((fieldname, btext))
            ids_arr, weights_arr = raw
            if wanted is None:
                return ids_arr, weights_arr, []
            n = len(ids_arr)
            at = [i for d in wanted if (i := bisect_left(ids_arr, d)) < n and ids_arr[i] == d]
            return [ids_arr[i] for i in at], [weights_arr[i] for i in at], []
        ids: list[int] = []
        weights: list[float] = []
        vals: list[bytes] = []
        for i, info in self._infos(fieldname, btext)[1]:
            reader, offset = self._leaves[i]
            local = None
            if wanted is not None:
                start = bisect_left(wanted, offset)
                stop = bisect_left(wanted, offset + reader.doc_count_all())
                if start == stop:
                    continue
                local = [d - offset for d in wanted[start:stop]]
            seg_ids, seg_weights, seg_values = postings.read_postings(reader, info, values,
                                                                      local, offset)
            ids += seg_ids
            weights += seg_weights
            if values:
                vals += seg_values
        return ids, weights, vals

    def _read_pair(self, fieldname: str, btext: bytes) -> dict[int, float]:
        """Phrase scores from a pair's postings: each word's BM25F score from its frequency
        in the value, added in the order of ``_phrase`` (the same floats)."""
        _df, infos = self._infos(PREFIX + fieldname, btext)
        if not infos:
            return {}
        first, second = btext.split(b" ")
        idf1 = self._idf(self._infos(fieldname, first)[0])
        idf2 = self._idf(self._infos(fieldname, second)[0])
        k1p1, norm = self._bm25(fieldname)
        lengths = self._field_lengths(fieldname)
        scores: dict[int, float] = {}
        for i, info in infos:
            reader, offset = self._leaves[i]
            ids, blob = postings.read_fixed(reader, info, offset)
            freqs1, freqs2 = pair_frequencies(blob)
            for d, a, b in zip(ids, map(float, freqs1), map(float, freqs2), strict=True):
                n = norm[lengths[d]]
                scores[d] = idf1 * ((a * k1p1) / (a + n)) + idf2 * ((b * k1p1) / (b + n))
        self._drop_deleted(scores, None)
        return scores

    def deleted(self) -> frozenset[int]:
        """The global docnums of deleted documents (still in the postings)."""
        deleted = self._deleted
        if deleted is None:
            deleted = self._deleted = frozenset(
                d + offset for reader, offset in self._leaves if reader.has_deletions()
                for d in reader.deleted_docs_set)
        return deleted

    def _drop_deleted(self, scores: dict[int, float], vals: dict[int, bytes] | None) -> None:
        deleted = self.deleted()
        if not deleted:
            return
        gone = deleted.intersection(scores) if len(deleted) > len(scores) else \
            [d for d in deleted if d in scores]
        for d in gone:
            del scores[d]
            if vals is not None:
                vals.pop(d, None)

    def _field_lengths(self, fieldname: str) -> bytes:
        """Every document's length byte in ``fieldname``, indexed by global docnum."""
        cached = self._lengths.get(fieldname)
        if cached is None:
            cached = self._lengths[fieldname] = b"".join(
                postings.field_length_bytes(reader, fieldname) for reader, _o in self._leaves)
        return cached
