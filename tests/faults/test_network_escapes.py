"""Text from the network is data: feed titles, entry links, HTTP reason phrases, content types
and redirect targets reach the terminal, feeds.json and the app's toasts without a control
character, whether they arrived as raw bytes or as character references."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsreader.context import build_context
from newsreader.feeds import add_subscription, subscriptions_file
from newsreader.paths import app_paths
from newsreader.tui.app import make_app
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow
from tests.feeds.conftest import FAST, Server, article_html, rss, story
from tests.feeds.conftest import web as web  # the local server fixture
from tests.tui.conftest import settle

# What must never reach a terminal from outside: C0 but tab and newline, DEL, C1 (U+009B is
# a one-character CSI), and the bidi overrides.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OSC52 = "\x1b]52;c;cHduZWQ=\x07"
RAW_TITLE = f"Evil {OSC52}\x1b]0;owned\x07\x1b[2J feed \u009b31m\u202eright"
REF_TITLE = "Evil &#27;]52;c;cHduZWQ=&#7;&#27;]0;owned&#7;&#27;[2J feed"
REASON = f"Boom {OSC52}\x1b[2J\u009b6n"


def assert_inert(*texts: str) -> None:
    for text in texts:
        found = UNSAFE.search(text)
        assert found is None, f"control character {found.group()!r} in {text!r}"


def feed_with_title(web: Server, title: str, path: str = "/evil.xml") -> str:
    items = [
        {
            "title": title,
            "link": web.url("/story/1"),
            "content": "".join(f"<p>{p}</p>" for p in story(1, 200)) * 3,
        }
    ]
    body = rss("placeholder", items).replace(
        "<title>placeholder</title>", f"<title>{title}</title>", 1
    )
    return web.feed(path, body)


def stored_values(path: Path) -> list[str]:
    data = json.loads(path.read_text("utf-8"))
    return [v for feed in data["feeds"] for v in feed.values() if isinstance(v, str)]


@pytest.mark.parametrize("title", [RAW_TITLE, REF_TITLE], ids=["raw bytes", "references"])
def test_feed_titles_are_stored_and_shown_inert(
    cli: CLI, web: Server, title: str, tmp_path: Path, fault_row: FaultRow
) -> None:
    url = feed_with_title(web, title)
    lib = tmp_path / "lib"
    lib.mkdir()
    runs = [
        cli("feeds", "add", url),
        cli("feeds", "list"),
        cli("feeds", "list", "--json"),
        cli("fetch", library=lib),
    ]
    for run in runs:
        assert run.code == 0, run.err
        assert_inert(run.out, run.err)
    assert "Evil" in runs[0].out and "feed" in runs[1].out
    assert "Evil" in runs[3].out  # the fetch names the feed by its (cleaned) title
    assert_inert(*stored_values(subscriptions_file(app_paths())))
    for article in (lib.parent / "home" / "data" / "newsreader" / "articles").glob("*.txt"):
        assert_inert(article.read_text("utf-8"))
    fault_row.cycles = fault_row.recovered = len(runs) + 1
    fault_row.note = "feed <title>: feeds add/list/list --json/fetch, feeds.json"


def test_a_raw_title_already_stored_lists_inert(cli: CLI, fault_row: FaultRow) -> None:
    path = subscriptions_file(app_paths())
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "feeds": [
                    {
                        "url": "http://127.0.0.1:9/f.xml",
                        "title": RAW_TITLE,
                        "added": "2024-05-06",
                        "last_status": "failed",
                        "last_error": REASON,
                    }
                ],
            }
        ),
        "utf-8",
    )
    listing, as_json = cli("feeds", "list"), cli("feeds", "list", "--json")
    assert listing.code == 0 and as_json.code == 0, listing.err + as_json.err
    assert_inert(listing.out, listing.err)
    assert "Evil" in listing.out and "Boom" in listing.out
    assert_inert(*(v for row in as_json.json() for v in row.values() if isinstance(v, str)))
    fault_row.cycles = fault_row.recovered = 2
    fault_row.note = "an old feeds.json holding escapes: feeds list, --json"


def test_reason_phrases_content_types_links_and_redirects_are_inert(
    cli: CLI, web: Server, tmp_path: Path, fault_row: FaultRow
) -> None:
    failing = web.feed("/500.xml", "", status=500, reason=REASON)
    page = web.page("/500.html", "", status=500, reason=REASON)
    odd_type = web.page("/type", "<html></html>", content_type="text/\x1b[2Jevil\u009b1m")
    gopher = web.page("/gopher", "", redirect=f"gopher://x{OSC52}/")
    bad_link = web.url(f"/gone{OSC52}")
    good = web.page("/story/2", article_html("A fine story", story(2)))
    links = web.feed(
        "/links.xml",
        rss(
            "Links",
            [
                {"title": "Gone", "link": bad_link, "description": "Short."},
                {"title": "Fine", "link": good, "description": "Short."},
            ],
        ),
    )
    runs = [
        cli("feeds", "add", failing),
        cli("add", page, odd_type, gopher),
        cli("feeds", "add", gopher),
    ]
    for url in (failing, links):
        assert add_subscription(subscriptions_file(app_paths()), url, None)
    lib = tmp_path / "lib"
    lib.mkdir()
    runs += [cli("fetch", library=lib), cli("feeds", "list")]
    for run in runs:
        assert_inert(run.out, run.err)
    assert "HTTP 500 Boom" in runs[0].err
    assert "not a web page (text/" in runs[1].err
    assert "gopher://x" in runs[1].err  # the refused target is named, not the address given
    assert "HTTP 500 Boom" in runs[3].err and "/gone" in runs[3].err
    assert_inert(*stored_values(subscriptions_file(app_paths())))
    fault_row.cycles = fault_row.recovered = 7
    fault_row.note = "reason phrase, Content-Type, gopher redirect, entry link; 5 commands"


async def test_app_toasts_after_fetch_are_inert(
    web: Server, tmp_path: Path, fault_row: FaultRow
) -> None:
    failing = web.feed("/500.xml", "", status=500, reason=REASON)
    titled = feed_with_title(web, RAW_TITLE)
    broken = web.feed(
        "/broken.xml",
        rss(
            "Broken", [{"title": "One", "link": web.url("/none"), "description": "Short."}]
        ).replace("<title>Broken</title>", f"<title>Broken {OSC52}</title>")
        + "<junk",
    )
    for url in (failing, titled, broken):
        assert add_subscription(subscriptions_file(app_paths()), url, None)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.txt").write_text("A title\n\nSome text here.\n", "utf-8")
    app = make_app(build_context([lib]), poll_seconds=None, fetch_options=FAST)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        for _ in range(200):
            await pilot.pause(0.05)
            if not app.main_screen.feeds.running:
                break
        messages = [n.message for n in app._notifications]
        titles = [n.title for n in app._notifications]
    assert any("HTTP 500 Boom" in m for m in messages), messages
    assert_inert(*messages, *titles)
    fault_row.cycles = fault_row.recovered = len(messages)
    fault_row.note = "toasts after R: failed feed, hostile titles and notices"
