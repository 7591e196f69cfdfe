"""Finding the article in a page is bounded: a page whose shape makes trafilatura slow is given
up after ``[fetch] extract_seconds`` (the child reading it is killed), with a one-line reason,
and a feed entry keeps its summary; pages over the size limit lose scripts and styles first."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsreader.feeds import add_subscription, subscriptions_file
from newsreader.feeds.extract import NotAnArticle
from newsreader.feeds.pagereader import PageReader, trim_html
from newsreader.paths import app_paths
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow
from tests.feeds.conftest import Server, article_html, rss, story
from tests.feeds.conftest import web as web  # the local server fixture

LIMIT = 1.0
SLACK = 4.0
"""Process start, the child's imports, the download."""


def slow_page(size: int = 1_100_000) -> bytes:
    """Nested tags without prose: ~7 s of trafilatura per MB on a 2-core machine."""
    unit = "<div><span>word</span></div>"
    return f"<html><body>{unit * (size // len(unit))}</body></html>".encode()


def set_limit(user_dirs: Path, seconds: float) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[fetch]\nextract_seconds = {seconds}\n", "utf-8")


def test_a_slow_page_is_given_up_with_a_reason(
    cli: CLI, web: Server, user_dirs: Path, fault_row: FaultRow
) -> None:
    set_limit(user_dirs, LIMIT)
    url = web.page("/slow", slow_page())
    started = time.monotonic()
    run = cli("add", url)
    took = time.monotonic() - started
    assert run.code == 2
    assert f"the page took too long to read (over {LIMIT:g} s)" in run.err
    assert took < LIMIT + SLACK, took
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"add of a 1.1 MB page: ended in {took:.1f} s (limit {LIMIT:g} s)"


def test_a_slow_entry_page_keeps_the_feed_summary(
    cli: CLI, web: Server, user_dirs: Path, tmp_path: Path, fault_row: FaultRow
) -> None:
    set_limit(user_dirs, LIMIT)
    good = web.page("/good", article_html("Quick page", story(2)))
    feed = web.feed(
        "/feed.xml",
        rss(
            "Feed",
            [
                {
                    "title": "Slow page entry",
                    "link": web.page("/slow", slow_page()),
                    "description": "What the feed says about the slow page.",
                },
                {"title": "Quick page", "link": good, "description": "Short."},
            ],
        ),
    )
    assert add_subscription(subscriptions_file(app_paths()), feed, None)
    lib = tmp_path / "lib"
    lib.mkdir()
    started = time.monotonic()
    run = cli("fetch", library=lib)
    took = time.monotonic() - started
    assert run.code == 0, run.err
    assert "2 new, 1 from the feed's summary" in run.out
    assert "too long to read" in run.err
    assert took < LIMIT + SLACK + 1, took
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"fetch: slow page's summary kept, the next page read; {took:.1f} s"


def test_the_reader_survives_its_child_being_killed_and_reuses_it() -> None:
    page = article_html("A page to read", story(3)).encode()
    with PageReader(seconds=0.5, max_bytes=1 << 20) as reader:
        for _ in range(3):
            assert reader.read(page).title.startswith("A page to read")
        assert len(reader._all) == 1  # one child for the three pages
        with pytest.raises(NotAnArticle, match="too long"):
            reader.read(slow_page())
        assert reader.read(page).title.startswith("A page to read")  # a new child
        reader._all[0]._proc.kill()  # type: ignore[union-attr]
        with pytest.raises(NotAnArticle, match="stopped"):
            reader.read(page)
        assert reader.read(page).title.startswith("A page to read")


def test_big_pages_lose_scripts_first_and_trimming_is_linear() -> None:
    script = "<script>var x = '" + "a" * 100_000 + "';</script>"
    head = '<script type="application/ld+json">{"author": "Kept"}</script>'
    page = article_html("Story after the scripts", story(4)).replace(
        "<head>", "<head>" + head + script * 30 + "<style>" + "p{}" * 100_000 + "</style>"
    )
    data = page.encode()
    assert len(data) > 3_000_000
    trimmed = trim_html(data, 1 << 20)
    assert len(trimmed) < 1 << 20 and b"ld+json" in trimmed and b"var x" not in trimmed
    with PageReader(seconds=10, max_bytes=1 << 20) as reader:
        assert reader.read(data).title == "Story after the scripts"
    for hostile in (
        b"<script" * 500_000,
        b"<!--" * 500_000,
        b"<" * 4_000_000,
        b"<script>" + b"</scrip" * 500_000,
    ):
        started = time.monotonic()
        assert len(trim_html(hostile, 1 << 20)) <= 1 << 20
        assert time.monotonic() - started < 1.0


def test_feeds_and_pages_that_are_slow_to_parse_are_given_up(
    cli: CLI, web: Server, user_dirs: Path, tmp_path: Path, fault_row: FaultRow
) -> None:
    """feedparser took 37 s on 5 MB of unclosed items, and the standard HTML parser 55 s on
    60 kB of unclosed tags while looking for a page's feed links (it is quadratic on them), in
    the fetch's thread, holding the interpreter: the app froze. Both now run in the child."""
    set_limit(user_dirs, LIMIT)
    item = "<item><title>x</title><link>http://x.invalid/a</link><description>d</description>"
    broken = web.feed(
        "/broken.xml",
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>" + item * 25_000,
    )
    page = web.page("/page", "<html><head><title>t</title>" + "<a " * 20_000)
    times = []
    started = time.monotonic()
    added = cli("feeds", "add", page)
    times.append(time.monotonic() - started)
    assert add_subscription(subscriptions_file(app_paths()), broken, None)
    lib = tmp_path / "lib"
    lib.mkdir()
    started = time.monotonic()
    fetched = cli("fetch", library=lib)
    times.append(time.monotonic() - started)
    assert added.code == 2 and f"the page took too long to read (over {LIMIT:g} s)" in added.err
    assert fetched.code == 2 and "the feed took too long to read" in fetched.err, fetched.err
    assert max(times) < LIMIT + SLACK, times
    fault_row.cycles = fault_row.recovered = 2
    fault_row.note = (
        f"feeds add of 60 kB of open tags {times[0]:.1f} s, fetch of a 2 MB "
        f"broken feed {times[1]:.1f} s"
    )
