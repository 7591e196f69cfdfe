"""A library listed from the last run's snapshot (kept packed, rows built only when drawn):
the list must page, reach its end, open the last article, hide read articles and find
titles exactly as a freshly scanned one does."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.context import build_context
from newsreader.library.packed import PackedSummaries
from newsreader.tui.app import make_app
from newsreader.tui.row_views import Subset
from tests.tui.conftest import settle

ARTICLES = 400


def _big_library(root: Path) -> Path:
    root.mkdir(parents=True)
    for i in range(ARTICLES):
        day = f"20{10 + i // 336:02d}-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
        title = f"Report number {i:03d} from the wire" + (" — “late”" if i % 9 == 0 else "")
        (root / f"r{i:03d}.txt").write_text(f"{title}\n\n{day}\n\nBody of report {i}.\n", "utf-8")
    return root


@pytest.fixture
def big_library(tmp_path: Path) -> Path:
    """400 articles, already scanned once: the app starts from the remembered list."""
    lib = _big_library(tmp_path / "big")
    build_context([lib]).library.scan()
    return lib


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_remembered_list_scrolls_to_the_end_and_opens_the_last_article(
    big_library: Path, size: tuple[int, int]
) -> None:
    app = make_app(build_context([big_library]), poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        listing = screen.article_list
        rows = screen.rows.rows
        assert isinstance(rows, PackedSummaries) and len(rows) == ARTICLES
        assert rows[0].title.startswith("Report number 399")  # newest first
        app.set_focus(listing)
        for _ in range(3):
            await pilot.press("pagedown")
        page = listing.scrollable_content_region.height - 1
        assert listing.cursor == 3 * page
        await pilot.press("end")
        await pilot.pause()
        assert listing.cursor == ARTICLES - 1
        top = int(listing.scroll_offset.y)
        assert top <= ARTICLES - 1 < top + listing.scrollable_content_region.height
        # The last row is drawn from the packed list.
        assert "Report number 000 from the wire" in listing.render_line(ARTICLES - 1 - top).text
        await pilot.press("enter")
        await settle(pilot)
        reader = screen.reader
        assert reader.article is not None and reader.article.id == "r000"
        assert reader.article.title == "Report number 000 from the wire — “late”"
        assert screen.rows.is_read("r000")
        app.set_focus(listing)
        await pilot.press("home")
        assert listing.cursor == 0 and int(listing.scroll_offset.y) == 0


async def test_a_remembered_list_hides_read_articles_and_finds_titles(big_library: Path) -> None:
    app = make_app(build_context([big_library]), poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        listing = screen.article_list
        app.set_focus(listing)
        await pilot.press("down", "down", "m")  # row 2: report 397, marked read
        await settle(pilot)
        assert screen.rows.is_read("r397")
        await pilot.press("M")  # hide read articles
        await settle(pilot)
        rows = screen.rows.rows
        assert isinstance(rows, Subset) and len(rows) == ARTICLES - 1
        assert "r397" not in [r.id for r in rows[:5]] and rows[2].id == "r396"
        assert screen.rows.index_of("r396") == 2 and screen.rows.index_of("r397") is None
        await pilot.press("end")
        assert listing.highlighted is not None and listing.highlighted.id == "r000"
        found = screen.titles_matching("number 123", 5)
        assert [a.id for a in found] == ["r123"]


async def test_a_remembered_list_marks_all_read_and_undoes_it(big_library: Path) -> None:
    from tests.tui.test_list import read_ids

    app = make_app(build_context([big_library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert isinstance(screen.rows.rows, PackedSummaries)
        app.set_focus(screen.article_list)
        await pilot.press("A", "y")
        await settle(pilot)
        assert screen.rows.unread == 0 and len(read_ids(app)) == ARTICLES
        assert screen.article_list.border_subtitle == f"0 unread of {ARTICLES}"
        await pilot.press("u")
        await settle(pilot)
        assert screen.rows.unread == ARTICLES and not read_ids(app)
