"""The story folding of the article list: a story told by several articles shows as one row
(its first shown version) until it is expanded.

Plain Python (no Textual).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Container, Mapping, Sequence

from newsreader.library import ArticleSummary
from newsreader.library.packed import PackedSummaries
from newsreader.tui.row_views import Ranked, Subset

FEW = 16
"""Grouped articles are looked up one by one (a bisect each, ~14 ids read in Python) when
there are fewer than the rows over this; else every row's id is read once (in C), as
``row_picking.BISECT_RATIO`` says."""


def fold_stories(
    rows: Sequence[ArticleSummary],
    story_of: Mapping[str, str],
    expanded: Container[str],
) -> tuple[Sequence[ArticleSummary], dict[str, str]]:
    """``rows`` with one row per story (its first shown version) unless it is ``expanded``,
    and each story's first shown version (story -> article id)."""
    leads: dict[str, str] = {}
    if not story_of:
        return rows, leads
    if isinstance(rows, (PackedSummaries, Subset)):
        packed = rows if isinstance(rows, PackedSummaries) else rows.packed
        if len(story_of) * FEW < len(rows):
            return _fold_few(rows, packed, story_of, expanded)
        numbered = (
            enumerate(packed.ids())
            if isinstance(rows, PackedSummaries)
            else ((n, packed.article_id(n)) for n in rows.rows)
        )
        keep = array("I")
        for n, article_id in numbered:
            story = story_of.get(article_id)
            if story is not None:
                if story in leads:
                    if story not in expanded:
                        continue
                else:
                    leads[story] = article_id
            keep.append(n)
        # A saved search's relevance order stays one: a plain ``Subset`` looks rows up by
        # bisecting, which only holds in the library's order.
        view = Ranked if isinstance(rows, Ranked) else Subset
        return view(packed, keep), leads
    kept: list[ArticleSummary] = []
    for a in rows:
        story = story_of.get(a.id)
        if story is not None:
            if story in leads:
                if story not in expanded:
                    continue
            else:
                leads[story] = a.id
        kept.append(a)
    return kept, leads


def _fold_few(
    rows: PackedSummaries | Subset,
    packed: PackedSummaries,
    story_of: Mapping[str, str],
    expanded: Container[str],
) -> tuple[Sequence[ArticleSummary], dict[str, str]]:
    """``fold_stories`` for rows of a packed list when few articles are grouped: each is
    found among the rows, and only the row numbers to leave out are compared with every row."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    for article_id, story in story_of.items():
        row = packed.row_of(article_id)
        if row is None:
            continue
        if isinstance(rows, Ranked):
            place = rows.index_of(article_id)
        elif isinstance(rows, Subset):
            at = bisect_left(rows.rows, row)
            place = at if at < len(rows.rows) and rows.rows[at] == row else None
        else:
            place = row
        if place is not None:
            found.setdefault(story, []).append((place, row, article_id))
    leads: dict[str, str] = {}
    drop: set[int] = set()
    for story, shown in found.items():
        shown.sort()
        leads[story] = shown[0][2]
        if story not in expanded:
            drop.update(row for _place, row, _id in shown[1:])
    if not drop:
        return rows, leads
    numbers = range(len(packed)) if isinstance(rows, PackedSummaries) else rows.rows
    view = Ranked if isinstance(rows, Ranked) else Subset
    return view(packed, array("I", (n for n in numbers if n not in drop))), leads
