"""Search as you type, open a hit at its paragraph with matches highlighted, n/N, errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Input, Static

from newsreader.tui.app import NewsreaderApp
from newsreader.tui.widgets.result_list import ResultList

from .conftest import plain, search_for, settle, visible_text


async def test_search_as_you_type_then_open_top_hit(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        pane = app.main_screen.search_pane
        assert isinstance(app.focused, Input) and pane.display
        await search_for(pilot, "ceasefire")
        result = pane.result
        assert result is not None and result.query == "ceasefire"
        assert len(result.hits) >= 2
        assert pane.results.hit_count == len(result.hits)
        shown = " ".join(visible_text(pane.results))
        assert result.hits[0].title.split()[0] in shown
        assert "03 May 2024" in shown or "·" in shown  # date line of a hit
        assert app.focused is pane.query_input  # typing never moves focus

        await pilot.press("enter")
        await settle(pilot)
        reader = app.main_screen.reader
        hit = result.hits[0]
        assert reader.article is not None and reader.article.id == hit.id
        assert app.focused is reader
        assert reader.matches, "every match of the query is marked"
        current = reader.matches[reader.current_match]
        assert reader.cursor == current.paragraph == hit.paragraph
        page = reader._page
        assert page is not None
        y = page.line_of(current.paragraph, current.start)
        top = int(reader.scroll_offset.y)
        assert top <= y < top + reader.scrollable_content_region.height
        # The matched word is drawn in the current-match style.
        strip = reader.render_line(y - top)
        style = reader.get_component_rich_style("reader--match-current")
        word = reader.article.paragraphs[current.paragraph][current.start : current.end]
        assert any(seg.text == word and seg.style == style for seg in strip)
        assert f"match {reader.current_match + 1}/{len(reader.matches)}" in str(
            reader.border_subtitle
        )

        before = reader.current_match
        await pilot.press("n")
        assert reader.current_match == (before + 1) % len(reader.matches)
        await pilot.press("N", "N")
        assert reader.current_match == (before - 1) % len(reader.matches)
        assert reader.cursor == reader.matches[reader.current_match].paragraph

        await pilot.press("escape")  # back to the results, query kept
        assert app.focused is pane.results or app.focused is pane.query_input
        assert pane.query_text == "ceasefire"


async def test_down_picks_another_hit(new_app: Callable[..., NewsreaderApp]) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ceasefire")
        pane = app.main_screen.search_pane
        assert pane.result is not None
        await pilot.press("down")
        assert isinstance(app.focused, ResultList)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.main_screen.reader.article is not None
        assert app.main_screen.reader.article.id == pane.result.hits[1].id


async def test_enter_before_results_arrive_still_opens_the_top_hit(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        pane = app.main_screen.search_pane
        pane.query_input.value = "bronzes"
        await pilot.press("enter")  # before the answer came
        await settle(pilot)
        assert app.main_screen.reader.article is not None
        assert app.main_screen.reader.article.title.startswith("Museum returns looted bronzes")


async def test_suggestions_and_query_errors_show_inline(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ceasfire")
        pane = app.main_screen.search_pane
        status = pane.status_text
        assert "Showing results for ceasefire; search instead for ceasfire" in status
        assert pane.result is not None and pane.result.hits and pane.result.corrected
        pane.search_as_typed()
        await settle(pilot)
        status = pane.status_text
        assert "Did you mean ceasefire?" in status and "No matches." in status
        await pilot.press("enter")  # no hits: Enter takes the suggestion
        await settle(pilot)
        assert pane.query_text == "ceasefire"
        assert pane.result is not None and pane.result.hits and not pane.result.corrected

        pane.query_input.value = '"truce talks'
        await settle(pilot)
        status = pane.status_text
        assert "unmatched" in status
        for query in ("(", "date:2024-99", "title:", "[bold]", "AND OR NOT"):
            pane.query_input.value = query
            await settle(pilot)
        assert app.is_running


@pytest.mark.parametrize("size", [(120, 40), (100, 30), (80, 24), (60, 20)])
async def test_a_misspelling_shows_the_suggestions_results_and_a_click_searches_as_typed(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await search_for(pilot, "Ceasfire talks")
        pane = app.main_screen.search_pane
        result = pane.result
        assert result is not None and result.corrected and result.hits
        assert result.suggestion == "Ceasefire talks"
        shown = " ".join(visible_text(pane.results))
        assert "ceasefire" in shown.lower()
        await pilot.click("#results", offset=(2, 0))
        await settle(pilot)
        assert pane.result is not None and not pane.result.corrected
        assert pane.query_text == "Ceasfire talks"  # the box keeps what was typed
        await pilot.click("#results", offset=(2, 0))  # now the did-you-mean: takes the suggestion
        await settle(pilot)
        assert pane.query_text == "Ceasefire talks"
        assert pane.result is not None and pane.result.hits and not pane.result.corrected


async def test_keys_typed_right_after_slash_land_in_the_box(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    from textual import events

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # As a fast typist or a pasted "/truce 2024/05" arrives: all keys queued at once.
        for key, char in [("slash", "/"), ("t", "t"), ("r", "r"), ("slash", "/"), ("x", "x")]:
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
        await settle(pilot)
        assert app.main_screen.search_pane.query_input.value == "tr/x"


async def test_focus_returns_to_the_box_when_the_hits_vanish(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ceasefire")
        pane = app.main_screen.search_pane
        pane.query_input.value = "zzqqxx"  # typed on; the old hits are still listed
        pane.results.focus()
        await settle(pilot)
        assert pane.result is not None and not pane.result.hits
        assert app.focused is pane.query_input


async def test_vim_keys_move_through_hits_and_letters_go_back_to_the_query(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    from textual import events

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search_for(pilot, "ceasefire")
        pane = app.main_screen.search_pane
        results = pane.results
        assert pane.result is not None and len(pane.result.hits) >= 3

        def hit() -> int | None:
            return results.highlighted

        await pilot.press("down")
        assert app.focused is results and hit() == 0
        await pilot.press("j", "j")
        assert hit() == 2
        await pilot.press("k")
        assert hit() == 1
        await pilot.press("k", "k")  # k on the first hit goes up to the query box
        assert app.focused is pane.query_input

        # A letter typed on the hit list goes to the end of the query, nothing replaced,
        # and so do the keys typed right after it (queued at once, as a fast typist's).
        await pilot.press("down")
        assert app.focused is results
        for key in ("s", "space", "x"):
            event = events.Key(key, " " if key == "space" else key)
            event.set_sender(app)
            app._driver.send_message(event)  # type: ignore[union-attr]
        await settle(pilot)
        assert app.focused is pane.query_input
        assert pane.query_input.value == "ceasefires x"
        assert pane.query_input.selection.is_empty

        # Only the list's own keys stay keys: "j" moves, "q" types (no quitting mid-search).
        await pilot.press("down", "q")
        assert app.is_running and pane.query_input.value == "ceasefires xq"


async def test_counts_are_singular_for_one(
    seed_library: object,
    user_dirs: object,
) -> None:
    from pathlib import Path

    from newsreader.context import build_context
    from newsreader.tui.app import make_app

    assert isinstance(seed_library, Path)
    app = make_app(build_context([seed_library]), poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        status = app.main_screen.status.query_one("#activity", Static)
        assert plain(status.content) == "1 article · index ready"
        await search_for(pilot, "gaza")
        search_status = visible_text(app.main_screen.search_pane.results)[0]
        assert search_status.startswith(" 1 article ·")
