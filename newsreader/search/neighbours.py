"""A word's common neighbours: which articles can hold a phrase of a common word and a rarer one.

A phrase such as ``"said bragapritor"`` pairs a word found in most articles with one found in
a few percent of them. Checking it meant the common word's positions in every article with the
rarer word: at 1M articles that touched nearly every block of the common word's list (each
block of 128 postings holds a few of the rarer word's articles), ~0.5 s of decompressing and
unpickling positions. So every word that is not common (``word_pairs.common``) also gets a
posting in a neighbours field (``near_body`` for ``body``) in each article where a common
word stands right before or after it. The value is two 16-bit ids into the generation's
sorted common words: the one before and the one after (``NONE``: no common word there;
``MORE``: several different ones, over the article's occurrences or the terms of one token).

The query side reads the rarer word's neighbours (four bytes a posting, no positions) and keeps
the articles whose neighbour on the phrase's side is the common word or ``MORE``; only those
are then checked by position, with the common word read in the blocks that hold them. The
filter may keep too many (``MORE``), never too few, so the answers are the same. Imports
Whoosh.
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterator
from itertools import compress, repeat
from pathlib import Path
from typing import Any

from whoosh import formats

from newsreader.search.word_pairs import DerivedField

NEAR_MIN = 200_000
"""A full build of at least this many articles indexes the neighbours. They make a build about
a quarter slower and the index a fifth bigger, and pay only where a common word's list is so
long that reading its positions in the blocks of the rarer word's articles is slow."""
NEAR_FILE = "neighbours-indexed"
"""In a generation's folder: this generation has the neighbours field (an empty file)."""
PREFIX = "near_"
"""A text field ``f`` has its words' common neighbours in the field ``near_f``."""
NONE = 0xFFFF
"""No common word on that side in the article."""
MORE = 0xFFFE
"""Several different common words on that side (or an id past the 16 bits): any may match."""
BEFORE, AFTER = 0, 1
"""The side of the common word: the phrase ``"C X"`` looks at X's ``BEFORE``."""

_LITTLE = sys.byteorder == "little"


def mark(folder: Path) -> None:
    """Record that the generation in ``folder`` indexes the neighbours."""
    (folder / NEAR_FILE).touch()


def indexed(folder: Path) -> bool:
    """Does the generation in ``folder`` index the neighbours?"""
    return (folder / NEAR_FILE).exists()


def common_ids(common: frozenset[str]) -> dict[str, int]:
    """The common words' ids: their places in sorted order (the writer's and the reader's)."""
    return {w: min(i, MORE) for i, w in enumerate(sorted(common))}


class NearFormat(formats.Format):  # type: ignore[misc]
    """A posting value of two unsigned 16-bit ids (fixed size: one blob per block)."""

    posting_size = 4


class NearField(DerivedField):
    """The common neighbours of the other words of the text field ``source``."""

    def __init__(self, source: str, common: frozenset[str]) -> None:
        super().__init__(NearFormat(), source, common)
        self.ids = common_ids(common)

    def values(
        self, positions: dict[str, list[int]], seq: list[tuple[str, ...]]
    ) -> dict[str, bytes]:
        return near_values(seq, self.common)


def near_values(seq: list[tuple[str, ...]], common: frozenset[str]) -> dict[str, bytes]:
    """Each word that is not common and has a common neighbour -> its posting value; ``seq``
    as ``analysis.index_sequence`` gives it (``()`` at a paragraph break: no neighbour).

    Per token only C loops (``map``, ``compress``, ``dict``); Python per word at most: a
    build runs this for every article."""
    if not common:
        return {}
    tokens = _tokens.get(common)
    if tokens is None or len(tokens.common) > TOKENS_KEPT:
        _tokens.clear()  # one generation's words at a time
        tokens = _tokens[common] = Tokens(common_ids(common))
    cids = list(map(tokens.common.__getitem__, seq))
    words = list(map(tokens.other.__getitem__, seq))
    has_common = list(map(NONE.__ne__, cids))
    # Each word after a common token with that token's id, then each word before one.
    before = _side(
        list(compress(words[1:], has_common[:-1])), list(compress(cids[:-1], has_common[:-1]))
    )
    after = _side(list(compress(words, has_common[1:])), list(compress(cids[1:], has_common[1:])))
    keys = before.keys() | after.keys()
    befores = map(before.get, keys, repeat(NONE))
    afters = map(after.get, keys, repeat(NONE))
    return dict(zip(keys, map(_values.__getitem__, zip(befores, afters, strict=True)), strict=True))


def _side(words: list[Any], cids: list[int]) -> dict[str, int]:
    """Each word's common neighbour on one side, or ``MORE`` where it has several; ``words``
    and ``cids``: a word (None: none) and the id beside it, for each token with one."""
    last = dict(zip(words, cids, strict=True))
    last.pop(None, None)
    if len(last) < len(words):  # a word seen twice: were its neighbours all the same?
        first = dict(zip(reversed(words), reversed(cids), strict=True))
        thrice = [w for w, n in Counter(words).items() if n > 2 and w is not None]
        spread: dict[Any, set[int]] = {w: set() for w in thrice if first[w] == last[w]}
        if spread:
            for w, cid in zip(words, cids, strict=True):
                if w in spread:
                    spread[w].add(cid)
        for w, cid in last.items():
            if first[w] != cid or len(spread.get(w, ())) > 1:
                last[w] = MORE
    for word in [w for w in last if type(w) is tuple]:  # a token of several other terms
        cid = last.pop(word)
        for w in word:
            seen = last.get(w)
            last[w] = cid if seen is None or seen == cid else MORE
    return last


TOKENS_KEPT = 300_000
"""Distinct tokens whose split is kept (like the analysis's own cache of terms)."""


class Tokens:
    """A token's terms -> the id of its common term (``NONE``, or ``MORE`` for several) and
    its other term (None; a tuple for several), each computed once per distinct token."""

    def __init__(self, ids: dict[str, int]) -> None:
        self.common = _CommonId(ids)
        self.other = _Other(ids)


class _CommonId(dict[tuple[str, ...], int]):
    def __init__(self, ids: dict[str, int]) -> None:
        super().__init__()
        self.ids = ids

    def __missing__(self, terms: tuple[str, ...]) -> int:
        found = [self.ids[t] for t in terms if t in self.ids]
        self[terms] = cid = NONE if not found else found[0] if len(found) == 1 else MORE
        return cid


class _Other(dict[tuple[str, ...], "str | tuple[str, ...] | None"]):
    def __init__(self, ids: dict[str, int]) -> None:
        super().__init__()
        self.ids = ids

    def __missing__(self, terms: tuple[str, ...]) -> str | tuple[str, ...] | None:
        found = tuple(t for t in terms if t not in self.ids)
        self[terms] = word = None if not found else found[0] if len(found) == 1 else found
        return word


_tokens: dict[frozenset[str], Tokens] = {}


class _Values(dict[tuple[int, int], bytes]):
    """(before, after) -> the posting value (shared objects: few distinct pairs)."""

    def __missing__(self, key: tuple[int, int]) -> bytes:
        arr = array("H", key)
        if not _LITTLE:
            arr.byteswap()
        value = arr.tobytes()
        if len(self) < 100_000:
            self[key] = value
        return value


_values = _Values()


def near_value(before: int, after: int) -> bytes:
    """The posting value of the ids before and after."""
    return _values[before, after]


def matching(ids: list[int], blob: bytes, side: int, cid: int) -> Iterator[int]:
    """The docnums of ``ids`` (postings whose values are ``blob``, joined) whose neighbour on
    ``side`` may be the common word ``cid``."""
    arr = array("H", blob)
    if not _LITTLE:
        arr.byteswap()
    wanted = {cid, MORE}
    return (d for d, n in zip(ids, arr[side::2], strict=True) if n in wanted)
