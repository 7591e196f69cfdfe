"""Phrase candidates: do the words stand next to each other, and which candidates to check
(best upper bound first) until the top N are certain. Used by ``engine.py``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import sub

from newsreader.search.schema import decode_positions

CHECK_ALL = 1500
"""Phrase candidates checked one by one for an exact total; above this it is estimated."""
SAMPLE = 200
"""Phrase candidates checked to estimate the total of a very common pair of words."""

Check = Callable[[int], "float | None"]

PARTIAL = 256
"""A phrase word in this many times more articles than its rarest word is read only in the
blocks (128 postings) that can hold the rare word's articles (few of them)..."""
LONG_LIST = 20_000
"""... and so is a word in more articles than this when it is in 4 times more than the
rarest one: every block is decompressed, but only the rare word's articles are scored and
kept (at 100k articles ~45 instead of ~100 ms for a word found in 76k). Shorter lists are
read whole and cached for the next query."""


@dataclass
class TopDocs:
    """The best documents (global docnum, score) and how many matched."""

    hits: list[tuple[int, float]]
    total: int
    estimated: bool = False


def pair_check(
    first: dict[int, bytes], second: dict[int, bytes], scores: dict[int, float], boost: float
) -> Check:
    """Does a candidate have the two words next to each other? Then its phrase score.

    ~2 µs per candidate; a single position (most words in most articles) is read straight
    from its 16-bit little-endian value (``schema.encode_positions``) without an array."""

    def check(doc: int) -> float | None:
        a, b = first[doc], second[doc]
        if len(a) == 6:  # one position
            after = (a[4] | a[5] << 8) + 1
            if len(b) == 6:
                hit = (b[4] | b[5] << 8) == after
            else:
                hit = after in decode_positions(b)
        else:
            hit = not set(decode_positions(a)).isdisjoint(map(sub, decode_positions(b), repeat(1)))
        if not hit:
            return None
        return scores[doc] * boost if boost != 1.0 else scores[doc]

    return check


def run_check(values: list[dict[int, bytes]], scores: dict[int, float], boost: float) -> Check:
    """The same for three or more words."""

    def check(doc: int) -> float | None:
        starts = set(decode_positions(values[0][doc]))
        for offset, vals in enumerate(values[1:], 1):
            starts.intersection_update(map(sub, decode_positions(vals[doc]), repeat(offset)))
            if not starts:
                return None
        return scores[doc] * boost if boost != 1.0 else scores[doc]

    return check


def scaled(check: Check, boost: float) -> Check:
    def scaled(doc: int) -> float | None:
        s = check(doc)
        return None if s is None else s * boost

    return scaled


def lazy_top(scores: dict[int, float], check: Check, limit: int) -> TopDocs:
    """Visit candidates by upper bound until no unvisited one can enter the top ``limit``."""
    if len(scores) <= CHECK_ALL:  # the total will be exact: check them all, no heap
        found = [(s, -d) for d in scores if (s := check(d)) is not None]
        return TopDocs([(-d, s) for s, d in heapq.nlargest(limit, found)], len(found))
    queue = [(-s, d) for d, s in scores.items()]
    heapq.heapify(queue)
    top: list[tuple[float, int]] = []
    matched = 0
    while queue:
        bound, doc = queue[0]
        if len(top) >= limit and (-bound, -doc) < top[0]:
            break
        heapq.heappop(queue)
        s = check(doc)
        if s is None:
            continue
        matched += 1
        if len(top) < limit:
            heapq.heappush(top, (s, -doc))
        elif (s, -doc) > top[0]:
            heapq.heapreplace(top, (s, -doc))
    hits = [(-d, s) for s, d in sorted(top, reverse=True)]
    if not queue:
        return TopDocs(hits, matched)
    if len(queue) <= CHECK_ALL:
        return TopDocs(hits, matched + sum(1 for _b, d in queue if check(d) is not None))
    step = len(queue) / SAMPLE
    sample = [queue[int(i * step)][1] for i in range(SAMPLE)]
    rate = sum(1 for d in sample if check(d) is not None) / SAMPLE
    return TopDocs(hits, matched + round(rate * len(queue)), estimated=True)


def partial_read(df: int, candidates: int) -> bool:
    """Read a phrase word's postings only for the ``candidates`` of its rarest word?"""
    return df > PARTIAL * candidates or (df > LONG_LIST and df > 4 * candidates)
