"""Read marks and the read filter; the narrow layout; library changes while running."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from newsreader.state import StateStore
from newsreader.tui.app import NewsreaderApp

from .conftest import settle, visible_text, write_article


def read_ids(app: NewsreaderApp) -> set[str]:
    store = StateStore.open(app.ctx.paths.state_file)
    try:
        states = store.reading_states(app.main_screen.rows.articles)
    finally:
        store.close()
    return {i for i, s in states.items() if s.read}


async def test_toggle_read_filter_and_mark_all(new_app: Callable[..., NewsreaderApp]) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        listing = screen.article_list
        first, second = screen.rows.rows[0], screen.rows.rows[1]
        await pilot.press("m")
        await settle(pilot)
        assert screen.rows.is_read(first.id)
        assert not visible_text(listing)[0].lstrip().startswith("●")
        assert listing.border_subtitle == "10 unread of 11"
        assert read_ids(app) == {first.id}

        await pilot.press("M")  # hide read: the first row goes, the cursor stays on a row
        assert [r.id for r in screen.rows.rows][:1] == [second.id]
        assert len(visible_text(listing)[0].strip()) > 0
        assert listing.border_subtitle == "10 unread of 11 · read hidden"
        assert listing.highlighted is not None and listing.highlighted.id == second.id

        await pilot.press("m")  # marking under the filter hides the row at once
        assert second.id not in {r.id for r in screen.rows.rows}
        assert listing.border_subtitle == "9 unread of 11 · read hidden"

        await pilot.press("M")  # show all again; m toggles back to unread
        assert len(screen.rows.rows) == 11
        assert listing.select_id(first.id)
        await pilot.press("m")
        await settle(pilot)
        assert not screen.rows.is_read(first.id)
        assert read_ids(app) == {second.id}

        await pilot.press("A")
        await settle(pilot)
        assert listing.border_subtitle == "0 unread of 11"
        assert len(read_ids(app)) == 11
        await pilot.press("M")
        assert screen.rows.rows == []
        assert visible_text(listing)[1].strip() == "Every article is read. M shows them again."


async def test_narrow_terminal_shows_one_pane(new_app: Callable[..., NewsreaderApp]) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.narrow
        assert screen.article_list.region.width == 80 and screen.reader.region.width == 0
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.region.width == 80 and screen.article_list.region.width == 0
        assert app.focused is screen.reader
        await pilot.press("tab")
        assert app.focused is screen.article_list and screen.reader.region.width == 0
        await pilot.press("tab")
        assert app.focused is screen.reader
        await pilot.press("escape")
        assert app.focused is screen.article_list
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert not screen.narrow
        assert screen.reader.region.width > 0 and screen.article_list.region.width > 0


async def test_library_changes_appear_without_restart(
    new_app: Callable[..., NewsreaderApp], library: Path
) -> None:
    app = new_app(poll_seconds=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        screen = app.main_screen
        assert len(screen.rows.rows) == 11
        await pilot.press("j", "j")
        keep = screen.article_list.highlighted
        assert keep is not None

        from datetime import date

        write_article(
            library / "new_story.txt",
            "Brand new story about lighthouses",
            date(2024, 6, 1),
            ["LISBON: The lighthouse keepers went on strike."],
        )
        (library / "010_madrid.txt").unlink()
        for _ in range(50):
            await asyncio.sleep(0.1)
            if len(screen.rows.rows) == 11 and screen.rows.rows[0].title.startswith("Brand"):
                break
        titles = [r.title for r in screen.rows.rows]
        assert titles[0] == "Brand new story about lighthouses"
        assert not any(t.startswith("Rail workers") for t in titles)
        assert screen.article_list.highlighted == keep  # the selection stays put
        assert "Brand new story" in visible_text(screen.article_list)[0]

        # And the index learns about it: searching finds the new article.
        for _ in range(50):
            hits = await asyncio.to_thread(lambda: app.session.search("lighthouse").hits)
            if hits:
                break
            await asyncio.sleep(0.1)
        assert hits and hits[0].title.startswith("Brand new story")


async def test_another_instance_marking_read_shows_up(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app(poll_seconds=0.2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.5)
        screen = app.main_screen
        target = screen.rows.rows[3]
        assert not screen.rows.is_read(target.id)
        other = StateStore.open(app.ctx.paths.state_file)  # a second newsreader, say
        try:
            await asyncio.to_thread(other.set_read, [target], True)
        finally:
            other.close()
        for _ in range(50):
            await asyncio.sleep(0.1)
            if screen.rows.is_read(target.id):
                break
        assert screen.rows.is_read(target.id)
        assert screen.article_list.border_subtitle == "10 unread of 11"
