"""Stars, tags, lists and saved searches in the real app under Pilot: what a reader sees
after each key, at several sizes, and that it is all there again after a restart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from newsreader.context import AppContext
from newsreader.state import StateStore
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.list_picker import ListPicker
from newsreader.tui.screens.name_dialog import NameDialog

from .conftest import settle, visible_text, write_article

SIZES = [(120, 40), (80, 24), (60, 20)]


def _row_line(app: NewsreaderApp, article_id: str) -> str:
    listing = app.main_screen.article_list
    index = app.main_screen.rows.index_of(article_id)
    assert index is not None
    return visible_text(listing)[index - int(listing.scroll_offset.y)]


def _store(ctx: AppContext) -> StateStore:
    return StateStore.open(ctx.paths.state_file)


async def _choose(pilot: object, app: NewsreaderApp, label: str) -> None:
    """Open the list picker and choose the list whose line starts with ``label``."""
    await pilot.press("L")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, ListPicker)
    options = app.screen.query_one(OptionList)
    lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    [at] = [i for i, line in enumerate(lines) if line.strip(" ●").startswith(label)]
    options.highlighted = at
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", SIZES)
async def test_star_and_tags_from_the_list_are_shown_and_kept(
    ctx: AppContext, size: tuple[int, int]
) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        rows = app.main_screen.rows
        first_row = rows.rows[0]
        first = first_row.id
        assert "★" not in _row_line(app, first)
        await pilot.press("s")
        await settle(pilot)
        assert "★" in _row_line(app, first)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        box = app.screen.query_one(Input)
        box.value = "Économie,  home   office"
        await pilot.press("enter")
        await settle(pilot)
        assert rows.tags(first) == ("Économie", "home office")
    store = _store(ctx)
    try:
        state = store.reading_state(first_row)
        assert state.starred and state.tags == ("Économie", "home office")
    finally:
        store.close()
    again = make_app(ctx, poll_seconds=None)
    async with again.run_test(size=size) as pilot:
        await settle(pilot)
        assert "★" in _row_line(again, first)
        assert again.main_screen.rows.tags(first) == ("Économie", "home office")
        await pilot.press("s")  # and off again
        await settle(pilot)
        assert "★" not in _row_line(again, first)


async def test_tags_complete_from_those_in_use_and_bad_ones_are_refused(ctx: AppContext) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.main_screen.rows
        second = rows.rows[1]
        store = _store(ctx)
        store.change_tags(second, ["Economy"])
        store.close()
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        await pilot.press("e", "c")
        await settle(pilot)
        await pilot.pause(0.1)
        box = app.screen.query_one(Input)
        assert box._suggestion == "Economy"
        await pilot.press("right")  # takes the completion
        assert box.value == "Economy"
        box.value = "ok, " + "x" * 81
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)  # still open, saying why
        assert "longer than 80 characters" in str(app.screen.query_one("#name-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert rows.tags(rows.rows[0].id) == ()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_lists_narrow_to_starred_tags_and_a_live_saved_search(
    ctx: AppContext, library: Path, size: tuple[int, int]
) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        rows = screen.rows
        all_ids = [r.id for r in rows.rows]
        await pilot.press("s", "j", "j", "s")  # rows 0 and 2 starred
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one(Input).value = "[bold]marked[/bold]"  # a name, never markup
        await pilot.press("enter")
        await settle(pilot)
        await _choose(pilot, app, "Starred")
        assert [r.id for r in rows.rows] == [all_ids[0], all_ids[2]]
        await _choose(pilot, app, "#[bold]marked[/bold]")
        assert [r.id for r in rows.rows] == [all_ids[2]]
        # Save a search from the search pane, with ctrl+s and a name.
        await pilot.press("slash", *"ceasefire")
        await settle(pilot)
        hits = (
            {h.id for h in screen.search_pane.result.hits} if screen.search_pane.result else set()
        )
        assert hits
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        await pilot.press(*"Talks", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await _choose(pilot, app, "Talks")
        assert {r.id for r in rows.rows} == hits
        assert rows.fresh == hits  # never looked at: every match is new
        assert " new" in _row_line(app, rows.rows[0].id)
        # A new article arrives: the saved search takes it in, marked new.
        write_article(
            library / "999_cairo.txt",
            "Ceasefire holds overnight",
            date(2024, 9, 1),
            ["CAIRO: the ceasefire held overnight, officials said."],
        )
        screen.sync.rescan()
        await settle(pilot)
        for _ in range(40):
            if "999_cairo" in {r.id for r in rows.rows}:
                break
            await pilot.pause(0.1)
            await settle(pilot)
        assert {r.id for r in rows.rows} == hits | {"999_cairo"}
        assert "999_cairo" in rows.fresh
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, ListPicker)
        options = app.screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        talks = next(line for line in lines if "Talks" in line)
        assert f"unread of {len(hits) + 1}" in talks
        await pilot.press("escape")
        await settle(pilot)
        await _choose(pilot, app, "All articles")
        assert len(rows.rows) == len(all_ids) + 1


async def test_the_sort_key_cycles_and_is_remembered(ctx: AppContext) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = app.main_screen.rows
        by_date = [r.id for r in rows.rows]
        await pilot.press("S")
        await settle(pilot)
        titles = [r.title.casefold() for r in rows.rows]
        assert titles == sorted(titles) and rows.sort == "title"
    again = make_app(ctx, poll_seconds=None)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = again.main_screen.rows
        assert rows.sort == "title"
        await pilot.press("S", "S", "S")  # source, progress, date again
        await settle(pilot)
        assert rows.sort == "date" and [r.id for r in rows.rows] == by_date


async def test_filters_work_in_the_search_pane(ctx: AppContext) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = app.main_screen.rows
        starred = rows.rows[3].id
        await pilot.press(*["j"] * 3, "s")  # starred here too, so the rows say so at once
        await settle(pilot)
        await pilot.press("slash", *"is:starred")
        await settle(pilot)
        result = app.main_screen.search_pane.result
        assert result is not None and [h.id for h in result.hits] == [starred]


async def test_the_new_keys_are_remapped_by_their_ids(library: Path, user_dirs: Path) -> None:
    from newsreader.context import build_context

    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\n"list.toggle_star" = "x"\n"main.lists" = "ctrl+l"\n', "utf-8")
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = app.main_screen.rows.rows[0].id
        await pilot.press("s")  # no longer the star key
        await settle(pilot)
        assert not app.main_screen.rows.is_starred(first)
        await pilot.press("x")
        await settle(pilot)
        assert app.main_screen.rows.is_starred(first)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, ListPicker)


async def test_a_saved_search_is_forgotten_from_the_picker(ctx: AppContext) -> None:
    store = _store(ctx)
    store.save_search("Old", "ceasefire")
    store.close()
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, ListPicker)
        options = app.screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        options.highlighted = next(i for i, line in enumerate(lines) if "Old" in line)
        await pilot.press("d")
        await settle(pilot)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert not any("Old" in line for line in lines)
        options.highlighted = 0  # All: not the user's to delete
        await pilot.press("d")
        await settle(pilot)
        assert options.option_count == len(lines)
        await pilot.press("escape")
        await settle(pilot)
    store = _store(ctx)
    try:
        assert store.saved_searches() == []
    finally:
        store.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_tag_may_hold_a_comma_when_quoted(ctx: AppContext, size: tuple[int, int]) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        rows = app.main_screen.rows
        first, second = rows.rows[0].id, rows.rows[1].id
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one(Input).value = '"Gaza, north", [b]x[/b]'
        await pilot.press("enter")
        await settle(pilot)
        assert rows.tags(first) == ("Gaza, north", "[b]x[/b]")
        await pilot.press("t")  # offered again as typed: the comma tag quoted
        await settle(pilot)
        box = app.screen.query_one(Input)
        assert box.value == '"Gaza, north", [b]x[/b], '
        await pilot.press("escape", "j", "t")
        await settle(pilot)
        await pilot.press("G", "a")  # completed, quoted, from the tags in use
        await pilot.pause(0.1)
        box = app.screen.query_one(Input)
        assert box._suggestion == '"Gaza, north"'
        await pilot.press("right", "enter")
        await settle(pilot)
        assert rows.tags(second) == ("Gaza, north",)
        await _choose(pilot, app, "#Gaza, north")
        assert {r.id for r in rows.rows} == {first, second}


@pytest.mark.parametrize(
    "tags",
    [("plain",), ("Gaza, north", "b"), ('say "no"',), ('a, "b"', " c")],
)
def test_tags_written_on_one_line_read_back_the_same(tags: tuple[str, ...]) -> None:
    from newsreader.state.tags import join_tags, split_tags

    line = join_tags(tags)
    assert [t.strip() for t in split_tags(line)] == [t.strip() for t in tags]
    assert split_tags(line + ", ") == split_tags(line)  # the dialog's trailing ", "


@pytest.mark.parametrize("size", SIZES)
async def test_a_toast_is_shown_once_while_a_dialog_is_open(
    ctx: AppContext, size: tuple[int, int]
) -> None:
    """The screen beneath a dialog shows through it: its copy of a toast was drawn too."""
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.export_screenshot().count("Starred") == 1
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, NameDialog)
        assert app.export_screenshot().count("Starred") == 1
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, NameDialog)
        assert app.export_screenshot().count("Starred") == 1  # the toast back on its screen
