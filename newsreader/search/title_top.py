"""The top N of plain words without scoring every article of a common word.

A plain query is, per word, ``title^2 OR body`` (``query.py``), and an ``And`` of those. A
common word's body list holds most of the library (~100k postings at 100k articles, ~20 ms
to score and ~10 ms more to merge and rank), yet a body match scores less than
``idf * (k1 + 1)`` (BM25 saturates) while a title match, of a rarer term, usually scores far
more. So when the N-th best article with a title match already beats every score an article
without one can reach, only the articles with a title match are scored: for one word the
body list is read only in their blocks; for several, the body lists are read whole but only
their docnums are used (to count the matches). Hits, scores and totals are the full
evaluation's (``engine.py``), float for float; otherwise the caller evaluates as usual.
Postings, scores and caches are the searcher's ``TermReader`` (``terms.py``).
"""

from __future__ import annotations

import heapq
from bisect import bisect_left

from newsreader.search.phrase_candidates import partial_read
from newsreader.search.query_model import AllOf, AnyOf, Node, Term
from newsreader.search.terms import TermReader, boosted

BIG = 5_000
"""Only a query with a body list this long (and not cached) is tried here."""
MARGIN = 1e-9
"""Relative room between a bound and the N-th best score (the bound is exact in floats; this
is insurance)."""


class _Group:
    """One word: ``small OR big`` (two terms; big is the one in more documents)."""

    __slots__ = ("big", "big_boost", "big_df", "big_text", "small")

    def __init__(self, small: dict[int, float], big: Term, big_text: bytes, big_df: int) -> None:
        self.small = small
        self.big = big
        self.big_text = big_text
        self.big_df = big_df
        self.big_boost = float(big.boost)


def bounded_top(
    terms: TermReader, q: Node, limit: int, partial_reads: bool = True
) -> tuple[list[tuple[int, float]], int] | None:
    """(hits, total) for an ``Or`` of two terms or an ``And`` of such ``Or`` s, or None when
    this way does not apply or cannot prove its answer. ``partial_reads``: does the engine
    read a common word only in the rarest word's articles (then it leaves those queries)?"""
    groups = _groups(terms, q, partial_reads)
    if groups is None or limit < 1:
        return None
    bound = 0.0  # the best score of an article with no small-term match, summed as they are
    for g in groups:
        b = terms.ceiling(g.big_df)
        b = b * g.big_boost if g.big_boost != 1.0 else b
        bound = b if bound == 0.0 else bound + b
    bound *= 1 + MARGIN
    if len(groups) == 1:
        return _one(terms, groups[0], limit, bound)
    return _many(terms, groups, limit, bound)


def _groups(terms: TermReader, q: Node, partial_reads: bool) -> list[_Group] | None:
    parts: tuple[Node, ...]
    if isinstance(q, AllOf) and q.boost == 1.0:
        if q.negatives:
            return None
        parts = q.subqueries
    else:
        parts = (q,)
    schema = terms.searcher.schema
    words = []
    for p in parts:
        if not isinstance(p, AnyOf) or p.boost != 1.0 or len(p.subqueries) != 2:
            return None
        pair = []
        for t in p.subqueries:
            if not isinstance(t, Term) or t.fieldname not in schema:
                return None
            btext = schema[t.fieldname].to_bytes(t.text)
            pair.append((terms.doc_frequency(t.fieldname, btext), t, btext))
        pair.sort(key=lambda x: x[0])
        words.append(pair)
    if len(words) > 1 and partial_reads:
        sizes = [small[0] + big[0] for small, big in words]
        least = min(sizes)
        if any(partial_read(n, least) for n in sizes if n != least):
            return None  # the rarest word's articles bound the others (engine._all_of)
    if not any(
        big[0] >= BIG and not terms.is_cached(big[1].fieldname, big[2]) for _small, big in words
    ):
        return None
    groups = []
    for (_sdf, small, _stext), (bdf, big, btext) in words:
        scores = boosted(terms.term(small.fieldname, small.text).scores, small.boost)
        groups.append(_Group(scores, big, btext, bdf))
    return groups


def _nth(scored: dict[int, float], limit: int) -> tuple[list[tuple[float, int]], float]:
    best = heapq.nlargest(limit, zip(scored.values(), [-d for d in scored], strict=True))
    return best, best[-1][0] if len(best) >= limit else float("-inf")


def _one(
    terms: TermReader, g: _Group, limit: int, bound: float
) -> tuple[list[tuple[int, float]], int] | None:
    """One word: the small term's articles score at least their small score."""
    if _nth(g.small, limit)[1] <= bound:
        return None
    deleted = terms.deleted()
    wanted = sorted(g.small.keys() | deleted)
    ids, weights = terms.postings_of(g.big.fieldname, g.big_text, wanted)
    big = boosted(terms.scored(g.big.fieldname, g.big_df, ids, weights), g.big_boost)
    final = dict(g.small)
    for d, s in big.items():
        if d in final:
            final[d] = s + final[d]
    gone = sum(1 for d in ids if d in deleted)
    total = g.big_df - gone + len(g.small.keys() - big.keys())
    best, _nth_score = _nth(final, limit)
    return [(-d, s) for s, d in best], total


def _many(
    terms: TermReader, groups: list[_Group], limit: int, bound: float
) -> tuple[list[tuple[int, float]], int] | None:
    """Several words: every body list's docnums count the matches; only the matches with a
    small-term match in some word are scored."""
    deleted = terms.deleted()
    lists = [terms.postings_of(g.big.fieldname, g.big_text) for g in groups]
    matches: set[int] | None = None
    for g, (ids, _weights) in zip(groups, lists, strict=True):
        docs = set(ids)
        docs -= deleted
        docs.update(g.small)
        matches = docs if matches is None else matches & docs
    if not matches:
        return [], 0
    titled = matches & set().union(*(g.small for g in groups))
    # An article scores at least its small scores and at most those plus ``bound``: score
    # only the ones whose most reaches the N-th best least.
    least = dict.fromkeys(titled, 0.0)
    for g in groups:
        small = g.small
        for d in titled:
            s = small.get(d)
            if s is not None:
                least[d] += s
    cut = _nth(least, limit)[1]
    final = {d: 0.0 for d, s in least.items() if s + bound >= cut}
    for n, (g, (ids, weights)) in enumerate(zip(groups, lists, strict=True)):
        at = {d: i for d in final if (i := bisect_left(ids, d)) < len(ids) and ids[i] == d}
        body = terms.scored(g.big.fieldname, g.big_df, list(at), [weights[i] for i in at.values()])
        boost = g.big_boost
        small = g.small
        for d in final:
            s = small.get(d)
            b = body.get(d)
            if b is not None:
                if boost != 1.0:
                    b = b * boost
                s = b if s is None else b + s
            if s is None:  # not in this word's lists: cannot be (it is a match)
                raise AssertionError(d)
            final[d] = s if n == 0 else final[d] + s
    best, nth = _nth(final, limit)
    if nth <= bound:  # an article without a title match may rank: score them all
        for g, (ids, weights) in zip(groups, lists, strict=True):
            scores = terms.scored(g.big.fieldname, g.big_df, ids, weights)
            terms.drop_deleted(scores)
            terms.remember(g.big.fieldname, g.big_text, scores)
        return None
    return [(-d, s) for s, d in best], len(matches)
