"""Spelling: what a person probably meant by a word the library does not have.

A noisy-channel corrector over the library's own surface words (``analysis.surface_words``,
counted per article by the index): the candidates are the words within two
Damerau-Levenshtein edits of the typed one, and each is scored by how often the library uses
it against how likely the typing slip is. Slips people make often cost less: a letter
doubled or undoubled, two letters swapped, a key's neighbour, one vowel for another, a vowel
left out. Imports nothing of Whoosh.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

from newsreader.search.highlight import edit_distance

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_VOWELS = frozenset("aeiouy")


def _neighbours() -> dict[str, frozenset[str]]:
    """QWERTY keys that touch: left, right, and the two above and below."""
    where = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    out: dict[str, frozenset[str]] = {}
    for c, (r, i) in where.items():
        near = set()
        for other, (r2, i2) in where.items():
            # Rows are offset by about half a key: row r2's key i2 touches i and i+1 of the
            # row above it, i-1 and i of the row below.
            if other != c and (
                (r2 == r and abs(i2 - i) == 1)
                or (r2 == r - 1 and i2 in (i, i + 1))
                or (r2 == r + 1 and i2 in (i - 1, i))
            ):
                near.add(other)
        out[c] = frozenset(near)
    return out


NEIGHBOURS = _neighbours()

EDIT = 1.0
"""The cost of an unlikely slip (a key far from the right one, a stray letter); the cheaper
ones below are the slips people make all the time."""
DOUBLE = 0.5
"""A letter typed twice, or once where the word has it twice."""
SWAP = 0.6
"""Two adjacent letters swapped."""
NEAR = 0.7
"""A key's neighbour for the key, or one vowel for another."""
DROP = 0.6
"""A letter left out."""
VOWEL_DROP = 0.5
"""A vowel left out (``parliment``, ``minster``)."""
SLIP = 4.0
"""How much less likely each unit of slip cost makes a candidate (in log-probability)."""
STEP = 2.0
"""And each edit as such: a second slip in one word is rarer than any single one, so a word
two edits away must be far more common than one a single edit away to win."""
MIN_LENGTH = 3
"""Shorter words are never corrected: everything is near them."""
OWN_MARGIN = 20
"""A word the library has is corrected only to a word at least this many times as common."""
OWN_RARE = 3
"""And only when at most this many articles have it: a word in more is no slip (and is
answered without looking at candidates)."""


def _sub(x: str, y: str) -> float:
    if x == y:
        return 0.0
    if y in NEIGHBOURS.get(x, ()) or (x in _VOWELS and y in _VOWELS):
        return NEAR
    return EDIT


def _extra(typed: str, k: int) -> float:
    """The cost of ``typed[k]`` typed where the word has no letter."""
    c = typed[k]
    before = typed[k - 1] if k else ""
    after = typed[k + 1] if k + 1 < len(typed) else ""
    if c in (before, after):
        return DOUBLE
    if before in NEIGHBOURS.get(c, ()) or after in NEIGHBOURS.get(c, ()) or c in _VOWELS:
        return NEAR
    return EDIT


def _missing(word: str, k: int) -> float:
    """The cost of leaving out ``word[k]``."""
    c = word[k]
    if (k and word[k - 1] == c) or (k + 1 < len(word) and word[k + 1] == c):
        return DOUBLE
    return VOWEL_DROP if c in _VOWELS else DROP


def slip_cost(typed: str, word: str) -> float:
    """The weighted Damerau-Levenshtein (optimal string alignment) cost of typing ``word``
    as ``typed``."""
    n, m = len(typed), len(word)
    prev2: list[float] = []
    prev = [0.0]
    for j in range(m):
        prev.append(prev[-1] + _missing(word, j))
    for i in range(1, n + 1):
        cur = [prev[0] + _extra(typed, i - 1)]
        a = typed[i - 1]
        for j in range(1, m + 1):
            b = word[j - 1]
            best = min(
                prev[j] + _extra(typed, i - 1),
                cur[j - 1] + _missing(word, j - 1),
                prev[j - 1] + _sub(a, b),
            )
            if i > 1 and j > 1 and a == word[j - 2] and typed[i - 2] == b and a != b:
                best = min(best, prev2[j - 2] + SWAP)
            cur.append(best)
        prev2, prev = prev, cur
    return prev[m]


def _deletes(word: str) -> Iterator[str]:
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


class Candidate(NamedTuple):
    """A vocabulary word near a typed one."""

    word: str
    distance: int
    """Damerau-Levenshtein edits from the typed word."""
    cost: float
    """The weighted slip cost (``slip_cost``)."""
    articles: int
    """Articles that use the word."""

    @property
    def score(self) -> float:
        """Log-probability, up to a constant, that this is the word meant."""
        return math.log(self.articles) - SLIP * self.cost - STEP * self.distance


class _Deletions:
    """Every word under each string one deletion away from it, as one packed array sorted by
    the string's hash (high bits) and the word's number (low bits): a dict of lists costs an
    object or two per string, ~10x the memory. A hash collision only adds a candidate, which
    the edit distance then turns away."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = [w for w in words if len(w) >= MIN_LENGTH][: 1 << _OWNER_BITS]
        self.keys = array(
            "Q",
            sorted(
                (hash(d) & _HASH_MASK) << _OWNER_BITS | i
                for i, w in enumerate(self.words)
                for d in set(_deletes(w))
            ),
        )
        self.extra: dict[str, list[str]] = {}
        """Words added since (an index update brings a few)."""

    def add(self, word: str) -> None:
        if len(word) >= MIN_LENGTH:
            for d in set(_deletes(word)):
                self.extra.setdefault(d, []).append(word)

    def under(self, key: str, found: set[str]) -> None:
        """Add to ``found`` the words one deletion away from which is ``key``."""
        h = hash(key) & _HASH_MASK
        keys = self.keys
        i = bisect_left(keys, h << _OWNER_BITS)
        while i < len(keys) and keys[i] >> _OWNER_BITS == h:
            found.add(self.words[keys[i] & _OWNER_MASK])
            i += 1
        more = self.extra.get(key)
        if more:
            found.update(more)


_OWNER_BITS = 21
_OWNER_MASK = (1 << _OWNER_BITS) - 1
_HASH_MASK = (1 << (64 - _OWNER_BITS)) - 1


class Vocabulary:
    """The library's surface words and how many articles use each."""

    def __init__(self, counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> None:
        items = counts.items() if isinstance(counts, Mapping) else counts
        self.counts: dict[str, int] = {w: n for w, n in items if n > 0}
        self._index: _Deletions | None = None
        self.segments: frozenset[str] = frozenset()
        """The index segments ``counts`` were summed from (``vocab.py``), when known."""

    def __len__(self) -> int:
        return len(self.counts)

    def __contains__(self, word: object) -> bool:
        return word in self.counts

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def rebased(self, counts: Mapping[str, int]) -> Vocabulary:
        """A vocabulary of ``counts`` that shares this one's candidate index, with the new
        words added to it (an update adds a few words; rebuilding the index for them costs
        as much as the first build). Words that went stay in the index, unseen."""
        other = Vocabulary(counts)
        index = self._index
        if index is not None:
            for word in other.counts.keys() - self.counts.keys():
                index.add(word)
            other._index = index
        return other

    def prepare(self) -> None:
        """Build the candidate index now rather than on the first look-up."""
        self._deletions()

    @property
    def prepared(self) -> bool:
        """Is the candidate index built?"""
        return self._index is not None

    def _deletions(self) -> _Deletions:
        if self._index is None:
            self._index = _Deletions(self.counts)
        return self._index

    def candidates(self, typed: str, maxdist: int = 2) -> list[Candidate]:
        """The words within ``maxdist`` (1 or 2) edits of ``typed``, the word itself included
        when the library has it. Found by deletions: up to two from the typed word (or one
        letter put in), one from the candidate; that reaches every word one edit away and
        nearly all two away."""
        if not typed or len(typed) > 40:
            return []
        keys = {typed, *_deletes(typed)}
        if maxdist >= 2:
            keys |= {d2 for d1 in list(keys) for d2 in _deletes(d1)}
            # Two letters left out: the typed word with one put back is a deletion of the word.
            keys |= {typed[:i] + c + typed[i:] for i in range(len(typed) + 1) for c in _LETTERS}
        found: set[str] = set()
        if self._index is None:
            # No candidate index yet (``prepare`` builds it): one pass over the words finds
            # the same ones at a tenth of the cost of building it, which a process that
            # looks up one or two words (the command line) would never get back.
            self._scan(typed, keys, maxdist, found)
        else:
            for key in keys:
                if key in self.counts:
                    found.add(key)
                self._index.under(key, found)
        out = []
        for word in found:
            if word not in self.counts:
                continue  # gone from the library since the index was built
            dist = edit_distance(typed, word, maxdist)
            if dist <= maxdist:
                out.append(Candidate(word, dist, slip_cost(typed, word), self.counts[word]))
        return out

    def _scan(self, typed: str, keys: set[str], maxdist: int, found: set[str]) -> None:
        """Add to ``found`` what the candidate index would give for ``keys``: the words that
        are a key, or one deletion away from one (``candidates``). Such a word is at most
        ``maxdist`` letters longer or shorter than ``typed``, and at most 4 letters are in
        one of the two and not in the other (each deletion, insertion or substitution
        changes that by at most 2), which turns away most words before their deletions."""
        lo, hi = len(typed) - maxdist, len(typed) + maxdist
        letters = set(typed)
        near = letters.symmetric_difference
        disjoint = keys.isdisjoint
        for word in self.counts:
            n = len(word)
            if n < lo or n > hi:
                continue
            if word in keys or (
                n >= MIN_LENGTH
                and len(near(word)) <= 4
                and not disjoint([word[:i] + word[i + 1 :] for i in range(n)])
            ):
                found.add(word)

    def correct(self, typed: str, own: int | None = None) -> str | None:
        """The word most probably meant by ``typed`` (folded), or None to leave it as is.
        ``own``: how many articles have the typed word (default: its count here)."""
        if len(typed) < MIN_LENGTH or not typed.isalpha():
            return None
        own = self.count(typed) if own is None else own
        if own > OWN_RARE:
            return None
        maxdist = 1 if len(typed) <= 4 else 2
        others = [c for c in self.candidates(typed, maxdist) if c.word != typed]
        if not others:
            return None
        best = max(others, key=lambda c: (c.score, c.articles, c.word))
        if own and (best.articles < OWN_MARGIN * own or best.score <= math.log(own)):
            return None
        return best.word

    def expand(self, typed: str, maxdist: int, limit: int) -> list[tuple[Candidate, float]]:
        """``typed~``: at most ``limit`` words, each with its weight in a hit's score: the
        word itself (1.0) first, then by edit distance, then by how probably it is the word
        meant; the weights follow that probability, so a rare word one slip away weighs
        little beside a common one."""
        cands = self.candidates(typed, max(1, min(maxdist, 2)))
        cands.sort(key=lambda c: (c.word != typed, c.distance, -c.score, c.word))
        cands = cands[:limit]
        others = [c for c in cands if c.word != typed]
        if not others:
            return [(c, 1.0) for c in cands]
        top = max(c.score for c in others)
        out = []
        for c in cands:
            if c.word == typed:
                out.append((c, 1.0))
            else:
                # Below the word itself; within that, by probability and by distance.
                weight = 0.2**c.distance * math.exp(max(c.score - top, -30.0))
                out.append((c, max(weight, 1e-6)))
        return out
