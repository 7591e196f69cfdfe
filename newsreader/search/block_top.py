"""The top N of plain words found in most of a big library, read from the posting blocks that
can hold them, best bound first.

A word in nearly every article of a million has a million postings, and scoring them all is
most of a second. Each posting block's header keeps its heaviest weight and its shortest
field length, which bound the BM25F score of every document in the block. A term far rarer
than the query's longest (a common word in titles) is read whole instead: its exact scores
bound better. The documents are cut into ranges where each long term has one block; a
range's bound is the best score a document there could have, its long terms at their blocks'
bounds and its short terms exact. Ranges are visited best bound first, and once the N-th best
exact score is above the next bound no document left can enter: the rest of the long lists
is never decompressed. Scores are the engine's own floats, added in its order, so the hits
and their order are those of scoring every posting. The total is then counted in a sample of
the ranges left and estimated ("about N").

Handles an ``And`` of words where each word is a term or an ``Or`` of at most two terms (the
shape plain words parse to), when its longest word is in very many articles and none in
far fewer (``SPARSE``); everything else is the engine's (``engine.py``).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from operator import add, and_

from newsreader.search.phrase_candidates import TopDocs
from newsreader.search.query_model import AllOf, AnyOf, Node, Term
from newsreader.search.terms import TermReader, boosted
from newsreader.search.whoosh_blocks import PostingBlocks
from newsreader.search.whoosh_read import Schema
from newsreader.search.word_pairs import PREFIX

LONG_WORD = 150_000
"""Postings a query's longest word must have (its terms' added) for the query to be answered
from its blocks. Below this the engine scores whole lists and keeps them for the next query:
a library of 100k articles stays under it."""
SPARSE = 512
"""A word in this many times fewer articles than the longest leaves the query to the engine,
which reads the longest only in the blocks that can hold one of the rare word's articles (a
block has up to 128 postings): a few blocks. A word in more, such as 90k articles of 1M
beside ``that``, has an article in nearly every block of it, and the engine's partial read
decoded them all (500-770 ms); here its exact scores bound the ranges (``SHORT``)."""
NONE = float("-inf")
"""No score: a range where no document can match, a word a document lacks."""
SLACK = 1 + 1e-9
"""A bound is raised by this much: the score's float arithmetic is monotonic in weight and
length only to within rounding."""
SHORT = 8
"""A term in this many times fewer articles than the query's longest is read whole: its exact
scores bound the ranges far better than its blocks would (a common word in titles)."""
EXACT_REST = 64
"""Ranges left after the top N is certain that are still read, for an exact total."""
SAMPLE = 48
"""Ranges read, spread over the rest, to estimate the total when more are left."""


class BoundError(ValueError):
    """A block held a score above its header's bound: the headers cannot be trusted."""


@dataclass(frozen=True)
class Word:
    """An ``Or`` of one word's terms (a single term is an ``Or`` of one): its score is the sum
    of the terms it has, each times its boost, then times ``boost``."""

    terms: tuple[Term, ...]
    boost: float


def words(q: Node) -> list[Word] | None:
    """The query as words that must all match (the ``And``'s own boost: ``query_boost``), or
    None when it is another shape."""
    parts = q.subqueries if isinstance(q, AllOf) and not q.negatives else (q,)
    found = []
    for part in parts:
        if isinstance(part, Term):
            word = Word((part,), 1.0)
        elif isinstance(part, AnyOf) and 0 < len(part.subqueries) <= 2:
            terms = tuple(t for t in part.subqueries if isinstance(t, Term))
            if len(terms) != len(part.subqueries):
                return None
            word = Word(terms, part.boost)
        else:
            return None
        if any(t.fieldname.startswith(PREFIX) for t in word.terms):
            return None
        found.append(word)
    return found


def query_boost(q: Node) -> float:
    return q.boost if isinstance(q, AllOf) else 1.0


def term_keys(reader: TermReader, found: list[Word]) -> list[list[tuple[str, bytes]]] | None:
    """Each word's terms as (field, bytes), or None when a field is not indexed."""
    schema = reader.searcher.schema
    if any(t.fieldname not in schema for w in found for t in w.terms):
        return None
    return [[(t.fieldname, _btext(schema, t)) for t in w.terms] for w in found]


def _btext(schema: Schema, term: Term) -> bytes:
    text = term.text
    return text if isinstance(text, bytes) else schema[term.fieldname].to_bytes(text)


class _List:
    """One term of the query. A long one is known by its blocks, in docnum order across the
    segments, each with its bound; a short one (``SHORT``) is read whole, exact."""

    def __init__(self, reader: TermReader, term: Term, btext: bytes) -> None:
        self.reader = reader
        self.fieldname = term.fieldname
        self.btext = btext
        self.boost = term.boost
        self.df = reader.doc_frequency(term.fieldname, btext)
        self.lasts: list[int] = []
        """Each block's last document (a long term's)."""
        self.bounds: list[float] = []
        self.ids: list[int] = []
        """A short term's documents, ascending ..."""
        self.scores: list[float] = []
        """... and their boosted scores."""
        self._where: list[tuple[PostingBlocks, int]] = []
        self._read: dict[int, tuple[list[int], list[float]]] = {}

    def read_blocks(self) -> None:
        """Read the block headers of a long term and bound each block's scores."""
        reader = self.reader
        df, infos = reader.infos(self.fieldname, self.btext)
        idf = reader.idf(df)
        k1p1, norm = reader.bm25(self.fieldname)
        boost = self.boost * SLACK
        for i, info in infos:
            leaf, offset = reader.leaf(i)
            blocks = PostingBlocks(leaf, info, offset)
            self.lasts += blocks.lasts
            self._where += [(blocks, j) for j in range(len(blocks.lasts))]
            self.bounds += [
                idf * ((w * k1p1) / (w + norm[n])) * boost
                for w, n in zip(blocks.weights, blocks.lengths, strict=True)
            ]

    def read_whole(self) -> None:
        """Read a short term's scores whole (kept in the engine's cache)."""
        scores = self.reader.term(self.fieldname, self.btext).scores
        boost = self.boost
        rows = sorted(scores.items() if boost == 1.0 else boosted(scores, boost).items())
        self.ids = [d for d, _s in rows]
        self.scores = [s for _d, s in rows]

    def last(self) -> int:
        """The last document that can have the term (-1: none)."""
        if self.lasts:
            return self.lasts[-1]
        return self.ids[-1] if self.ids else -1

    def block(self, i: int) -> tuple[list[int], list[float]]:
        """Block ``i``'s live documents and their exact scores (the engine's floats)."""
        found = self._read.get(i)
        if found is None:
            blocks, j = self._where[i]
            ids, weights = blocks.postings(j)
            reader = self.reader
            lengths = reader.field_lengths(self.fieldname)
            deleted = reader.deleted()
            df = reader.doc_frequency(self.fieldname, self.btext)
            idf = reader.idf(df)
            k1p1, norm = reader.bm25(self.fieldname)
            rows = [(d, wt) for d, wt in zip(ids, weights, strict=True) if d not in deleted]
            scores = [idf * ((wt * k1p1) / (wt + norm[lengths[d]])) for d, wt in rows]
            if self.boost != 1.0:
                scores = [s * self.boost for s in scores]
            if scores and max(scores) > self.bounds[i]:
                raise BoundError(f"a block of {self.fieldname} scores above its bound")
            found = self._read[i] = ([d for d, _wt in rows], scores)
        return found


def top(reader: TermReader, q: Node, found: list[Word], limit: int) -> TopDocs:
    """The ``limit`` best documents for ``q`` (whose words are ``found``), best first (ties:
    lower docnum first), and how many match (estimated when not every range was read)."""
    schema = reader.searcher.schema
    lists = [[_List(reader, t, _btext(schema, t)) for t in w.terms] for w in found]
    longest = max(t.df for word in lists for t in word)
    for word in lists:
        for t in word:
            if t.df * SHORT <= longest:
                t.read_whole()
            else:
                t.read_blocks()
    end = min(max(t.last() for t in word) for word in lists)
    if end < 0:
        return TopDocs([], 0)
    # A range holds the documents after the previous break up to its own: within it every long
    # term has one block (past its last, none). No document after ``end`` has every word.
    cuts = set().union(*(t.lasts for word in lists for t in word))
    breaks = sorted(h for h in cuts | {end} if h <= end)
    ranges = _Ranges(lists, breaks, [w.boost for w in found], query_boost(q))
    bounds = ranges.bounds()
    order = sorted(
        (r for r, b in enumerate(bounds) if b != NONE), key=bounds.__getitem__, reverse=True
    )
    best: list[tuple[float, int]] = []
    matched = 0
    visited = 0
    for r in order:
        if len(best) >= limit and best[0][0] > bounds[r]:
            break
        visited += 1
        for doc, score in ranges.scores(r):
            matched += 1
            if len(best) < limit:
                heapq.heappush(best, (score, -doc))
            elif (score, -doc) > best[0]:
                heapq.heapreplace(best, (score, -doc))
    hits = [(-d, s) for s, d in sorted(best, reverse=True)]
    rest = sorted(order[visited:])
    if len(rest) <= EXACT_REST:
        return TopDocs(hits, matched + sum(len(ranges.scores(r)) for r in rest))
    step = len(rest) / SAMPLE
    sample = [rest[int(i * step)] for i in range(SAMPLE)]
    seen = sum(len(ranges.scores(r)) for r in sample)
    spans = sum(map(ranges.span, sample))
    left = sum(map(ranges.span, rest)) - spans
    return TopDocs(hits, matched + seen + round(seen / max(1, spans) * left), estimated=True)


class _Ranges:
    """The query's documents cut into ranges: each range's bound, and the exact scores of
    the documents in it that match.

    A range's bound is the best of two: a document with none of the short terms (each word
    from its long terms' blocks), and each document with some short term (those exact, the
    rest from the blocks). Adding the short terms' best in the range instead would join two
    titles of different articles: at 1M articles most ranges hold some title with either of
    two common words, few a title with both."""

    def __init__(
        self, lists: list[list[_List]], breaks: list[int], boosts: list[float], boost: float
    ) -> None:
        self.lists, self.breaks = lists, breaks
        self.boosts, self.boost = boosts, boost
        self.blocks = [
            [[bisect_left(t.lasts, h) for h in breaks] if t.lasts else [] for t in word]
            for word in lists
        ]
        """Per word and term, the block of each range (a long term's)."""

    def span(self, r: int) -> int:
        return self.breaks[r] - (self.breaks[r - 1] if r else -1)

    def bounds(self) -> list[float]:
        """Each range's bound (-inf: no document there can match)."""
        n = len(self.breaks)
        cut = partial(bisect_left, self.breaks)
        longs: list[list[float]] = []  # per word: its long terms' bounds added, per range
        covered: list[list[bool]] = []  # per word: has a long term a block there?
        shorts: list[dict[int, float]] = []  # per word: its short terms' scores, per document
        tops: list[list[float]] = []  # per word: the best of those, per range
        for word, blocks in zip(self.lists, self.blocks, strict=True):
            summed, cover = [0.0] * n, [False] * n
            short: dict[int, float] = {}
            for t, at in zip(word, blocks, strict=True):
                if t.lasts:
                    padded = [*t.bounds, 0.0]  # past its last block the term adds nothing
                    summed = list(map(add, summed, [padded[i] for i in at]))
                    last = len(t.lasts)
                    cover = [c or i < last for c, i in zip(cover, at, strict=True)]
                elif not short:
                    short = dict(zip(t.ids, t.scores, strict=True))
                else:
                    for d, s in zip(t.ids, t.scores, strict=True):
                        short[d] = short[d] + s if d in short else s
            top = [NONE] * n
            for r, s in zip(map(cut, short), short.values(), strict=True):
                if r < n and s > top[r]:
                    top[r] = s
            longs.append(summed)
            covered.append(cover)
            shorts.append(short)
            tops.append(top)
        boosts = self.boosts
        words = range(len(self.lists))
        weighed = [[b * boosts[w] for b in longs[w]] for w in words]

        def others(w: int | None) -> tuple[list[float], list[bool]]:
            """The long terms' bounds of every word but ``w``, and do they all have a block."""
            total, cover = [0.0] * n, [True] * n
            for v in words:
                if v != w:
                    total = list(map(add, total, weighed[v]))
                    cover = list(map(and_, cover, covered[v]))
            return total, cover

        # a document with no short term ...
        total, cover = others(None)
        out = [b if c else NONE for b, c in zip(total, cover, strict=True)]
        # ... with short terms of one word only ...
        for w in words:
            rest, cover = others(w)
            bw = boosts[w]
            out = [
                max(b, (m + x) * bw + o) if c and m != NONE else b
                for b, m, x, o, c in zip(out, tops[w], longs[w], rest, cover, strict=True)
            ]
        # ... and with short terms of several words: few, each bounded on its own
        several: set[int] = set()
        seen: set[int] = set()
        for short in shorts:
            several |= seen.intersection(short)
            seen |= short.keys()
        for d in several:
            r = cut(d)
            if r >= n:
                continue
            parts = [short.get(d, NONE) for short in shorts]
            if all(parts[w] != NONE or covered[w][r] for w in words):
                b = sum((max(parts[w], 0.0) + longs[w][r]) * boosts[w] for w in words)
                out[r] = max(out[r], b)
        return [b * self.boost * SLACK for b in out]

    def scores(self, r: int) -> list[tuple[int, float]]:
        lo = self.breaks[r - 1] if r else -1
        hi = self.breaks[r]
        words: list[dict[int, float]] = []
        for word, blocks, word_boost in zip(self.lists, self.blocks, self.boosts, strict=True):
            merged: dict[int, float] = {}
            for t, at in zip(word, blocks, strict=True):
                if t.lasts:
                    if at[r] == len(t.lasts):
                        continue
                    ids, scores = t.block(at[r])
                else:
                    ids, scores = t.ids, t.scores
                a, b = bisect_right(ids, lo), bisect_right(ids, hi)
                for d, s in zip(ids[a:b], scores[a:b], strict=True):
                    merged[d] = merged[d] + s if d in merged else s
            if not merged:
                return []
            if word_boost != 1.0:
                merged = {d: s * word_boost for d, s in merged.items()}
            words.append(merged)
        return _all(words, self.boost)


def _all(words: Sequence[dict[int, float]], boost: float) -> list[tuple[int, float]]:
    """Documents in every word's scores, the words added left to right (as ``And`` adds)."""
    first, *others = words
    out = []
    for d, s in first.items():
        total = s
        for other in others:
            found = other.get(d)
            if found is None:
                break
            total += found
        else:
            out.append((d, total * boost if boost != 1.0 else total))
    return out
