"""Fetching feeds from the app: new articles show up as they arrive, failures are reported per
feed, and the app keeps running. A local server on 127.0.0.1 serves the feeds."""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static

from newsreader.context import AppContext, build_context
from newsreader.feeds import add_subscription, subscriptions_file
from newsreader.paths import app_paths
from newsreader.tui.app import NewsreaderApp, make_app
from tests.feeds.conftest import (
    FAST,
    Route,
    Server,
    article_html,
    closed_port_url,
    rfc822,
    rss,
    story,
)
from tests.feeds.conftest import web as web  # the local server fixture

from .conftest import notices, plain, settle, visible_text


def full_feed(web: Server, path: str, titles: list[str], **route: object) -> str:
    """A feed whose entries carry their whole text (no page requests); two feeds' first
    entries tell different stories (the same text would be one story in the list)."""
    first = zlib.crc32(path.encode()) % 10_000 * 100
    items = [
        {
            "title": title,
            "link": web.url(f"{path}/{i}"),
            "pubDate": rfc822(i + 1),
            "content": "".join(f"<p>{p}</p>" for p in story(first + i)),
        }
        for i, title in enumerate(titles)
    ]
    return web.feed(path, rss(f"Feed {path}", items), **route)


class Gate(dict[str, Route]):
    """The server's routes, with some paths left unanswered until ``release()`` (or 10 s):
    a feed or page still loading for as long as the test needs, without timing guesses."""

    def __init__(self, web: Server, *held: str) -> None:
        super().__init__(web.routes)
        self.held = set(held)
        self._released = threading.Event()
        web.routes = self  # the server reads its routes on every request

    def get(self, key: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        if key in self.held:
            self._released.wait(10)
        return super().get(key, default)

    def release(self) -> None:
        self._released.set()


def subscribe(*urls: str) -> None:
    for url in urls:
        assert add_subscription(subscriptions_file(app_paths()), url, None)


def feeds_status(app: NewsreaderApp) -> str:
    widget = app.main_screen.status.query_one("#feeds", Static)
    return plain(widget.content) if widget.display else ""


async def wait_for(pilot: Pilot[Any], ready: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:
        await pilot.pause(0.05)
    assert ready()


async def test_fetch_shows_new_articles_as_they_arrive_in_the_default_library(
    web: Server, user_dirs: Path
) -> None:
    # The default library (the bundled seed) has no articles folder yet: the first article
    # saved adds it to the library without a restart.
    gate = Gate(web, "/slow.xml")
    quick = full_feed(web, "/quick.xml", ["Lighthouse keepers strike", "Harbour pilots join"])
    slow = full_feed(web, "/slow.xml", ["Late evening story"])
    subscribe(quick, slow)
    ctx = build_context()
    assert ctx.library_source == "seeds" and ctx.articles_dir not in ctx.library.roots
    app = make_app(ctx, poll_seconds=60, fetch_options=FAST)  # polling, but not in time
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        view = screen.library_view
        await wait_for(pilot, lambda: view.loaded and view.indexed, 15)
        assert screen.rows.total == 1
        await pilot.press("R")

        def titles() -> set[str]:
            return {a.title for a in screen.rows.articles}

        # The quick feed's articles are listed while the slow feed is still loading.
        # The first feed waits for the reader's child to start (seconds on a busy machine).
        await wait_for(
            pilot, lambda: {"Lighthouse keepers strike", "Harbour pilots join"} <= titles(), 15
        )
        assert screen.feeds.running
        assert "Fetching feeds" in feeds_status(app) and "2 new" in feeds_status(app)
        assert not any("Library changed" in m for m in notices(app))  # counted by the fetch

        gate.release()
        await wait_for(pilot, lambda: not screen.feeds.running and screen.rows.total == 4)
        assert "Late evening story" in titles()
        assert any("3 new articles from 2 feeds" in m for m in notices(app))
        assert feeds_status(app) == "Feeds: 3 new"
        assert app.ctx.articles_dir in app.ctx.library.roots
        assert screen.article_list.border_subtitle == "4 unread of 4"
        shown = "\n".join(visible_text(screen.article_list))
        assert "Lighthouse keepers strike" in shown

        # The index of the new library answers searches for the new articles.
        async def found() -> bool:
            hits = await asyncio.to_thread(lambda: app.session.search("lighthouse").hits)
            return bool(hits) and hits[0].title == "Lighthouse keepers strike"

        deadline = time.monotonic() + 10
        while not await found() and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert await found()

        # A second fetch finds nothing new and says so.
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.feeds.running)
        assert any("0 new articles from 2 feeds" in m for m in notices(app))
        assert screen.rows.total == 4


async def test_a_broken_feed_is_reported_and_the_rest_still_arrive(
    web: Server, library: Path, user_dirs: Path
) -> None:
    # Articles saved into the library folder itself (config), from the palette.
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'library = ["{library}"]\narticles_dir = "{library}"\n', "utf-8")
    # Entries with only a summary: each page is fetched, the second one held back.
    gate = Gate(web, "/story/1")
    items = []
    for i, title in enumerate(["Bridge reopens after repairs", "Tunnel works delayed"]):
        link = web.page(f"/story/{i}", article_html(title, story(i)))
        items.append(
            {"title": title, "link": link, "description": "Summary.", "pubDate": rfc822(i + 1)}
        )
    good = web.feed("/good.xml", rss("Good news", items))
    refused = closed_port_url()
    subscribe(good, web.url("/missing.xml"), refused)
    app = make_app(build_context(), poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.rows.total == 11
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "fetch feeds"
        await pilot.pause(0.3)
        await pilot.press("enter")
        # The first article is listed while the second page is still on its way.
        await wait_for(pilot, lambda: screen.rows.total == 12, 15)
        assert screen.feeds.running
        assert "Bridge reopens after repairs" in {a.title for a in screen.rows.articles}
        gate.release()
        await wait_for(pilot, lambda: not screen.feeds.running)
        await settle(pilot)
        assert app.screen is screen and app.is_running
        assert screen.rows.total == 13
        failures = [n for n in app._notifications if n.title == "Feed failed"]
        assert len(failures) == 2  # one line per failed feed, naming it and saying why
        missing = next(n.message for n in failures if "/missing.xml" in n.message)
        assert "HTTP 404" in missing
        port = refused.rsplit(":", 1)[1].strip("/")
        assert any(port in n.message and "refused" in n.message for n in failures)
        assert all(n.severity == "error" and "\n" not in n.message for n in failures)
        assert any("2 new articles from 3 feeds (2 failed)" in m for m in notices(app))
        assert feeds_status(app) == "Feeds: 2 new · 2 failed"
        # The app still works: the new article opens.
        screen.article_list.select_id(
            next(a.id for a in screen.rows.articles if a.title.startswith("Bridge"))
        )
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reader.article is not None
        assert screen.reader.article.title == "Bridge reopens after repairs"


async def test_without_subscriptions_the_app_says_how_to_add_one(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert any("newsreader feeds add URL" in m for m in notices(app))
        assert feeds_status(app) == ""
        assert not app.main_screen.feeds.running


async def test_many_failed_feeds_are_aggregated(web: Server, ctx: AppContext) -> None:
    subscribe(*(web.url(f"/gone/{i}.xml") for i in range(5)))
    app = make_app(ctx, poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.main_screen.feeds.running)
        one_each = [n for n in app._notifications if n.title == "Feed failed"]
        assert len(one_each) == 3  # then the rest in one toast, not a wall of toasts
        [rest] = [n.message for n in app._notifications if "2 more problems" in n.message]
        assert rest.count("HTTP 404") == 2
        assert any("0 new articles from 5 feeds (5 failed)" in m for m in notices(app))
        assert app.is_running


async def test_an_explicit_library_is_kept_and_the_user_told_where_articles_went(
    web: Server, ctx: AppContext
) -> None:
    subscribe(full_feed(web, "/one.xml", ["Only story"]))
    assert ctx.library_source == "--library"
    app = make_app(ctx, poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: not app.main_screen.feeds.running)
        await settle(pilot)
        assert app.ctx.library.roots == ctx.library.roots  # --library means those folders
        assert app.main_screen.rows.total == 11
        assert any(str(ctx.articles_dir) in m and "--library" in m for m in notices(app))
        assert (ctx.articles_dir).is_dir() and any(ctx.articles_dir.glob("*.txt"))
