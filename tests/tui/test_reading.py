"""Open and read: the list, the reader's keys, progress, read marks and resuming."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.library import ArticleSummary
from newsreader.state import StateStore
from newsreader.state.models import ReadingState
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.article_list import ArticleList
from newsreader.tui.widgets.reader import Reader

from .conftest import settle, visible_text, write_article


async def test_list_shows_articles_newest_first_with_counts(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lines = visible_text(app.main_screen.article_list)
        assert "Hamas to Continue Truce Talks" in lines[0]
        assert lines[0].lstrip().startswith("●")  # unread marker
        assert "06 May 2024" in lines[0]
        assert "Harbour strike ends" in lines[10]
        assert app.main_screen.article_list.border_subtitle == "11 unread of 11"


async def test_open_read_scroll_and_paragraph_cursor(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # the second article: Rail workers…
        await settle(pilot)
        reader = app.main_screen.reader
        assert app.focused is reader
        assert reader.article is not None and reader.article.title.startswith("Rail workers")
        shown = "\n".join(visible_text(reader))
        assert "Rail workers vote on a new pay offer" in shown
        assert "Friday 29 March 2024 · MADRID" in shown
        assert reader.cursor == 0 and reader.progress == 0
        # Opening marks it read, in the list and in the counts.
        assert app.main_screen.rows.is_read(reader.article.id)
        assert app.main_screen.article_list.border_subtitle == "10 unread of 11"

        await pilot.press("right_square_bracket", "right_square_bracket")
        assert reader.cursor == 2
        first, last = reader._page.first_line[2], reader._page.last_line(2)  # type: ignore[union-attr]
        top = int(reader.scroll_offset.y)
        height = reader.scrollable_content_region.height
        assert top <= first and last < top + height  # the cursor paragraph is in view
        marked = [line for line in visible_text(reader) if line.lstrip().startswith("▍")]
        assert len(marked) == reader._page.line_count[2]  # type: ignore[union-attr]
        await pilot.press("left_square_bracket")
        assert reader.cursor == 1

        await pilot.press("G")
        assert reader.progress == 100
        assert reader.cursor == len(reader.article.paragraphs) - 1
        assert str(reader.border_subtitle).endswith("100%")
        await pilot.press("g")
        assert reader.progress == 0 and reader.cursor == 0
        await pilot.press("space")
        assert 0 < reader.progress < 100 or reader.max_scroll_y <= reader.size.height
        before = reader.scroll_offset.y
        await pilot.press("k")
        assert reader.scroll_offset.y == before - 1
        await pilot.press("pageup")
        assert reader.scroll_offset.y == 0

        await pilot.press("escape")
        assert app.focused is app.main_screen.article_list


async def test_article_text_is_never_markup(new_app: Callable[..., NewsreaderApp]) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G", "enter")  # the oldest: Harbour strike, with markup-like text
        await settle(pilot)
        shown = " ".join(" ".join(visible_text(app.main_screen.reader)).split())
        assert "[bold red]not markup[/]" in shown
        assert "[link=x]no link[/link]" in shown


async def test_resume_at_saved_paragraph_after_restart(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(5):
            await pilot.press("right_square_bracket")
        summary = app.main_screen.reader.article.summary  # type: ignore[union-attr]
        await pilot.press("q")  # quitting saves the position at once
    assert app.return_code == 0

    store = StateStore.open(app.ctx.paths.state_file)
    try:
        state = store.reading_state(summary)
    finally:
        store.close()
    assert state.paragraph == 5 and state.read

    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not visible_text(again.main_screen.article_list)[0].lstrip().startswith("●")
        await pilot.press("enter")
        await settle(pilot)
        reader = again.main_screen.reader
        assert reader.cursor == 5
        first = reader._page.first_line[5]  # type: ignore[union-attr]
        top = int(reader.scroll_offset.y)
        assert top <= first < top + reader.scrollable_content_region.height
        assert reader.progress > 0


async def test_mouse_click_opens_and_moves_the_cursor(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Row 3 of the list (border at y=0), then a paragraph line in the reader.
        await pilot.click(ArticleList, offset=(10, 3))
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None
        assert reader.article.id == app.main_screen.rows.rows[2].id
        page = reader._page
        assert page is not None
        y = page.first_line[1] + 1 - int(reader.scroll_offset.y)
        await pilot.click(Reader, offset=(20, y))
        assert reader.cursor == 1


async def test_a_very_long_article_is_laid_out_off_the_ui_thread(
    new_app: Callable[..., NewsreaderApp], library: Path
) -> None:
    from datetime import date

    from newsreader.tui.widgets import reader_layout

    paragraphs = [f"Paragraph {i}: " + "the talks went on " * 20 for i in range(500)]
    write_article(
        library / "zz_long.txt", "A very long record of the talks", date(2030, 1, 1), paragraphs
    )
    assert sum(map(len, paragraphs)) > reader_layout.LAYOUT_IN_THREAD
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the newest: the long one
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.page is not None and len(reader.page.first_line) == 500
        await pilot.press("G")
        assert reader.cursor == 499 and reader.progress == 100
        assert "Paragraph 499:" in " ".join(visible_text(reader))


async def test_a_slow_earlier_open_never_replaces_a_later_one(
    new_app: Callable[..., NewsreaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from newsreader.app import (
        article_opening as main_module,
    )  # the screen imports prepare when used

    real = main_module.prepare
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first, second = app.main_screen.rows.rows[:2]

        def slow_for_first(session: object, request: object) -> object:
            if request.summary.id == first.id:  # type: ignore[attr-defined]
                time.sleep(0.4)  # the first file is on a slow disk
            return real(session, request)  # type: ignore[arg-type]

        monkeypatch.setattr(main_module, "prepare", slow_for_first)
        app.main_screen.open_article(first.id)
        await pilot.pause(0.1)  # its worker is now reading the slow file
        app.main_screen.open_article(second.id)
        await settle(pilot)
        await pilot.pause(0.5)
        assert app.main_screen.reader.article is not None
        assert app.main_screen.reader.article.id == second.id


async def test_escape_after_clicking_into_the_reader_goes_back_to_the_list(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert app.focused is app.main_screen.article_list
        await pilot.click(Reader, offset=(20, 10))
        assert app.focused is app.main_screen.reader
        await pilot.press("escape")
        assert app.focused is app.main_screen.article_list


async def test_opening_does_not_wait_for_a_slow_store(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    import asyncio
    import time

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store = app.session.store()
        assert store is not None
        real = store.mark_opened

        def stuck(summary: ArticleSummary) -> ReadingState:
            time.sleep(1.5)  # another process holds the write lock
            return real(summary)

        store.mark_opened = stuck  # type: ignore[assignment]
        started = time.monotonic()
        await pilot.press("enter")
        while app.main_screen.reader.article is None and time.monotonic() - started < 5:
            await asyncio.sleep(0.02)
        assert time.monotonic() - started < 1.0, "the article waited for the store"
        assert app.main_screen.rows.is_read(app.main_screen.reader.article.id)  # type: ignore[union-attr]
        await settle(pilot)
