"""Background fetching at ``fetch_interval``: against a real server on 127.0.0.1, with a
one-second interval. Unchanged feeds answer 304 (ETag), a failing feed is asked less and less
often, nothing pops up for it, and the status line says when the last fetch ran."""

from __future__ import annotations

from pathlib import Path

from newsreader.app.refresh import BACKOFF_CAP, RefreshPlan
from newsreader.context import build_context
from newsreader.feeds import Subscription, add_subscription, subscriptions_file
from newsreader.paths import app_paths
from newsreader.tui.app import make_app
from tests.feeds.conftest import FAST, Server
from tests.feeds.conftest import web as web  # the local server fixture

from .conftest import settle
from .test_feeds import feeds_status, full_feed, wait_for


def test_the_plan_doubles_the_wait_after_each_failure_up_to_a_cap() -> None:
    plan = RefreshPlan(600.0)
    assert plan.due(["a", "b"], 0.0) == {"a", "b"}  # never fetched: due at once
    plan.record("a", False, 1000.0)
    plan.record("b", True, 1000.0)
    assert plan.next_due == {"a": 1600.0, "b": 2200.0}
    assert plan.due(["a", "b"], 1700.0) == {"a"}
    waits = []
    for _ in range(8):
        plan.record("b", True, 0.0)
        waits.append(plan.next_due["b"])
    assert waits[:4] == [2400.0, 4800.0, 9600.0, 19200.0]
    assert max(waits) == BACKOFF_CAP  # capped
    plan.record("b", False, 0.0)
    assert plan.next_due["b"] == 600.0 and plan.failures["b"] == 0  # back to the interval
    # From feeds.json at start: due one wait after the last fetch.
    fresh = RefreshPlan(600.0)
    fresh.seed(Subscription("c", last_fetched="2024-01-01T00:00:00+00:00", last_status="failed"))
    assert fresh.next_due["c"] == 1704067200.0 + 1200.0


async def test_feeds_are_fetched_in_the_background_politely(web: Server, library: Path) -> None:
    good = full_feed(web, "/good.xml", ["Tide tables revised"], etag='"v1"')
    bad = web.feed("/bad.xml", "<broken/>", status=500)
    feeds = subscriptions_file(app_paths())
    assert add_subscription(feeds, good, None) and add_subscription(feeds, bad, None)
    app = make_app(
        build_context([library]), poll_seconds=None, fetch_options=FAST, refresh_seconds=1.0
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        # Nothing pressed: the first background fetch saves the good feed's article.
        await wait_for(pilot, lambda: web.hits["/good.xml"] == 1, 15)
        await wait_for(pilot, lambda: web.not_modified["/good.xml"] >= 3, 15)
        plan = screen.refresher.plan
        assert plan is not None
        assert web.hits["/good.xml"] == 1  # afterwards only 304s: the ETag was sent back
        assert plan.failures[bad] >= 2
        # The failing feed waited 2 s, then 4 s: asked fewer times than the good one.
        assert web.hits["/bad.xml"] < web.not_modified["/good.xml"]
        assert plan.next_due[bad] - plan.next_due[good] > 1.0
        assert not [n for n in app._notifications if n.title == "Feed failed"]
        await wait_for(pilot, lambda: not screen.feeds.running)
        screen.feeds._summary_until = 0.0  # the summary of a run shows first, for 30 s
        screen.feeds.show_last()
        assert feeds_status(app) == "Feeds fetched just now"


async def test_the_interval_comes_from_config_and_is_off_by_default(
    library: Path, user_dirs: Path
) -> None:
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.main_screen.refresher.plan is None
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("fetch_interval = 45\n", "utf-8")
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = app.main_screen.refresher.plan
        assert plan is not None and plan.interval == 45 * 60


async def test_the_status_line_says_when_feeds_json_was_last_fetched(library: Path) -> None:
    import json
    from datetime import UTC, datetime, timedelta

    when = (datetime.now(UTC) - timedelta(minutes=5, seconds=10)).isoformat()
    path = subscriptions_file(app_paths())
    path.parent.mkdir(parents=True, exist_ok=True)
    feed = {"url": "http://127.0.0.1:9/feed.xml", "last_fetched": when}
    path.write_text(json.dumps({"version": 1, "feeds": [feed]}), "utf-8")
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: feeds_status(app) != "", 5)
        assert feeds_status(app) == "Feeds fetched 5 min ago"
