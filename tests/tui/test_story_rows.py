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
