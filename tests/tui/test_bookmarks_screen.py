"""The Bookmarks screen's frame: the empty message inside it, toasts above its border."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets._toast import Toast

from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.bookmarks import BookmarkList, BookmarksScreen
from newsreader.tui.widgets.key_bar import KeyBar

from .conftest import settle

SIZES = [(120, 40), (80, 24)]


def screen_lines(app: NewsreaderApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def one_bookmark_then_list(app: NewsreaderApp, pilot: object) -> BookmarkList:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("b", "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("escape", "B")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, BookmarksScreen)
    return app.screen.query_one(BookmarkList)


@pytest.mark.parametrize("size", SIZES)
async def test_no_bookmarks_message_is_inside_the_frame(
    new_app: Callable[..., NewsreaderApp], size: tuple[int, int]
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        listing = await one_bookmark_then_list(app, pilot)
        await pilot.press("d")
        await settle(pilot)
        assert listing.border_subtitle == "0 saved"
        lines = screen_lines(app)
        top = next(i for i, line in enumerate(lines) if "Bookmarks" in line)
        said = next(i for i, line in enumerate(lines) if "No bookmarks yet" in line)
        assert top == 0  # the frame starts the screen: nothing drawn above it
        assert top < said < listing.region.bottom - 1
        left = listing.region.x
        assert lines[said][left] == "│"  # drawn within the frame's sides


@pytest.mark.parametrize("size", SIZES)
async def test_toasts_stay_above_the_bottom_border(
    new_app: Callable[..., NewsreaderApp], size: tuple[int, int]
) -> None:
    app = new_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        listing = await one_bookmark_then_list(app, pilot)
        await pilot.press("d")  # "Bookmark deleted. Press u to undo."
        await settle(pilot)
        await pilot.pause(0.2)
        toasts = list(app.screen.query(Toast))
        assert toasts
        border_row = listing.region.bottom - 1
        for toast in toasts:
            assert toast.region.bottom <= border_row
        lines = screen_lines(app)
        assert "saved" in lines[border_row]  # the border and its count are not covered
        keys = app.screen.query_one(KeyBar).render_line(0).text
        assert "u Undo delete" in keys and "? Help" in keys
