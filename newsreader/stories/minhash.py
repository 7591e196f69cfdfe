"""Near-duplicate signatures: one-permutation MinHash over word shingles, and LSH band keys.

A signature stands for an article's set of word shingles (``SHINGLE`` words in a row, never
across a paragraph break, so reordered paragraphs give the same set). Each shingle is hashed
once with a stable 64-bit hash (``blake2b``: Python's ``hash()`` is salted per process, and
signatures outlive the process); the low bits choose one of ``BINS`` bins and the rest is
kept when it is the bin's smallest. The fraction of bins two signatures agree on estimates
the Jaccard similarity of their shingle sets.
"""

from __future__ import annotations

import re
from array import array
from hashlib import blake2b
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from newsreader.library import Article

SHINGLE = 4
"""Words per shingle: three share too much between unrelated stories told in the same
stock phrases; five lose too many shingles to each reworded word."""
BINS = 128
_BIN_BITS = 7
ROWS = 3
BANDS = BINS // ROWS
"""Rows per LSH band: two signatures become candidates when all rows of any band agree.
32 bands of 4 make a pair of Jaccard 0.5 a candidate 87% of the time, 0.3 only 23%, and
the 0.05 of two unrelated articles on one topic almost never."""
_EMPTY = 0xFFFFFFFF
_WORD = re.compile(r"\w+")


class Signature(NamedTuple):
    """An article's MinHash: ``BINS`` 32-bit minima and how many distinct shingles it had."""

    mins: array[int]
    shingles: int

    def to_bytes(self) -> bytes:
        return self.shingles.to_bytes(4, "little") + self.mins.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        mins = array("I")
        mins.frombytes(data[4:])
        return cls(mins, int.from_bytes(data[:4], "little"))

    @property
    def empty(self) -> bool:
        return self.shingles == 0


def shingles(paragraphs: tuple[str, ...] | list[str]) -> set[str]:
    """The article's distinct word shingles, case-folded; a paragraph shorter than a shingle
    is one shingle."""
    out: set[str] = set()
    for para in paragraphs:
        words = _WORD.findall(para.casefold())
        if not words:
            continue
        if len(words) <= SHINGLE:
            out.add(" ".join(words))
            continue
        out.update(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    return out


def signature(paragraphs: tuple[str, ...] | list[str]) -> Signature:
    """The MinHash signature of an article's body paragraphs."""
    mins = [_EMPTY] * BINS
    mask = BINS - 1
    found = shingles(paragraphs)
    for shingle in found:
        h = int.from_bytes(blake2b(shingle.encode(), digest_size=8).digest(), "little")
        b = h & mask
        v = (h >> _BIN_BITS) & 0xFFFFFFFF
        if v < mins[b]:
            mins[b] = v
    if found:
        _densify(mins)
    return Signature(array("I", mins), len(found))


def story_signature(article: Article) -> bytes:
    """``signature`` of an article's body, as the store keeps it (a full build's ``Extra``)."""
    return signature(article.paragraphs).to_bytes()


def _densify(mins: list[int]) -> None:
    """Fill each empty bin from the next filled one (rotation), so that two sets agree on a
    bin by the same chance whether or not a short article left it empty. The distance is
    mixed in so a borrowed value does not equal the bin it came from."""
    orig = list(mins)
    for i in range(BINS):
        if orig[i] != _EMPTY:
            continue
        step = 1
        while orig[(i + step) % BINS] == _EMPTY:
            step += 1
        mins[i] = (orig[(i + step) % BINS] + step * 0x9E3779B1) & 0xFFFFFFFE


def band_keys(sig: Signature) -> list[int]:
    """One key per band (63-bit, so SQLite stores it as an integer); the band's number is
    hashed in, so equal rows in two different bands give different keys."""
    if sig.empty:
        return []
    keys = []
    raw = sig.mins.tobytes()
    width = ROWS * 4
    for band in range(BANDS):
        part = band.to_bytes(1, "little") + raw[band * width : (band + 1) * width]
        keys.append(int.from_bytes(blake2b(part, digest_size=8).digest(), "little") >> 1)
    return keys


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    if a.empty or b.empty:
        return 0.0
    same = sum(1 for x, y in zip(a.mins, b.mins, strict=True) if x == y)
    return same / BINS


def containment(a: Signature, b: Signature, jac: float | None = None) -> float:
    """Estimated share of the smaller set found in the larger (a trimmed copy of a story
    is contained in the full one even when their Jaccard is low)."""
    j = jaccard(a, b) if jac is None else jac
    small = min(a.shingles, b.shingles)
    if small == 0:
        return 0.0
    common = j * (a.shingles + b.shingles) / (1 + j)
    return min(1.0, common / small)


JACCARD_MIN = 0.5
CONTAINED_MIN = 0.8
CONTAINED_SHINGLES = 40
"""Containment alone makes a pair only when the smaller article has this many shingles: a
short note quoting one sentence of a story is contained in it but is not the story."""


def near_duplicates(a: Signature, b: Signature) -> bool:
    """Whether two signatures tell the same story."""
    j = jaccard(a, b)
    if j >= JACCARD_MIN:
        return True
    if min(a.shingles, b.shingles) < CONTAINED_SHINGLES:
        return False
    return containment(a, b, j) >= CONTAINED_MIN
