"""The read filter and "mark all read": where the cursor goes, what the keys say, undo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from newsreader.context import build_context
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.confirm import ConfirmDialog
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.widgets.key_bar import KeyBar

from .conftest import make_library, settle, visible_text
from .test_list import read_ids


def footer(app: NewsreaderApp) -> str:
    return app.main_screen.query_one(KeyBar).render().plain


async def test_hiding_read_keeps_the_cursor_on_the_next_article_after_it(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        listing = screen.article_list
        ids = [r.id for r in screen.rows.rows]
        await pilot.press("m", "j", "m", "j", "j", "m")  # rows 0, 1 and 3 read; cursor on 3
        assert listing.highlighted is not None and listing.highlighted.id == ids[3]
        await pilot.press("M")
        # Row 3 is hidden: the cursor goes to the article after it (4), not to row 3 of the
        # shorter list (which is article 6).
        assert listing.highlighted is not None and listing.highlighted.id == ids[4]
        await pilot.press("j")  # article 5
        await pilot.press("M")  # shown again: the cursor stays on the same article
        assert listing.highlighted is not None and listing.highlighted.id == ids[5]


async def test_the_filter_key_and_palette_entry_say_what_they_will_do_now(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "M Hide read" in footer(app) and "Show read" not in footer(app)
        await pilot.press("M")
        await settle(pilot)
        assert "M Show read" in footer(app) and "Hide read" not in footer(app)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "read articles"
        await settle(pilot)
        await pilot.pause(0.3)
        shown = " ".join(str(option.prompt) for option in app.screen.query_one(CommandList).options)
        assert "Show read articles" in shown and "Hide read articles" not in shown
        await pilot.press("escape")
        await pilot.press("M")
        assert "M Hide read" in footer(app)


async def test_mark_all_read_asks_first_when_it_changes_more_than_a_screenful_and_u_undoes(
    tmp_path: Path,
) -> None:
    app = make_app(build_context([make_library(tmp_path / "big", extra=30)]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        total = screen.rows.total
        await pilot.press("A")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmDialog)
        assert screen.rows.unread == total
        await pilot.press("A", "y")
        await settle(pilot)
        assert screen.rows.unread == 0 and len(read_ids(app)) == total
        assert "u Undo mark all" in footer(app)
        await pilot.press("u")
        await settle(pilot)
        assert screen.rows.unread == total and read_ids(app) == set()
        assert screen.article_list.border_subtitle == f"{total} unread of {total}"
        assert "Undo" not in footer(app)


async def test_page_down_in_the_list_turns_a_page(tmp_path: Path) -> None:
    app = make_app(build_context([make_library(tmp_path / "big", extra=30)]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        listing = app.main_screen.article_list
        height = listing.scrollable_content_region.height
        last_shown = visible_text(listing)[height - 1]
        await pilot.press("space")
        # A page further down: the row that was last on screen is near the top (a row of
        # context above the cursor), not still at the bottom.
        assert listing.cursor == height - 1
        assert int(listing.scroll_offset.y) >= height - 2
        assert last_shown in visible_text(listing)[:2]
        await pilot.press("ctrl+b")
        assert listing.cursor == 0 and int(listing.scroll_offset.y) == 0


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_help_key_stays_in_the_footer_with_undo_showing(
    new_app: Callable[..., NewsreaderApp], size: tuple[int, int]
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("A")  # a small library: no question asked
        await settle(pilot)
        bar = app.main_screen.query_one(KeyBar)
        painted = bar.render_line(0).text
        assert "u Undo mark all" in painted and "? Help" in painted
        assert len(painted.rstrip()) <= size[0]
        await pilot.click(KeyBar, offset=(painted.index("? Help") + 1, 0))  # still clickable
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
