"""The story folding of the article list: a story told by several articles shows as one row
(its first shown version) until it is expanded.

Plain Python (no Textual).
"""

from __future__ import annotations

from array import array
from collections.abc import Container, Mapping, Sequence

from newsreader.library import ArticleSummary
from newsreader.library.packed import PackedSummaries
from newsreader.tui.row_views import Ranked, Subset


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
