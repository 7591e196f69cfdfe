"""Subscriptions: a small JSON list; ``find_feed`` checks a feed or finds it from a site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsreader.app.refresh import RefreshPlan
from newsreader.errors import UserError
from newsreader.feeds import (
    add_subscription,
    find_feed,
    load_subscriptions,
    remove_subscription,
)
from newsreader.feeds.subscriptions import update_subscriptions
from tests.feeds.conftest import FAST, Server, closed_port_url, rss


def test_add_list_remove(tmp_path: Path) -> None:
    feeds = tmp_path / "data" / "feeds.json"
    assert load_subscriptions(feeds) == []
    assert add_subscription(feeds, "https://a.example/feed", "A")
    assert add_subscription(feeds, "https://b.example/rss", None)
    assert not add_subscription(feeds, "HTTPS://A.example:443/feed#x", "again")  # same feed
    assert [f.url for f in load_subscriptions(feeds)] == [
        "https://a.example/feed",
        "https://b.example/rss",
    ]
    assert remove_subscription(feeds, "2").url == "https://b.example/rss"
    assert remove_subscription(feeds, "https://a.example/feed").title == "A"
    assert load_subscriptions(feeds) == []
    with pytest.raises(UserError, match=re.escape("no feed 'https://c.example/'")):
        remove_subscription(feeds, "https://c.example/")
    with pytest.raises(UserError, match="no feed '1'"):
        remove_subscription(feeds, "1")


def test_updates_merge_with_changes_made_meanwhile(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.json"
    add_subscription(feeds, "https://a.example/feed", None)
    add_subscription(feeds, "https://gone.example/feed", None)
    remove_subscription(feeds, "https://gone.example/feed")
    add_subscription(feeds, "https://new.example/feed", None)
    update_subscriptions(
        feeds,
        {
            "https://a.example/feed": {"etag": '"e"', "title": "A"},
            "https://gone.example/feed": {"etag": '"x"'},
        },
    )
    subs = load_subscriptions(feeds)
    assert [(s.url, s.etag, s.title) for s in subs] == [
        ("https://a.example/feed", '"e"', "A"),
        ("https://new.example/feed", None, None),
    ]


def test_corrupt_file_is_a_one_line_error(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.json"
    feeds.write_text('{"feeds": [{"nope": 1}]}')
    with pytest.raises(UserError, match="bad feeds file") as info:
        load_subscriptions(feeds)
    assert "\n" not in str(info.value)


def test_find_feed_direct_and_discovered(web: Server) -> None:
    feed = web.feed("/news/rss.xml", rss("Site News", [{"title": "x", "link": web.url("/x")}]))
    found = find_feed(feed, FAST)
    assert (found.url, found.title, found.entries) == (feed, "Site News", 1)
    web.page(
        "/",
        '<html><head><link rel="alternate" type="application/rss+xml" '
        'href="/news/rss.xml"></head><body>Home</body></html>',
    )
    assert find_feed(web.url("/"), FAST).url == feed


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda w: w.page("/plain", "<html><body>No feed here</body></html>"), "not a feed"),
        (lambda w: w.url("/missing"), "HTTP 404"),
        (lambda w: closed_port_url(), "connection refused"),
        (lambda w: "not-a-url", "not a web address"),
        (lambda w: w.feed("/bad.xml", "<rss><chan"), "not a valid feed"),
    ],
)
def test_find_feed_refuses_with_a_reason(web: Server, setup: object, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        find_feed(setup(web), FAST)  # type: ignore[operator]
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("count", ['"three"', "-4", "true", "2.5"])
def test_a_hand_edited_failure_count_is_read_as_none(tmp_path: Path, count: str) -> None:
    feeds = tmp_path / "feeds.json"
    record = f'{{"url": "https://a.example/feed", "failures": {count}}}'
    feeds.write_text(f'{{"version": 1, "feeds": [{record}]}}', "utf-8")
    [sub] = load_subscriptions(feeds)
    assert sub.failures == 0
    plan = RefreshPlan(60.0)
    plan.seed(sub)  # no crash: a feed never fetched is due at once
    assert plan.due([sub.url], 0.0) == {sub.url}
