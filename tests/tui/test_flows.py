"""Everyday flows at every terminal size, asserting what is on screen.

Each flow runs at the four sizes a person is likely to have (and some across a resize in
the middle), because the narrow layouts hide and show panes in ways the wide one never does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.context import AppContext, build_context
from newsreader.tui.app import NewsreaderApp, make_app

from .conftest import notices, search_for, settle, visible_text

SIZES = [(120, 40), (100, 30), (80, 24), (60, 20)]


def shown(app: NewsreaderApp) -> str:
    """What the reader shows now, as one string of plain text."""
    return "\n".join(visible_text(app.main_screen.reader))


def words_of(app: NewsreaderApp, paragraph: int = 0) -> str:
    """The first few words of a paragraph of the open article (its own words)."""
    article = app.main_screen.reader.article
    assert article is not None
    return " ".join(article.paragraphs[paragraph].split()[:3])


def assert_reading(app: NewsreaderApp, title_start: str) -> None:
    reader = app.main_screen.reader
    assert reader.article is not None and reader.article.title.startswith(title_start)
    text = shown(app)
    assert "Laying out" not in text
    assert title_start in text
    assert words_of(app) in " ".join(text.split())
    assert str(reader.border_subtitle).startswith("¶ 1/")


@pytest.mark.parametrize("size", SIZES)
async def test_open_back_open_another_and_another(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert_reading(app, "Hamas to Continue")
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert_reading(app, "Rail workers")
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert_reading(app, "Museum returns")
        await pilot.press("escape", "k", "enter")  # back to one laid out before
        await settle(pilot)
        assert_reading(app, "Rail workers")


def normalised(text: str) -> str:
    return " ".join(text.split())


def assert_cursor_paragraph_on_screen(app: NewsreaderApp) -> None:
    """The lines marked by the paragraph cursor are on screen, and are that paragraph's."""
    reader = app.main_screen.reader
    assert reader.article is not None
    marked = [
        line.strip().lstrip("▍◆").strip()
        for line in visible_text(reader)
        if line.lstrip().startswith("▍")
    ]
    assert marked, "the cursor paragraph is not on screen"
    paragraph = normalised(reader.article.paragraphs[reader.cursor])
    assert all(part in paragraph for part in marked)


@pytest.mark.parametrize("size", SIZES)
async def test_search_open_from_the_query_and_from_a_picked_result_then_step_matches(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "truce OR ceasefire")
        hits = [hit.id for hit in pane.result.hits]
        assert len(hits) >= 2
        await pilot.press("enter")  # Enter on the query: the top hit
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None and reader.article.id == hits[0]
        count = len(reader.matches)
        first = reader.current_match  # the first match in or after the hit's best paragraph
        assert count >= 2 and 0 <= first < count
        assert f"match {first + 1}/{count}" in str(reader.border_subtitle)
        match = reader.matches[first]
        word = reader.article.paragraphs[match.paragraph][match.start : match.end]
        assert word.casefold().startswith(("truce", "ceasefire"))
        assert word in shown(app)  # the highlighted match is on screen
        for _ in range(count - 1 - first):
            await pilot.press("n")
        assert f"match {count}/{count}" in str(reader.border_subtitle)
        assert not any("wrapped" in t for t in notices(app))
        await pilot.press("n")  # from the last match to the first: said
        assert f"match 1/{count}" in str(reader.border_subtitle)
        assert any("Search wrapped to the first match" in t for t in notices(app))
        await pilot.press("N")
        assert f"match {count}/{count}" in str(reader.border_subtitle)
        assert any("Search wrapped to the last match" in t for t in notices(app))

        await pilot.press("escape")  # back to the results
        await settle(pilot)
        await pilot.press("down", "down")  # into the results, then down one
        await settle(pilot)
        picked = pane.results.highlighted
        assert picked is not None and picked > 0
        await pilot.press("enter")
        await settle(pilot)
        assert reader.article is not None and reader.article.id == hits[picked]
        assert "Laying out" not in shown(app)
        assert_cursor_paragraph_on_screen(app)
        assert "match" in str(reader.border_subtitle)
        current = reader.matches[reader.current_match]
        word = reader.article.paragraphs[current.paragraph][current.start : current.end]
        assert word in shown(app)


@pytest.mark.parametrize("size", SIZES)
async def test_bookmark_a_paragraph_see_it_in_b_and_jump_back(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    from newsreader.tui.screens.bookmarks import BookmarkList, BookmarksScreen

    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "b", "o", "k", "enter")
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.bookmarked == {2}
        paragraph_words = words_of(app, 2)
        await pilot.press("escape", "j", "enter")  # read another article in between
        await settle(pilot)
        assert_reading(app, "Museum returns")
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BookmarksScreen)
        listing = app.screen.query_one(BookmarkList)
        assert listing.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert reader.article is not None and reader.article.title.startswith("Rail workers")
        assert reader.cursor == 2
        assert paragraph_words in normalised(shown(app))
        assert "Laying out" not in shown(app)


@pytest.mark.parametrize("size", SIZES)
async def test_resize_wide_narrow_wide_while_reading_keeps_the_place(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        reader = app.main_screen.reader
        assert reader.cursor == 3
        for width, height in [(120, 40), (60, 20), size]:
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            assert reader.cursor == 3
            assert_cursor_paragraph_on_screen(app)
            assert str(reader.border_subtitle).startswith("¶ 4/")
        await pilot.press("escape", "j", "enter")  # and the next article still opens
        await settle(pilot)
        assert_reading(app, "Rail workers")


@pytest.mark.parametrize("size", SIZES)
async def test_quit_and_relaunch_reopens_where_reading_stopped(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("space", "space")
        await settle(pilot)
        reader = app.main_screen.reader
        cursor, top = reader.cursor, reader.scroll_offset.y
        assert cursor > 0
        await pilot.press("q")
    again = new_app()
    async with again.run_test(size=size) as pilot:
        await settle(pilot)
        # Reopened by itself (reopen_last is on by default), the list cursor on it.
        listing = again.main_screen.article_list
        assert listing.highlighted is not None and listing.cursor == 1
        reader = again.main_screen.reader
        assert again.focused is reader
        assert reader.article is not None and reader.article.title.startswith("Rail workers")
        assert reader.cursor == cursor
        assert_cursor_paragraph_on_screen(again)
        assert reader.scroll_offset.y == top  # the view as it was left


async def test_with_reopen_last_off_the_list_cursor_still_comes_back(
    ctx: AppContext,
    library: Path,
) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        await pilot.press("q")
    ctx.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    ctx.paths.config_file.write_text("reopen_last = false\n", "utf-8")
    again = make_app(build_context([library]), poll_seconds=None)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.main_screen.reader.article is None
        assert again.main_screen.article_list.cursor == 2
        assert again.focused is again.main_screen.article_list


async def test_a_wide_terminal_gives_the_list_what_the_reader_cannot_use_and_keys_resize_it(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        left = screen.query_one("#left")
        assert screen.reader.region.width <= 78 and left.region.width >= 120
        # A whole title on its row, not cut with an ellipsis.
        assert "Ceasefire talks resume in Cairo as mediators push for a deal" in "\n".join(
            visible_text(screen.article_list)
        )
        before = left.region.width
        await pilot.press("less_than_sign", "less_than_sign")
        await settle(pilot)
        assert left.region.width == before - 8
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert left.region.width == before - 4


@pytest.mark.parametrize("size", SIZES)
async def test_reopening_an_article_restores_the_view_as_it_was(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.main_screen.reader
        # The cursor moved down the screen without scrolling: reopened, it must not be at top.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        before = (visible_text(reader), reader.cursor, reader.progress, reader.border_subtitle)
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        await pilot.press("escape", "k", "enter")
        await settle(pilot)
        assert (
            visible_text(reader),
            reader.cursor,
            reader.progress,
            reader.border_subtitle,
        ) == before
        # Then scrolled a few lines (the top line may be a blank between paragraphs).
        await pilot.press("space", "j", "j", "j")
        await settle(pilot)
        before = (visible_text(reader), reader.cursor, reader.progress, reader.border_subtitle)
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        await pilot.press("escape", "k", "enter")
        await settle(pilot)
        assert (
            visible_text(reader),
            reader.cursor,
            reader.progress,
            reader.border_subtitle,
        ) == before


async def test_the_per_cent_stays_put_across_resizes(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.main_screen.reader
        await pilot.press(*["j"] * 6)
        await settle(pilot)
        progress = reader.progress
        assert 0 < progress < 100
        for width, height in [(100, 40), (80, 40), (120, 40)]:
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            assert abs(reader.progress - progress) <= 2, (width, reader.progress, progress)


@pytest.mark.parametrize("size", [(120, 40), (60, 20)])
async def test_toasts_leave_the_readers_bottom_border_and_position_visible(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    from textual.widgets._toast import Toast

    app = new_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.notify("A long toast that takes a few lines of the screen to say what it says.")
        await pilot.pause(0.2)
        reader = app.main_screen.reader
        toasts_shown = list(app.screen.query(Toast))
        assert toasts_shown
        border_row = reader.region.bottom - 1
        for toast in toasts_shown:
            assert toast.region.bottom <= border_row, (toast.region, reader.region)


@pytest.mark.parametrize("size", SIZES)
async def test_the_flows_across_a_resize_in_the_middle(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    other = (60, 20) if size[0] >= 100 else (120, 40)  # wide <-> narrow
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.resize_terminal(*other)
        await settle(pilot)
        assert_reading(app, "Hamas to Continue")
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert_reading(app, "Rail workers")
        await pilot.resize_terminal(*size)
        await settle(pilot)
        assert_reading(app, "Rail workers")
        await search_for(pilot, "ceasefire")
        await pilot.resize_terminal(*other)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.current_match == 0 and "match 1/" in str(reader.border_subtitle)
        match = reader.matches[0]
        assert reader.article is not None
        assert reader.article.paragraphs[match.paragraph][match.start : match.end] in shown(app)
        await pilot.resize_terminal(*size)
        await settle(pilot)
        assert reader.article.paragraphs[match.paragraph][match.start : match.end] in shown(app)
        assert len(reader.matches) == 1
        await pilot.press("n")  # one match: n has nowhere to go, and says so
        assert reader.current_match == 0
        assert any("The only match" in t for t in notices(app))
