"""The last scan's summaries kept packed: the snapshot's bytes and offsets into them, with a
summary built only when one is asked for.

A big library's list is held for the whole run, and as Python objects it costs ~800 bytes an
article (a tuple, five strings, two ints, the lookup by id). Packed it is the snapshot's own
text plus 44 bytes of offsets and numbers; the list draws only the rows on screen, and a
loop over every article builds the summaries one at a time with C-level iterators (about as
fast as building them all at start, without keeping them).
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import accumulate, repeat
from operator import add, methodcaller, sub
from typing import overload

from newsreader.library.article import ArticleSummary, summaries

FIELDS = 5
"""Text columns per article, in the snapshot's order: id, path, title, dateline, hash."""
_ID, _PATH, _TITLE, _DATELINE, _HASH = range(FIELDS)
_CHUNK = 1 << 20
"""Bytes of text split at a time while finding where strings start (bounded scratch)."""
_BATCH = 4096
"""Summaries built at a time by a loop over the list: fast, and never all of them at once."""
_decode = methodcaller("decode", "utf-8", "surrogatepass")


def string_starts(blob: bytes, start: int, end: int, shift: int = 0) -> array[int]:
    """Where each NUL-separated string of ``blob[start:end]`` starts, plus ``end + 1``: string
    ``k`` is ``blob[starts[k] : starts[k + 1] - 1]``; with ``shift`` added to each (for
    where ``blob`` will be placed in another)."""
    starts = array("Q" if end + shift >= 1 << 32 else "I")
    at = start
    while True:
        cut = blob.find(b"\0", at + _CHUNK, end) if at + _CHUNK < end else -1
        stop = end if cut < 0 else cut
        # Each string's length plus its separator, summed on from ``at``: the starts of the
        # chunk's strings, then where the string after the chunk starts.
        pieces = blob[at:stop].split(b"\0")
        starts.extend(accumulate(map(add, map(len, pieces), repeat(1)), initial=at + shift))
        if stop >= end:
            return starts
        starts.pop()  # the next chunk starts there and adds it
        at = stop + 1


class PackedSummaries(Sequence[ArticleSummary]):
    """Summaries, newest first, as text columns in one ``bytes`` and integer arrays."""

    __slots__ = (
        "_blob",
        "_dates",
        "_days",
        "_first",
        "_lock",
        "_mtimes",
        "_n",
        "_order",
        "_sizes",
        "_starts",
    )

    def __init__(
        self,
        blob: bytes,
        starts: array[int],
        first: int,
        n: int,
        days: array[int],
        sizes: array[int],
        mtimes: array[int],
    ) -> None:
        """``starts`` (``string_starts``) from string ``first`` on holds n ids, n paths, n
        titles, n datelines ("" for none) and n hashes; ``days`` are ordinals (0: undated)."""
        self._blob, self._starts, self._first, self._n = blob, starts, first, n
        self._days, self._sizes, self._mtimes = days, sizes, mtimes
        dates: dict[int, date | None] = {d: date.fromordinal(d) for d in set(days) if d}
        dates[0] = None
        self._dates = dates  # one date object per day, shared
        self._order: dict[int, array[int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._n

    def _text(self, field: int, row: int) -> str:
        k = self._first + field * self._n + row
        starts = self._starts
        return self._blob[starts[k] : starts[k + 1] - 1].decode("utf-8", "surrogatepass")

    def _column(self, field: int, lo: int, hi: int) -> Iterator[str]:
        """The texts of one field for rows ``lo`` to ``hi``, decoded in C."""
        k = self._first + field * self._n
        starts = self._starts
        # Array slices, not islice: islice walks from the array's start.
        begin = starts[k + lo : k + hi]
        stop = map(sub, starts[k + lo + 1 : k + hi + 1], repeat(1))
        return map(_decode, map(self._blob.__getitem__, map(slice, begin, stop)))

    def _rows(self, lo: int, hi: int) -> tuple[ArticleSummary, ...]:
        datelines = self._column(_DATELINE, lo, hi)
        return summaries(
            self._column(_ID, lo, hi),
            self._column(_PATH, lo, hi),
            self._column(_TITLE, lo, hi),
            map(self._dates.__getitem__, self._days[lo:hi]),
            map({"": None}.get, datelines, self._column(_DATELINE, lo, hi)),
            self._sizes[lo:hi],
            self._mtimes[lo:hi],
            self._column(_HASH, lo, hi),
        )

    @overload
    def __getitem__(self, index: int) -> ArticleSummary: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ArticleSummary, ...]: ...

    def __getitem__(self, index: int | slice) -> ArticleSummary | tuple[ArticleSummary, ...]:
        if isinstance(index, slice):
            lo, hi, step = index.indices(self._n)
            if step == 1:
                return self._rows(lo, max(lo, hi))
            return tuple(self)[index]
        row = index + self._n if index < 0 else index
        if not 0 <= row < self._n:
            raise IndexError("summary index out of range")
        return self._rows(row, row + 1)[0]

    def __iter__(self) -> Iterator[ArticleSummary]:
        step = _BATCH
        for lo in range(0, self._n, step):
            yield from self._rows(lo, min(lo + step, self._n))

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, (tuple, PackedSummaries)):
            return NotImplemented
        return len(other) == self._n and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"<{self._n} packed article summaries>"

    # --- by id ------------------------------------------------------------------------------

    def title(self, row: int) -> str:
        """The title of row ``row`` alone (what a title search reads)."""
        return self._text(_TITLE, row)

    def titles(self) -> Iterator[str]:
        """Every title, in list order."""
        return self._column(_TITLE, 0, self._n)

    def article_id(self, row: int) -> str:
        """The id of row ``row`` alone."""
        return self._text(_ID, row)

    def ids(self) -> Iterator[str]:
        """Every id, in list order."""
        return self._column(_ID, 0, self._n)

    def content_hash(self, row: int) -> str:
        """The content hash of row ``row`` alone."""
        return self._text(_HASH, row)

    def paths(self) -> Iterator[str]:
        """Every path (as the scan spells it), in list order."""
        return self._column(_PATH, 0, self._n)

    def mtimes(self) -> array[int]:
        """Every file's modification time (ns), in list order."""
        return self._mtimes

    def row_of(self, article_id: str) -> int | None:
        """The row of an article, or None; the rows sorted by id are built on first use."""
        return self._find(_ID, article_id)

    def id_of_path(self, path: str) -> str | None:
        """The id of the article whose file is ``path`` (a string as the scan spells it)."""
        row = self._find(_PATH, path)
        return None if row is None else self._text(_ID, row)

    def _find(self, field: int, text: str) -> int | None:
        order = self._sorted(field)
        texts = self._text
        at = bisect_left(order, text, key=lambda row: texts(field, row))
        if at < len(order) and texts(field, order[at]) == text:
            return order[at]
        return None

    def _sorted(self, field: int) -> array[int]:
        """The rows in the order of one field's texts (built once, under the lock)."""
        order = self._order.get(field)
        if order is None:
            with self._lock:
                order = self._order.get(field)
                if order is None:
                    texts = list(self._column(field, 0, self._n))
                    order = array("I", sorted(range(self._n), key=texts.__getitem__))
                    self._order[field] = order
        return order

    def warm(self) -> None:
        """Build the lookup by id now (a worker calls this, so the UI thread never does)."""
        self._sorted(_ID)


class PackedIds(Mapping[str, ArticleSummary]):
    """``PackedSummaries`` by id, as a read-only mapping."""

    __slots__ = ("_packed",)

    def __init__(self, packed: PackedSummaries) -> None:
        self._packed = packed

    def __getitem__(self, article_id: str) -> ArticleSummary:
        row = self._packed.row_of(article_id) if isinstance(article_id, str) else None
        if row is None:
            raise KeyError(article_id)
        return self._packed[row]

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self._packed.row_of(article_id) is not None

    def __iter__(self) -> Iterator[str]:
        return self._packed.ids()

    def __len__(self) -> int:
        return len(self._packed)

    def __repr__(self) -> str:
        return f"<{len(self)} packed article summaries by id>"


class PathIds(Mapping[str, str]):
    """Article ids by file path (a string) in ``PackedSummaries``, as a read-only mapping."""

    __slots__ = ("_packed",)

    def __init__(self, packed: PackedSummaries) -> None:
        self._packed = packed

    def __getitem__(self, path: str) -> str:
        found = self._packed.id_of_path(path) if isinstance(path, str) else None
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[str]:
        return self._packed._column(_PATH, 0, len(self._packed))

    def __len__(self) -> int:
        return len(self._packed)


def ids_by_path(articles: Sequence[ArticleSummary]) -> Mapping[str, str]:
    """Each article's id by its path string: read in place from a packed list, else a dict."""
    if isinstance(articles, PackedSummaries):
        return PathIds(articles)
    return {a.path_str: a.id for a in articles}


def patched_ids(
    ids: dict[str, str], came: Iterable[ArticleSummary], gone: Iterable[str]
) -> dict[str, str]:
    """``ids`` (``ids_by_path`` of an earlier list) with the paths that went left out and
    the articles that came or changed put in (a copy: a dict copy is C, a pass is Python)."""
    out = dict(ids)
    for path in gone:
        out.pop(path, None)
    out.update((a.path_str, a.id) for a in came)
    return out
