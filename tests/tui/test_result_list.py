"""The hit list: wrapped hits drawn on demand, more hits loaded near the end, typing coalesced."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from newsreader.context import build_context
from newsreader.search import SearchHit, SearchResult
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.widgets.result_list import RULE
from newsreader.tui.widgets.search_pane import FIRST_HITS, MORE_HITS, SearchPane

from .conftest import make_library, search_for, settle, visible_text


def count_searches(pane: SearchPane) -> list[str]:
    """The queries the pane searches from now on (the real search still runs)."""
    searched: list[str] = []
    search = pane._search

    def counting(query: str, limit: int) -> SearchResult:
        searched.append(query)
        return search(query, limit)

    pane._search = counting
    return searched


def _big_app(tmp_path: Path) -> NewsreaderApp:
    # 71 articles; the filler words ("officials", "talks") are in every one of them.
    return make_app(build_context([make_library(tmp_path / "big", extra=60)]), poll_seconds=None)


async def test_hits_are_drawn_wrapped_with_rules_and_the_cursor(tmp_path: Path) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "ceasefire")
        results = pane.results
        hits = pane.result.hits
        assert len(hits) >= 2
        top = results.status_lines  # the count above the hits
        assert "articles" in visible_text(results)[0]
        lines = visible_text(results)[top:]
        text = "\n".join(lines)
        assert hits[0].title.split()[0] in lines[0]
        assert any(line.strip().startswith(RULE * 10) for line in lines), "a rule between hits"
        # Every word of a long title is shown (wrapped, never cut).
        first_hit_lines = lines[: lines.index(next(x for x in lines if RULE * 10 in x))]
        assert " ".join(" ".join(first_hit_lines).split()).startswith(hits[0].title)
        assert "ceasefire" in text.lower()
        # The highlighted hit is drawn in the cursor style, the others not.
        await pilot.press("down")
        cursor = results.get_component_rich_style("result-list--cursor")
        assert next(iter(results.render_line(top))).style.bgcolor == cursor.bgcolor
        rule_at = top + next(i for i, line in enumerate(lines) if RULE * 10 in line)
        assert next(iter(results.render_line(rule_at + 1))).style.bgcolor != cursor.bgcolor


async def test_more_hits_load_near_the_end_in_the_same_order(tmp_path: Path) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "officials")
        first = pane.result
        assert first.total == 71 and len(first.hits) == FIRST_HITS
        await pilot.press("down", *["j"] * (FIRST_HITS - 2))  # near the last: more are fetched
        await settle(pilot)
        more = pane.result
        assert len(more.hits) >= FIRST_HITS + MORE_HITS  # a batch, or two as the view scrolls
        assert [h.id for h in more.hits[:FIRST_HITS]] == [h.id for h in first.hits]
        assert len({h.id for h in more.hits}) == len(more.hits)
        assert pane.results.highlighted == FIRST_HITS - 2  # the cursor stayed where it was


@pytest.mark.parametrize(
    ("key", "size"), [("end", (120, 40)), ("G", (80, 24)), ("end", (60, 20)), ("G", (60, 20))]
)
async def test_end_goes_to_the_last_result_not_the_last_loaded(
    tmp_path: Path,
    size: tuple[int, int],
    key: str,
) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "officials")
        assert pane.result.total == 71 and len(pane.result.hits) == FIRST_HITS
        await pilot.press("down", key)
        await settle(pilot)
        assert len(pane.result.hits) == 71
        assert len({h.id for h in pane.result.hits}) == 71
        assert pane.results.highlighted == 70
        last = pane.result.hits[-1]
        shown = " ".join(" ".join(visible_text(pane.results)).split())
        assert last.title in shown, "the last hit is in view"
        await pilot.press("g" if key == "G" else "home")
        assert pane.results.highlighted == 0
        assert pane.query_input.value == "officials"  # g/G are keys on the hits, not typing
        await pilot.press(key, "enter")
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None and reader.article.id == last.id


async def test_a_click_opens_the_hit_under_the_mouse(tmp_path: Path) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "ceasefire")
        lines = visible_text(pane.results)
        second = next(i for i, line in enumerate(lines) if RULE * 10 in line) + 1
        assert await pilot.click(pane.results, offset=(5, second))
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None and reader.article.id == pane.result.hits[1].id


async def test_keys_typed_during_a_search_are_answered_together(tmp_path: Path) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.main_screen.search_pane
        searched = count_searches(pane)
        await pilot.press("slash")
        for char in "ceasefire talks":  # all queued at once, as a fast typist's keys
            event = events.Key("space" if char == " " else char, char)
            event.set_sender(app)
            assert app._driver is not None
            app._driver.send_message(event)
        await settle(pilot)
        assert pane.query_text == "ceasefire talks"
        assert pane.result is not None
        assert searched[-1] == "ceasefire talks" and pane.result.query == "ceasefire talks"
        assert len(searched) < len("ceasefire talks"), "keys typed meanwhile share a search"
        assert pane.result.hits


async def test_a_query_longer_than_the_box_scrolls_to_the_cursor(tmp_path: Path) -> None:
    # The query box asks for no screen layout per key: its own scrolling must still follow.
    app = _big_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = app.main_screen.search_pane.query_input
        words = "officials talks border crossing markets bread fuel capitals residents news"
        for char in words:
            await pilot.press("space" if char == " " else char)
        await settle(pilot)
        assert len(words) > box.size.width
        assert box.scroll_offset.x > 0
        shown = box.render_line(0).text
        assert "news" in shown and not shown.strip().startswith("officials")
        await pilot.press("home")
        await pilot.pause()
        assert box.scroll_offset.x == 0
        assert box.render_line(0).text.strip().startswith("officials")


async def test_deleting_back_to_an_earlier_query_answers_without_a_search(
    tmp_path: Path,
) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.main_screen.search_pane
        searched = count_searches(pane)
        first = (await search_for(pilot, "ceasefire")).result
        assert first.hits and searched[-1] == "ceasefire"
        assert (await search_for(pilot, " talks")).result.query == "ceasefire talks"
        await pilot.press(*["backspace"] * 6)  # back to "ceasefire": remembered
        await settle(pilot)
        assert pane.result is first
        assert searched.count("ceasefire") == 1
        assert [line for line in visible_text(pane.results) if line.strip()]
        pane.search_again()  # the index changed: remembered answers are dropped
        await settle(pilot)
        assert searched.count("ceasefire") == 2 and pane.result is not first


@pytest.mark.parametrize("size", [(120, 40), (100, 30), (80, 24)])
async def test_the_hits_start_right_below_the_status_whatever_its_height(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "ceasfire")  # did-you-mean: two status lines or more
        assert pane.result.corrected and pane.result.hits
        lines = visible_text(pane.results)
        top = pane.results.status_lines
        assert top >= 2 and "Showing results for ceasefire" in " ".join(lines[:top])
        assert lines[top].strip() == pane.result.hits[0].title[: len(lines[top].strip())]
        for query in ("officials", "qqq"):
            pane.query_input.value = query
            await settle(pilot)
            lines = visible_text(pane.results)
            top = pane.results.status_lines
            assert 1 <= top < 3  # shorter: the hits moved up with it
            if pane.result.hits:
                first = lines[top].strip()
                assert first and pane.result.hits[0].title.startswith(first)
            else:  # "No matches.", and nothing below it
                assert lines[0].strip() == "No matches." and not any(lines[top:])


async def test_hits_are_wrapped_again_when_the_pane_changes_width(tmp_path: Path) -> None:
    app = _big_app(tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "ceasefire")
        title = pane.result.hits[0].title
        wide = visible_text(pane.results)[pane.results.status_lines :]
        await pilot.resize_terminal(110, 40)
        await settle(pilot)
        narrow = visible_text(pane.results)[pane.results.status_lines :]
        assert len(narrow[0]) < len(wide[0]) or len(title) < len(narrow[0])
        rule = next(i for i, line in enumerate(narrow) if RULE * 10 in line)
        # The first hit's lines, re-wrapped, still hold the whole title.
        assert " ".join(" ".join(narrow[:rule]).split()).startswith(title)


async def test_a_short_list_after_a_long_one_drops_the_scrollbar(tmp_path: Path) -> None:
    # A list that needed a scrollbar, then hits that fit at the full width but not at the
    # width the scrollbar leaves: the scrollbar kept itself (and cut the last hit short).
    app = _big_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "officials")
        results = pane.results
        long_hits = pane.result.hits
        fitting = (await search_for(pilot, "ceasefire")).result.hits
        results.set_hits(())
        await settle(pilot)
        full = results.scrollable_content_region.width

        def height(hits: tuple[SearchHit, ...], width: int) -> int:
            return sum(len(results._wrap(h, width - 2, app.console)) + 1 for h in hits) - 1

        bar = results.styles.scrollbar_size_vertical
        short = next(
            pool[:k]
            for pool in (fitting, long_hits)
            for k in range(1, len(pool))
            if height(pool[:k], full) < height(pool[:k], full - bar)
        )
        # The terminal as tall as the short list at the full width: one line short of it
        # at the narrower width.
        overhead = 40 - results.scrollable_content_region.height
        await pilot.resize_terminal(120, height(short, full) + results.status_lines + overhead)
        await settle(pilot)
        results.set_hits(long_hits)
        await settle(pilot)
        assert results.show_vertical_scrollbar
        results.set_hits(short)
        await settle(pilot)
        assert not results.show_vertical_scrollbar
        assert results.virtual_size.height <= results.scrollable_content_region.height


async def test_the_hit_layout_alone_knows_the_styles_it_draws_with() -> None:
    """The layout wraps hits with the list's component styles, so it declares them itself:
    a widget built on it has them without repeating the list's declaration."""
    from textual.app import App, ComposeResult

    from newsreader.tui.widgets.hit_layout import HitLayout

    class Plain(HitLayout):
        pass

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Plain()

    async with Host().run_test(size=(60, 20)) as pilot:
        from rich.style import Style

        layout = pilot.app.query_one(Plain)
        assert isinstance(layout._style("match"), Style)  # Textual raised KeyError before
