"""The feeds screen: every feed with its category, unread count, last fetch and last error;
add, remove, fetch one or all, and narrow the article list to a feed or a category. A local
server on 127.0.0.1 serves the feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from newsreader.context import build_context
from newsreader.feeds import add_subscription, load_subscriptions, subscriptions_file
from newsreader.paths import app_paths
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.confirm import ConfirmDialog
from newsreader.tui.screens.feeds import FeedsScreen
from tests.feeds.conftest import FAST, Server
from tests.feeds.conftest import web as web  # the local server fixture

from .conftest import notices, plain, settle, visible_text
from .test_feeds import full_feed, wait_for

SIZES = [(120, 40), (100, 30), (80, 24), (60, 20)]


def feeds_file() -> Path:
    return subscriptions_file(app_paths())


def follow(url: str, category: str | None = None) -> None:
    assert add_subscription(feeds_file(), url, None, category)


@pytest.fixture
def two_feeds(web: Server, library: Path, user_dirs: Path) -> tuple[str, str]:
    """Two feeds in two categories; articles are saved into the library folder itself."""
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'library = ["{library}"]\narticles_dir = "{library}"\n', "utf-8")
    harbour = full_feed(web, "/harbour.xml", ["Pilots strike at dawn", "Cranes stand idle"])
    weather = full_feed(web, "/weather.xml", ["Storm warning for the coast"])
    follow(harbour, "Shipping")
    follow(weather, "Weather")
    return harbour, weather


def the_app() -> NewsreaderApp:
    return make_app(build_context(), poll_seconds=None, fetch_options=FAST)


def table_text(screen: FeedsScreen) -> list[list[str]]:
    table: DataTable[Text] = screen.query_one(DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def shows(cell: str, full: str) -> bool:
    """The cell shows ``full``, or as much of it as its column has room for."""
    return cell == full or (cell.endswith("…") and full.startswith(cell[:-1]))


def list_title(app: NewsreaderApp) -> str:
    title = app.main_screen.article_list._border_title
    return title.plain if title is not None else ""


async def open_feeds(app: NewsreaderApp, pilot: Pilot[Any]) -> FeedsScreen:
    await pilot.press("F")
    await settle(pilot)
    assert isinstance(app.screen, FeedsScreen)
    return app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_fetch_all_then_narrow_to_a_feed_and_a_category_and_back(
    two_feeds: tuple[str, str], size: tuple[int, int]
) -> None:
    harbour, weather = two_feeds
    app = the_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert app.main_screen.rows.total == 11
        screen = await open_feeds(app, pilot)
        rows = table_text(screen)
        assert rows[0][0] == "All articles"
        assert shows(rows[1][0], harbour) and shows(rows[2][0], weather)  # no title yet
        assert shows(rows[1][1], "Shipping") and shows(rows[2][1], "Weather")
        assert [r[3] for r in rows[1:]] == ["never", "never"]

        await pilot.press("R")
        await wait_for(pilot, lambda: not app.main_screen.feeds.running, 20)
        await wait_for(pilot, lambda: app.main_screen.rows.total == 14)
        await settle(pilot)
        rows = table_text(screen)
        assert shows(rows[1][0], "Feed /harbour.xml") and shows(rows[2][0], "Feed /weather.xml")
        # unread: every article's (what Enter there shows, as the list counts it), then per feed
        assert [r[2] for r in rows] == ["14", "2", "1"]
        assert screen.query_one(DataTable).border_subtitle == "2 feeds · 3 unread"
        assert [r[3] for r in rows[1:]] == ["just now", "just now"]

        # Enter on the first feed: the list shows its two articles and says so.
        await pilot.press("down", "enter")
        await settle(pilot)
        main = app.main_screen
        assert app.screen is main
        assert {a.title for a in main.rows.rows} == {"Pilots strike at dawn", "Cranes stand idle"}
        assert list_title(app) == "Articles · feed: Feed /harbour.xml"
        assert str(main.article_list.border_subtitle).startswith(
            "2 unread of 2 · all: 14 unread of 14"
        )
        shown = "\n".join(visible_text(main.article_list))
        assert "Pilots strike at dawn" in shown and "Harbour strike ends" not in shown

        # c on the weather feed: its category.
        screen = await open_feeds(app, pilot)
        await pilot.press("down", "down", "c")
        await settle(pilot)
        assert [a.title for a in main.rows.rows] == ["Storm warning for the coast"]
        assert list_title(app) == "Articles · category: Weather"

        # The palette's "Show all articles" brings every article back.
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "show all articles"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert len(main.rows.rows) == 14 and list_title(app) == "Articles"


@pytest.mark.parametrize("size", SIZES)
async def test_add_a_feed_by_address_then_fetch_only_it(
    web: Server, library: Path, size: tuple[int, int]
) -> None:
    old = full_feed(web, "/old.xml", ["Old story"])
    follow(old)
    new = full_feed(web, "/new.xml", ["Fresh story one", "Fresh story two"])
    app = make_app(build_context([library]), poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_feeds(app, pilot)
        await pilot.press("a")
        box = screen.query_one("#feed-add", Input)
        assert box.display and app.focused is box
        box.value = new
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.feeds) == 2, 15)
        assert any("Subscribed to Feed /new.xml (2 entries)" in m for m in notices(app))
        assert [f.url for f in load_subscriptions(feeds_file())] == [old, new]
        assert app.focused is screen.query_one(DataTable) and not box.display

        # r on the new feed fetches that one only.
        await pilot.press("j", "j", "r")  # j/k move, as in the other lists
        await wait_for(pilot, lambda: not app.main_screen.feeds.running, 20)
        await settle(pilot)
        assert web.hits["/new.xml"] == 2 and web.hits["/old.xml"] == 0  # checked, then fetched
        subs = {f.url: f for f in load_subscriptions(feeds_file())}
        assert subs[new].last_status == "ok" and subs[old].last_fetched is None
        assert table_text(screen)[2][3] == "just now" and table_text(screen)[1][3] == "never"

        # Adding what is not a feed says why, and adds nothing.
        await pilot.press("a")
        screen.query_one("#feed-add", Input).value = web.url("/nothing-here")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("Not added" in m for m in notices(app)), 15)
        assert any("HTTP 404" in m for m in notices(app))
        assert len(load_subscriptions(feeds_file())) == 2


@pytest.mark.parametrize("size", SIZES)
async def test_remove_a_feed_after_confirming(
    web: Server, library: Path, size: tuple[int, int]
) -> None:
    one = full_feed(web, "/one.xml", ["One"])
    two = full_feed(web, "/two.xml", ["Two"])
    follow(one)
    follow(two)
    app = make_app(build_context([library]), poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = await open_feeds(app, pilot)
        await pilot.press("down", "d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # no: kept
        await settle(pilot)
        assert len(load_subscriptions(feeds_file())) == 2
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: len(screen.feeds) == 1)
        assert [f.url for f in load_subscriptions(feeds_file())] == [two]
        assert any(f"Removed {one}." in m for m in notices(app))
        [first, only] = [r[0] for r in table_text(screen)]
        assert first == "All articles" and shows(only, two)


async def test_palette_opens_the_feeds_screen_and_a_resize_mid_fetch_keeps_it_working(
    web: Server, library: Path
) -> None:
    from .test_feeds import Gate

    gate = Gate(web, "/slow.xml")
    slow = full_feed(web, "/slow.xml", ["Slow story"])
    follow(slow)
    app = make_app(build_context([library]), poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        app.screen.query_one(Input).value = "feeds"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedsScreen)
        screen = app.screen
        await pilot.press("R")
        await wait_for(pilot, lambda: table_text(screen)[1][3] == "fetching…", 15)
        progress = screen.query_one("#feed-progress")
        assert progress.display and "Fetching feeds" in str(progress.render())
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.2)
        await pilot.press("G", "k", "j")  # keys still answer while the fetch runs
        assert app.screen is screen and screen.query_one(DataTable).cursor_row == 1
        gate.release()
        await wait_for(pilot, lambda: not app.main_screen.feeds.running, 20)
        await settle(pilot)
        assert str(progress.render()) == slow  # the progress gave way to the feed's address
        assert table_text(screen)[1][0] == "Feed /slow.x…"  # the name's column at 60 wide
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.2)
        assert table_text(screen)[1][0] == "Feed /slow.xml"  # the columns follow the width
        await pilot.press("escape")
        assert app.screen is app.main_screen


async def test_feed_titles_categories_and_errors_are_shown_inert(
    web: Server, library: Path
) -> None:
    hostile = "[bold]Loud[/bold] \x1b]52;c;aGk=\x07 title \x1b[31mred"
    url = web.url("/hostile.xml")
    path = feeds_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    import json

    path.write_text(
        json.dumps(
            {
                "version": 1,
                "feeds": [
                    {
                        "url": url,
                        "title": hostile,
                        "category": "[red]Cat\x1b[2J",
                        "last_error": "HTTP 500 [link=x]boom[/link]\x1b[1m",
                        "last_fetched": "2024-01-01T00:00:00+00:00",
                    }
                ],
            }
        ),
        "utf-8",
    )
    app = make_app(build_context([library]), poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_feeds(app, pilot)
        [_all, row] = table_text(screen)
        assert row[0] == "[bold]Loud[/bold] title red"  # as text, escapes gone
        assert row[1] == "[red]Cat"
        assert row[4] == "HTTP 500 [link=x]boom[/link]"
        assert row[3] == "2024-01-01"  # long ago: the date
        await pilot.press("j")  # below the table: the address and the whole error
        line = screen.query_one("#feed-progress", Static)
        assert line.display and plain(line.content) == f"{url} · HTTP 500 [link=x]boom[/link]"
        await pilot.press("enter")
        await settle(pilot)
        assert list_title(app) == "Articles · feed: [bold]Loud[/bold] title red"


async def test_a_reload_that_ends_late_does_not_undo_a_newer_one(
    two_feeds: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fetch's end and the library's rescan each reload the screen, in threads that can end
    in either order; one that read the library before the rescan must not win by ending last
    (the unread counts went back to 0 on a loaded machine)."""
    import threading

    from newsreader.app import sources

    app = the_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await open_feeds(app, pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.main_screen.feeds.running, 20)
        await wait_for(pilot, lambda: app.main_screen.rows.total == 14)
        await settle(pilot)
        assert [r[2] for r in table_text(screen)] == ["14", "2", "1"]

        release, entered = threading.Event(), threading.Event()
        real = sources.feed_files

        def stale_then_real(folder: Path) -> dict[str, set[str]]:
            if not entered.is_set():  # the first reload: holds, then answers as from before
                entered.set()
                release.wait(20)
                return {}
            return real(folder)

        monkeypatch.setattr(sources, "feed_files", stale_then_real)
        screen.reload()
        await wait_for(pilot, entered.is_set)
        screen.reload()
        await settle(pilot)
        release.set()
        await pilot.pause(0.3)
        await settle(pilot)
        assert [r[2] for r in table_text(screen)] == ["14", "2", "1"]
