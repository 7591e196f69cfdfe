"""Views of a packed article list that hold row numbers, not summaries: the list's rows are
picked (filtered, narrowed, ordered) without building an ``ArticleSummary`` per article; one is
built only when its row is drawn.

Plain Python (no Textual).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import overload

from newsreader.library import ArticleSummary
from newsreader.library.packed import PackedSummaries


def ids_of(rows: Sequence[ArticleSummary]) -> Iterator[str]:
    """The ids of ``rows`` in order, without building packed summaries."""
    if isinstance(rows, PackedSummaries):
        return rows.ids()
    if isinstance(rows, Subset):
        return map(rows.packed.article_id, rows.rows)
    return (row.id for row in rows)


class Subset(Sequence[ArticleSummary]):
    """Some rows of a packed list (those the read filter shows), by row number."""

    def __init__(self, packed: PackedSummaries, rows: array[int]) -> None:
        self.packed, self.rows = packed, rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> ArticleSummary: ...

    @overload
    def __getitem__(self, index: slice) -> list[ArticleSummary]: ...

    def __getitem__(self, index: int | slice) -> ArticleSummary | list[ArticleSummary]:
        if isinstance(index, slice):
            return [self.packed[row] for row in self.rows[index]]
        return self.packed[self.rows[index]]

    def index_of(self, article_id: str) -> int | None:
        """Where an article is among these rows, or None."""
        row = self.packed.row_of(article_id)
        if row is None:
            return None
        at = bisect_left(self.rows, row)
        return at if at < len(self.rows) and self.rows[at] == row else None


class Ranked(Subset):
    """Rows of a packed list in an order of their own (a saved search's by relevance)."""

    def __init__(self, packed: PackedSummaries, rows: array[int]) -> None:
        super().__init__(packed, rows)
        self._places: dict[int, int] | None = None

    def index_of(self, article_id: str) -> int | None:
        row = self.packed.row_of(article_id)
        if row is None:
            return None
        if self._places is None:
            self._places = {r: n for n, r in enumerate(self.rows)}
        return self._places.get(row)
