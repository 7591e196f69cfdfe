"""Common-word pairs: a phrase of two very common words read from one short posting list.

A phrase such as ``"could because"`` joins two words found in most articles that rarely meet:
checking positions meant reading two posting lists as long as the library (~5 ms each at 10k
articles, ~85 ms at 100k) and testing every article that has both (~2 µs each). So a full
build picks the words found in at least ``COMMON_DF`` of a sample of articles (``common``),
stores them beside the index generation (``COMMON_FILE``), and indexes every adjacent pair of
two common words of a title or body as a term of a pairs field (``"could becaus"``; adjacency
is by position, which skips at paragraph breaks, so a pair never spans two paragraphs). Its
posting value is the two words' frequencies in the article, so the phrase's score (the sum of
the words' BM25F scores) comes out exactly as the position check gives it. Updates index new
articles with the stored set, and the query side asks for a pair only when both words are in
the set of the generation it reads. Imports Whoosh.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path

from whoosh import fields, formats

from newsreader.search.analysis import index_sequence

COMMON_DF = 0.2
"""A word is common when at least this share of the sampled articles has it (~500 words in
the generated corpus; a pair list then replaces two lists of 10-100% of the library)."""
SAMPLE = 400
"""Articles analysed to choose the common words (spread over the whole library)."""
COMMON_FILE = "common-words.txt"
PREFIX = "pairs_"
"""A text field ``f`` has its pairs in the field ``pairs_f``."""

_LITTLE = sys.byteorder == "little"


class PairFormat(formats.Format):  # type: ignore[misc]
    """A posting value of two unsigned 32-bit frequencies (fixed size: one blob per block)."""

    posting_size = 8


class DerivedField(fields.FieldType):  # type: ignore[misc]
    """A field indexed from the analysis of the text field ``source`` and the generation's
    common words: one unscored posting of weight 1 per term, with a fixed-size value."""

    def __init__(self, format: formats.Format, source: str, common: frozenset[str]) -> None:
        super().__init__(format, None, scorable=False, stored=False)
        self.source = source
        self.common = common

    def values(
        self, positions: dict[str, list[int]], seq: list[tuple[str, ...]]
    ) -> dict[str, bytes]:
        """Each term -> its posting value, from ``analysis.index_sequence`` of the source."""
        raise NotImplementedError

    def index(self, value: str, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        for term, value_bytes in self.values(*index_sequence(value)).items():
            yield term.encode("utf-8"), 1, 1.0, value_bytes


class PairField(DerivedField):
    """The pairs of two common words adjacent in the text of the field ``source``."""

    def __init__(self, source: str, common: frozenset[str]) -> None:
        super().__init__(PairFormat(), source, common)

    def values(
        self, positions: dict[str, list[int]], seq: list[tuple[str, ...]]
    ) -> dict[str, bytes]:
        pairs = pair_terms(positions, seq, self.common)
        return {term: pair_value(*freqs) for term, freqs in pairs.items()}


def pair_terms(
    positions: dict[str, list[int]], seq: list[tuple[str, ...]], common: frozenset[str]
) -> dict[str, tuple[int, int]]:
    """``"w1 w2"`` -> (frequency of w1, of w2) for every common w1 right before a common w2;
    ``positions`` and ``seq`` as ``analysis.index_sequence`` gives them."""
    if not common:
        return {}
    kept = _kept.get(common)
    if kept is None or len(kept) > KEPT:
        _kept.clear()  # one generation's words at a time
        kept = _kept[common] = _Kept(common)
    marks = list(map(kept.__getitem__, seq))  # each token's common terms, in C
    found: dict[str, tuple[str, str]] = {}
    for firsts, seconds in pairwise(marks):
        if firsts and seconds:
            for a in firsts:
                for b in seconds:
                    found[f"{a} {b}"] = (a, b)
    return {key: (len(positions[a]), len(positions[b])) for key, (a, b) in found.items()}


KEPT = 300_000
"""Distinct tokens whose common terms are kept between articles (like the analysis's cache)."""


class _Kept(dict[tuple[str, ...], tuple[str, ...]]):
    """A token's terms -> those of them that are common (computed once per distinct token)."""

    def __init__(self, common: frozenset[str]) -> None:
        super().__init__()
        self.common = common

    def __missing__(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        self[terms] = kept = tuple(t for t in terms if t in self.common)
        return kept


_kept: dict[frozenset[str], _Kept] = {}

_values: dict[tuple[int, int], bytes] = {}


def pair_value(first: int, second: int) -> bytes:
    """The posting value of a pair whose words occur ``first`` and ``second`` times (shared
    objects: most pairs have small frequencies)."""
    key = (first, second)
    value = _values.get(key)
    if value is None:
        arr = array("I", key)
        if not _LITTLE:
            arr.byteswap()
        value = arr.tobytes()
        if len(_values) < 10_000:
            _values[key] = value
    return value


def pair_frequencies(blob: bytes) -> tuple[array[int], array[int]]:
    """The first and second words' frequencies of a run of pair values."""
    arr = array("I", blob)
    if not _LITTLE:
        arr.byteswap()
    return arr[0::2], arr[1::2]


def common_words(docs: Iterable[Iterable[str]]) -> frozenset[str]:
    """The terms found in at least ``COMMON_DF`` of ``docs`` (each a document's terms)."""
    df: Counter[str] = Counter()
    count = 0
    for terms in docs:
        df.update(set(terms))
        count += 1
    least = max(1.0, COMMON_DF * count)
    return frozenset(t for t, n in df.items() if n >= least)


def write_common(folder: Path, common: frozenset[str]) -> None:
    (folder / COMMON_FILE).write_text("".join(f"{w}\n" for w in sorted(common)), encoding="utf-8")


def read_common(folder: Path) -> frozenset[str]:
    """The common words of the generation in ``folder`` (none when it has no such file)."""
    try:
        text = (folder / COMMON_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(text.split())
