"""A full build leaves many small segments; the app joins them in a child, without waiting
for it, and searches answer as before (``search/joining.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsreader.app import index_job
from newsreader.context import build_context
from newsreader.search import build
from newsreader.search.generations import read_current
from newsreader.search.index import open_generation
from newsreader.tui.app import make_app
from tests.search.newsprose import news_files

from .conftest import search_for, settle, visible_text


def _segment_count(index_dir: Path) -> int:
    current = read_current(index_dir)
    assert current is not None
    ix: Any = open_generation(current[1])  # its private segment list
    try:
        return len(ix._segments())
    finally:
        ix.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_app_joins_a_builds_segments_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setattr(build, "SEGMENT_POSTINGS", 1500)  # the app's own build: many segments
    library = tmp_path / "library"
    library.mkdir()
    for name, text in news_files(60).items():
        (library / name).write_text(text, encoding="utf-8")
    ctx = build_context([library])
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        joiner = app.main_screen.sync._joiner
        assert joiner is not None, "no join started after the build"
        pane = await search_for(pilot, "minister")
        before = visible_text(pane.results)
        assert any("minister" in line.lower() for line in before)
        assert joiner.wait(timeout=60) == 0
        assert _segment_count(ctx.index_dir) == 1
        assert (ctx.index_dir / index_job.JOIN_LOG).read_text(encoding="utf-8") == ""
        pane.query_input.value = ""
        await settle(pilot)
        pane = await search_for(pilot, "minister")
        assert visible_text(pane.results) == before  # from the joined segment, the same
    assert _segment_count(ctx.index_dir) == 1


async def test_an_index_of_one_segment_starts_no_join(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir()
    for name, text in news_files(5).items():
        (library / name).write_text(text, encoding="utf-8")
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.main_screen.sync._joiner is None
