"""The story folding of the list's rows over a packed library (``tui/story_rows.py``)."""

from __future__ import annotations

from pathlib import Path

from newsreader.app.story_map import StoryMap
from newsreader.library import Library
from newsreader.library.catalog import Catalog
from newsreader.library.packed import PackedSummaries
from newsreader.library.snapshot import decode_packed
from newsreader.tui.rows import ArticleRows


def packed_library(tmp_path: Path, n: int) -> PackedSummaries:
    root = tmp_path / "lib"
    root.mkdir()
    for i in range(n):
        (root / f"art{i:02d}.txt").write_text(
            f"Title {i}\n\n2024-05-{1 + i:02d}\n\nBody of article {i}.\n", "utf-8"
        )
    catalog = tmp_path / "cat.sqlite3"
    Library((root,), catalog).scan()
    with Catalog.open(catalog) as held:
        blob = held.snapshot()
    assert blob is not None
    snap = decode_packed(blob)
    assert snap is not None and isinstance(snap.articles, PackedSummaries)
    return snap.articles


def test_a_saved_search_by_relevance_still_finds_its_rows_once_a_story_is_folded(
    tmp_path: Path,
) -> None:
    articles = packed_library(tmp_path, 12)
    ids = list(articles.ids())  # newest first
    rows = ArticleRows()
    rows.set_articles(articles)
    ranked = ids[:8][::-1]  # the search ranks the oldest of them first
    rows.set_members(set(ranked), "saved", {i: n for n, i in enumerate(ranked)})
    story = (ids[2], ids[5])  # two of the matches tell one story
    rows.set_stories(StoryMap({i: "s" for i in story}, {"s": story}, {"s": 2}))

    shown = [a.id for a in rows.rows]
    assert shown == [i for i in ranked if i != ids[2]]  # folded to its best ranked version
    # Where the cursor is kept (a row marked read, the list refreshed, a version opened).
    assert [rows.index_of(i) for i in shown] == list(range(len(shown)))
    assert rows.index_of(rows.lead_of(ids[2])) == shown.index(ids[5])


def test_few_grouped_articles_fold_as_a_pass_over_every_row_does(tmp_path: Path) -> None:
    """The look-up of each grouped article gives the rows and leads of the pass over every
    row: for the whole list, a subset, and a relevance order, folded and expanded."""
    from array import array

    import pytest

    from newsreader.tui import story_rows
    from newsreader.tui.row_views import Ranked, Subset
    from newsreader.tui.story_rows import fold_stories

    articles = packed_library(tmp_path, 28)
    ids = list(articles.ids())
    story_of = {ids[3]: "a", ids[9]: "a", ids[20]: "a", ids[5]: "b", ids[6]: "b"}

    views = [
        articles,
        Subset(articles, array("I", [r for r in range(28) if r not in (3, 11)])),
        Ranked(articles, array("I", [20, 9, 1, 6, 5, 0, 3])),
    ]
    patch = pytest.MonkeyPatch()
    try:
        for rows in views:
            for expanded in (set(), {"a"}):
                patch.setattr(story_rows, "FEW", 1)  # each grouped article looked up
                few = fold_stories(rows, story_of, expanded)
                patch.setattr(story_rows, "FEW", 10**6)  # every row's id read
                every = fold_stories(rows, story_of, expanded)
                patch.undo()
                assert [a.id for a in few[0]] == [a.id for a in every[0]]
                assert few[1] == every[1]
                assert len(few[0]) < len(rows) or expanded
    finally:
        patch.undo()
