"""Top-N BM25F search: a query tree evaluated over its terms' whole score lists, giving the
same floats as Whoosh's matchers.

Whoosh walks candidates one document at a time through a tree of Python matcher objects
(~15 µs per document): a query of two words found in most articles cost ~100 ms at 10k
articles. Here each term's scores come whole from ``terms.py`` (read a block at a time,
cached until the index changes) and are combined as dicts.

Supported exactly: terms, ``And``, ``Or`` (plain), ``Not`` inside ``And``, ``AndNot`` and
``ExactPhrase``. Everything else (prefix, wildcard, fuzzy, dates) is evaluated by Whoosh's own
matcher for that node. A phrase of two common words reads its pair's postings
(``word_pairs.py``); a common word beside a rarer one is checked only where the rarer word's
neighbours (``neighbours.py``) say it may stand. Phrases are checked lazily
(``phrase_candidates.py``): candidates (documents with every word) are visited best score
first until the top N are certain; the total is then exact when every candidate could be
checked cheaply, else estimated from a sample. In an ``And`` a word far more common than the
rarest is scored only in the rarest word's articles.
Imports Whoosh.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from operator import neg

from whoosh.scoring import BM25F

from newsreader.search import block_top
from newsreader.search.fallback import log_fallback
from newsreader.search.neighbours import AFTER, BEFORE
from newsreader.search.phrase_candidates import (
    Check,
    lazy_top,
    pair_check,
    partial_read,
    run_check,
    scaled,
)
from newsreader.search.phrase_candidates import TopDocs as TopDocs
from newsreader.search.query_model import (
    AllOf,
    AnyOf,
    Excluding,
    Matched,
    Node,
    Nothing,
    Phrase,
    Term,
    from_whoosh,
)
from newsreader.search.terms import TermReader, TermScores, boosted
from newsreader.search.whoosh_read import Searcher, WhooshQuery
from newsreader.search.word_pairs import PREFIX


@dataclass(frozen=True)
class Layers:
    """The tuning layers the engine may take; each gives the same answers, only faster (so a
    benchmark can measure one off: ``benchmarks/check_equivalence.py --layers``)."""

    partial_reads: bool = True
    """A word far more common than its query's rarest: read only the blocks that matter."""
    packed_tier: bool = True
    """Scores of terms dropped from the score cache kept as arrays (``terms.PACKED_BYTES``)."""
    block_max: bool = True
    """Plain words with very long lists: only the blocks that can hold the top N
    (``block_top.py``; the total is then estimated)."""
    neighbours: bool = True
    """A phrase of a common word and a rarer one: only the articles where the rarer word has
    the common one beside it are checked (``neighbours.py``)."""


@dataclass
class _Found:
    """Documents a query node matches: ``scores`` are exact, or upper bounds when ``check``
    is set (it gives a candidate's exact score, or None when it does not match)."""

    scores: dict[int, float]
    check: Check | None = None


class Engine:
    """Answers queries for one open Whoosh searcher; drop it when the searcher is closed."""

    def __init__(self, searcher: Searcher, layers: Layers = Layers()) -> None:
        self.searcher = searcher
        self.enabled = type(searcher.weighting) is BM25F
        self.layers = layers
        self.terms = TermReader(searcher, packed=layers.packed_tier)
        """The searcher's terms as scores, kept across queries."""

    # --- public -----------------------------------------------------------------------------

    def top(self, query: object, limit: int, keep: Collection[int] | None = None) -> TopDocs:
        """The ``limit`` best documents for a Whoosh query, best first (ties: lower docnum
        first); with ``keep``, only among those documents."""
        q = from_whoosh(query)
        if keep is None and limit > 0 and self.layers.block_max:
            from_blocks = self._from_blocks(q, limit)
            if from_blocks is not None:
                return from_blocks
        found = self._eval(q, keep)
        scores = found.scores
        if keep is not None:
            scores = {d: s for d, s in scores.items() if d in keep}
        if found.check is None:
            best = heapq.nlargest(limit, zip(scores.values(), map(neg, scores), strict=True))
            return TopDocs([(-d, s) for s, d in best], len(scores))
        return lazy_top(scores, found.check, limit)

    def _from_blocks(self, q: Node, limit: int) -> TopDocs | None:
        """The top from the blocks that can hold it, for plain words whose lists are too long
        to score whole and are not already scored (``block_top.py``); else None."""
        words = block_top.words(q)
        keys = None if words is None else block_top.term_keys(self.terms, words)
        if words is None or keys is None:
            return None
        terms = self.terms
        dfs = [sum(terms.doc_frequency(*k) for k in word) for word in keys]
        if max(dfs) < block_top.LONG_WORD or min(dfs) * block_top.SPARSE < max(dfs):
            return None
        if all(terms.is_cached(*k) for word in keys for k in word):
            return None
        try:
            return block_top.top(terms, q, words, limit)
        except block_top.BoundError as exc:  # headers this index's writer got wrong
            log_fallback(exc)
            self.layers = replace(self.layers, block_max=False)
            return None

    # --- evaluation -------------------------------------------------------------------------

    def _eval(self, q: Node, wanted: Collection[int] | None = None) -> _Found:
        """``wanted``: only these documents matter (the others may be left out)."""
        if isinstance(q, Term):
            term = (
                self.terms.term(q.fieldname, q.text)
                if wanted is None
                else self._term_within(q.fieldname, q.text, wanted)
            )
            return _Found(boosted(term.scores, q.boost))
        if isinstance(q, Phrase):
            return self._phrase(q)
        if isinstance(q, AnyOf):
            return self._boost(self._union([self._eval(c, wanted) for c in q.subqueries]), q.boost)
        if isinstance(q, AllOf):
            neg = list(q.negatives)
            # Whoosh scores each Not child as a match of weight 1 (InverseMatcher).
            found = self._intersect(self._all_of(list(q.subqueries), wanted), bonus=float(len(neg)))
            return self._boost(self._exclude(found, neg), q.boost)
        if isinstance(q, Excluding):
            return self._exclude(self._eval(q.a), [q.b])
        if isinstance(q, Nothing):
            return _Found({})
        return _Found(self._whoosh(q))

    def _all_of(self, parts: list[Node], wanted: Collection[int] | None) -> list[_Found]:
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

    def _size(self, q: Node) -> int | None:
        """At most how many documents a term or an ``Or`` of terms matches (None: unknown)."""
        if isinstance(q, Term):
            if q.fieldname not in self.searcher.schema:
                return 0
            btext = self.searcher.schema[q.fieldname].to_bytes(q.text)
            return self.terms.doc_frequency(q.fieldname, btext)
        if isinstance(q, AnyOf):
            total = 0
            for c in q.subqueries:
                n = self._size(c)
                if n is None:
                    return None
                total += n
            return total
        return None

    def _term_within(
        self, fieldname: str, text: str | bytes, wanted: Collection[int]
    ) -> TermScores:
        """The term's scores, at least of the ``wanted`` documents: from the cache, or read
        for those only when its list is much longer (not cached then)."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return TermScores({}, {})
        btext = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        terms = self.terms
        if not terms.is_cached(fieldname, btext):
            df = terms.doc_frequency(fieldname, btext)
            if self.layers.partial_reads and partial_read(df, len(wanted)):
                return terms.read_term(fieldname, btext, False, wanted=wanted)
        return terms.term(fieldname, btext)

    def _whoosh(self, node: Matched) -> dict[int, float]:
        """Every other node, through Whoosh's own matchers (exact, one document at a time)."""
        out: dict[int, float] = {}
        context = self.searcher.context()
        q: WhooshQuery = node.query
        for leaf, offset in self.searcher.leaf_searchers():
            m = q.matcher(leaf, context)
            while m.is_active():
                out[m.id() + offset] = m.score()
                m.next()
        return out

    def _boost(self, found: _Found, boost: float) -> _Found:
        if boost == 1.0:
            return found
        check = found.check
        if check is None:
            return _Found(boosted(found.scores, boost))
        return _Found(boosted(found.scores, boost), scaled(check, boost))

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
        dicts = [p.scores for p in parts]
        if len(dicts) == 1:
            merged = dict(dicts[0])
        elif len(dicts) == 2:
            # Over the smaller one's items, without a set of the common documents between (at
            # 100k articles, two common words' set was 4 MB of the peak); a + b == b + a.
            small, big = ordered[0].scores, ordered[1].scores
            merged = {d: s + big[d] for d, s in small.items() if d in big}
        else:
            keys = set(ordered[0].scores).intersection(*(p.scores for p in ordered[1:]))
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

    def _exclude(self, found: _Found, negatives: list[Node]) -> _Found:
        scores = found.scores
        for negative in negatives:
            other = self._eval(negative)
            common = scores.keys() & other.scores.keys()
            if other.check is not None:
                common = {d for d in common if other.check(d) is not None}
            if common:
                scores = {d: s for d, s in scores.items() if d not in common}
        return _Found(scores, found.check)

    def _phrase(self, q: Phrase) -> _Found:
        if q.fieldname not in self.searcher.schema:
            return _Found({})
        field = self.searcher.schema[q.fieldname]
        words = [field.to_bytes(w) for w in q.words]
        if len(words) == 2 and self.terms.paired(q.fieldname, list(q.words)):
            scores = self.terms.term(PREFIX + q.fieldname, b" ".join(words)).scores
            return _Found(boosted(scores, q.boost))
        terms, narrowed = self._phrase_terms(q.fieldname, words, q.words)
        if any(not t.scores for t in terms):
            return _Found({})
        if narrowed is not None:
            keys = {d for d in narrowed if all(d in t.scores for t in terms)}
        else:
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
        return _Found(boosted(scores, boost), check)

    def _phrase_terms(
        self, fieldname: str, words: list[bytes], texts: Sequence[str]
    ) -> tuple[list[TermScores], set[int] | None]:
        """The words' postings with positions, and the candidates their common neighbours
        leave (None: not narrowed). A word in many more articles than the candidates
        (``"with velquindunren"``) is read only in the blocks that can hold one of them, and
        not cached: at 100k articles its whole list is ~80 ms."""
        reader = self.terms
        partial = self.layers.partial_reads
        dfs = [reader.doc_frequency(fieldname, w) for w in words]
        rarest = min(range(len(words)), key=dfs.__getitem__)
        first = reader.term(fieldname, words[rarest], values=True)
        narrowed = self._near(fieldname, words, texts) if self.layers.neighbours else None
        wanted: Collection[int] = first.scores.keys()
        if narrowed is not None:
            narrowed.intersection_update(wanted)
            wanted = narrowed
        terms = []
        for i, w in enumerate(words):
            if i == rarest:
                terms.append(first)
            elif (
                partial
                and not reader.is_cached(fieldname, w, values=True)
                and partial_read(dfs[i], len(wanted))
            ):
                terms.append(reader.read_term(fieldname, w, True, wanted=wanted))
            else:
                terms.append(reader.term(fieldname, w, values=True))
        return terms, narrowed

    def _near(self, fieldname: str, words: list[bytes], texts: Sequence[str]) -> set[int] | None:
        """The documents where each common word of the phrase may stand right beside its
        neighbour that is not common (``neighbours.py``; None when no such pair)."""
        reader = self.terms
        narrowed: set[int] | None = None
        for i in range(len(words) - 1):
            before = reader.near_id(fieldname, texts[i])
            after = reader.near_id(fieldname, texts[i + 1])
            if before is not None and after is None:  # "C X": X's common word before it
                docs = reader.near_docs(fieldname, words[i + 1], BEFORE, before)
            elif after is not None and before is None:  # "X C"
                docs = reader.near_docs(fieldname, words[i], AFTER, after)
            else:  # two common words (their pairs) or none
                continue
            narrowed = docs if narrowed is None else narrowed & docs
        return narrowed
