"""``fetch_all``: new feed entries become articles; 304s, limits, failures per feed."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from newsreader.feeds import (
    ArticleSaved,
    FeedEvent,
    FeedFinished,
    FeedStarted,
    add_subscription,
    fetch_all,
    load_subscriptions,
)
from newsreader.library import parse_file
from tests.feeds.conftest import FAST, Server, article_html, closed_port_url, rfc822, rss, story


def _subscribe(feeds: Path, *urls: str) -> None:
    for url in urls:
        assert add_subscription(feeds, url, None)


def _summary_feed(web: Server, n: int, path: str = "/feed.xml", **route: object) -> str:
    items = []
    for i in range(n):
        link = web.page(f"/story/{i}", article_html(f"Story {i}", story(i)))
        items.append(
            {
                "title": f"Story {i}",
                "link": link,
                "guid": link,
                "pubDate": rfc822(i + 1),
                "description": f"Short summary of story {i}.",
            }
        )
    return web.feed(path, rss("Example News", items), **route)


def test_summary_feed_saves_each_page_and_304_means_no_new_work(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 3, etag='"v1"'))
    report = fetch_all(feeds, articles, options=FAST)
    [result] = report.results
    assert (result.status, result.new, result.title) == ("ok", 3, "Example News")
    art = parse_file(articles / result.saved[0].path.name, "x")
    assert art.title == "Story 0" and art.date == date(2024, 5, 1)
    assert art.paragraphs == tuple(story(0))  # the full page, not the one-line summary
    assert load_subscriptions(feeds)[0].etag == '"v1"'

    files = sorted(articles.glob("*.txt"))
    again = fetch_all(feeds, articles, options=FAST)
    assert again.results[0].status == "not modified" and again.new == 0
    assert web.not_modified["/feed.xml"] == 1 and web.hits["/feed.xml"] == 1
    assert sorted(articles.glob("*.txt")) == files
    assert all(web.hits[f"/story/{i}"] == 1 for i in range(3))


def test_last_modified_alone_also_gives_304(web: Server, articles: Path, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 1, last_modified="Mon, 06 May 2024 10:00:00 GMT"))
    assert fetch_all(feeds, articles, options=FAST).new == 1
    assert fetch_all(feeds, articles, options=FAST).results[0].status == "not modified"


def test_changed_feed_adds_only_the_new_entry(web: Server, articles: Path, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 2, etag='"v1"'))
    assert fetch_all(feeds, articles, options=FAST).new == 2
    _summary_feed(web, 3, etag='"v2"')
    second = fetch_all(feeds, articles, options=FAST).results[0]
    assert (second.new, second.known) == (1, 2)
    assert len(list(articles.glob("*.txt"))) == 3


def test_full_content_feed_needs_no_page_requests(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    body = "".join(f"<p>{p}</p>" for p in story(9)) + "<p>The post X appeared first on Y.</p>"
    url = web.feed(
        "/full.xml",
        rss(
            "Full",
            [
                {
                    "title": "Whole story",
                    "link": web.url("/never-fetched"),
                    "pubDate": rfc822(9),
                    "description": "Teaser only.",
                    "content": body,
                }
            ],
        ),
    )
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, url)
    [saved] = fetch_all(feeds, articles, options=FAST).saved
    assert parse_file(saved.path, "x").paragraphs == tuple(story(9))
    assert web.hits["/never-fetched"] == 0 and not saved.from_summary


def test_page_that_fails_falls_back_to_the_summary(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    web.page("/not-article", "<html><body><a href=/>Home</a></body></html>")
    url = web.feed(
        "/f.xml",
        rss(
            "Mixed",
            [
                {
                    "title": "Gone page",
                    "link": web.url("/gone"),
                    "pubDate": rfc822(2),
                    "description": "<p>The summary of the <b>gone</b> story.</p>",
                },
                {
                    "title": "Menu page",
                    "link": web.url("/not-article"),
                    "pubDate": rfc822(3),
                    "description": "The summary of the menu story.",
                },
                {"title": "Nothing at all", "link": web.url("/gone2")},
            ],
        ),
    )
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, url)
    [result] = fetch_all(feeds, articles, options=FAST).results
    assert result.status == "ok" and result.new == 2 and result.from_summary == 2
    gone = next(a for a in result.saved if a.title == "Gone page")
    assert gone.note is not None and "HTTP 404" in gone.note
    assert parse_file(gone.path, "x").paragraphs == ("The summary of the gone story.",)
    [failure] = result.failures
    assert failure.url.endswith("/gone2") and "HTTP 404" in failure.reason


def test_limit_per_run_leaves_the_rest_for_the_next_run(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 5, etag='"v1"'))
    opts = replace(FAST, max_new=2)
    first = fetch_all(feeds, articles, options=opts)
    assert first.new == 2 and first.limit_reached and first.results[0].limited
    assert load_subscriptions(feeds)[0].etag is None  # or the next run would get a 304
    second = fetch_all(feeds, articles, options=opts)
    assert second.new == 2 and second.results[0].known == 2
    third = fetch_all(feeds, articles, options=opts)
    assert third.new == 1 and not third.limit_reached
    assert fetch_all(feeds, articles, options=opts).results[0].status == "not modified"
    assert len(list(articles.glob("*.txt"))) == 5


def test_broken_feeds_fail_alone_with_a_reason(web: Server, articles: Path, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.json"
    good = _summary_feed(web, 1)
    bad = {
        web.feed("/malformed.xml", "<rss><channel><title>x</title><item><tit"): "not a valid feed",
        web.page("/page.html", article_html("Not a feed", story(1))): "not a feed",
        web.url("/404.xml"): "HTTP 404",
        closed_port_url(): "connection refused",
        web.feed("/huge.xml", "", endless=True): "too large",
        web.feed("/loop.xml", "", redirect="/loop.xml"): "too many redirects",
    }
    _subscribe(feeds, *bad, good)
    report = fetch_all(feeds, articles, options=replace(FAST, max_bytes=512 * 1024))
    by_url = {r.url: r for r in report.results}
    assert by_url[good].status == "ok" and by_url[good].new == 1
    for url, reason in bad.items():
        assert by_url[url].status == "failed"
        assert reason in (by_url[url].error or ""), (url, by_url[url].error)
        assert "\n" not in (by_url[url].error or "")
    assert {f.url: f.last_status for f in load_subscriptions(feeds)}[good] == "ok"
    assert len(list(articles.glob("*.txt"))) == 1
    assert not [p for p in articles.iterdir() if p.name.startswith(".tmp")]


def test_partly_broken_feed_keeps_what_can_be_read(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    link = web.page("/s/ok", article_html("Readable story", story(12)))
    body = rss("Broken", [{"title": "Readable story", "link": link}])
    url = web.feed("/broken.xml", body.replace("</channel></rss>", "<item><title>cut off"))
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, url)
    [result] = fetch_all(feeds, articles, options=FAST).results
    assert result.status == "ok" and result.new == 1 and result.failures == ()
    assert result.notice is not None and "not well-formed" in result.notice


def test_atom_feed(web: Server, articles: Path, tmp_path: Path) -> None:
    link = web.page("/atom/1", article_html("Atom story", story(11)))
    url = web.feed(
        "/atom.xml",
        """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom News</title><id>urn:x</id>
<updated>2024-05-06T00:00:00Z</updated>
<entry><title>Atom story</title><link href="/atom/1"/><id>urn:1</id>
<published>2024-05-06T10:00:00Z</published><updated>2024-05-06T10:00:00Z</updated>
<summary>Short.</summary><author><name>A. Writer</name></author></entry></feed>""",
        content_type="application/atom+xml",
    )
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, url)
    [saved] = fetch_all(feeds, articles, options=FAST).saved
    assert saved.url == link
    assert parse_file(saved.path, "x").paragraphs == tuple(story(11))


def test_events_from_a_worker_thread_and_cancel(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 4, "/a.xml"), web.url("/missing.xml"))
    events: list[FeedEvent] = []
    threads: set[int] = set()
    report_box = []

    def progress(event: FeedEvent) -> None:
        threads.add(threading.get_ident())
        events.append(event)

    worker = threading.Thread(
        target=lambda: report_box.append(
            fetch_all(feeds, articles, options=FAST, progress=progress)
        )
    )
    worker.start()
    worker.join(30)
    [report] = report_box
    assert threading.get_ident() not in threads
    saved = [e for e in events if isinstance(e, ArticleSaved)]
    finished = [e for e in events if isinstance(e, FeedFinished)]
    assert [e.total_new for e in saved] == [1, 2, 3, 4]
    assert sorted(e.done for e in finished) == [1, 2] and {e.total for e in finished} == {2}
    assert sum(isinstance(e, FeedStarted) for e in events) == 2
    assert {e.result.status for e in finished} == {"ok", "failed"}
    assert report.new == 4

    # Cancel after the first saved article: the run stops, the rest waits.
    _summary_feed(web, 8, "/a.xml")
    stop = threading.Event()
    cancelled = fetch_all(
        feeds,
        articles,
        options=FAST,
        cancel=stop.is_set,
        progress=lambda e: stop.set() if isinstance(e, ArticleSaved) else None,
    )
    assert cancelled.cancelled and cancelled.new == 1
    assert {r.status for r in cancelled.results} <= {"cancelled", "failed"}


def test_polite_delay_per_host(web: Server, articles: Path, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 2))
    started = time.monotonic()
    assert fetch_all(feeds, articles, options=replace(FAST, host_delay=0.3)).new == 2
    assert time.monotonic() - started >= 0.6  # feed + 2 pages on one host: two waits


def test_two_fetches_at_once_save_each_entry_once(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 6))
    reports: list[int] = []
    runs = [
        threading.Thread(
            target=lambda: reports.append(fetch_all(feeds, articles, options=FAST).new)
        )
        for _ in range(2)
    ]
    for t in runs:
        t.start()
    for t in runs:
        t.join(30)
    assert sum(reports) == 6
    assert len(list(articles.glob("*.txt"))) == 6


def test_unwritable_folder_and_unexpected_errors_are_reported_not_raised(
    web: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, _summary_feed(web, 3))
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    [result] = fetch_all(feeds, not_a_folder, options=FAST).results
    assert result.status == "failed" and "cannot" in (result.error or "")

    from newsreader.feeds.pagereader import PageReader

    real = PageReader.read

    def flaky(
        self: PageReader, html: bytes, url: str | None = None, charset: str | None = None
    ) -> object:
        if url and url.endswith("/story/1"):
            raise RuntimeError("extractor bug")
        return real(self, html, url, charset)

    monkeypatch.setattr(PageReader, "read", flaky)
    [result] = fetch_all(feeds, tmp_path / "articles", options=FAST).results
    assert result.status == "ok" and result.new == 2
    [failure] = result.failures
    assert failure.reason == "unexpected error: RuntimeError: extractor bug"


def test_no_feeds_is_an_empty_report(articles: Path, tmp_path: Path) -> None:
    report = fetch_all(tmp_path / "none.json", articles)
    assert report.results == () and report.new == 0


def test_a_feed_of_dead_links_is_asked_a_bounded_number_of_times(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    items = [{"title": f"Dead {i}", "link": web.url(f"/dead/{i}")} for i in range(40)]
    feeds = tmp_path / "feeds.json"
    _subscribe(feeds, web.feed("/dead.xml", rss("Dead links", items)))
    [result] = fetch_all(feeds, articles, options=replace(FAST, max_failures=5)).results
    assert len(result.failures) == 5
    assert result.notice is not None and "stopped after 5 entries failed" in result.notice
    assert sum(1 for a in web.agents if a) == 6  # the feed and five pages, not 41 requests


def test_failures_in_a_row_are_kept_so_the_back_off_survives_a_restart(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    from newsreader.app.refresh import RefreshPlan

    feeds = tmp_path / "feeds.json"
    down = web.url("/down.xml")  # no route: 404 every time
    _subscribe(feeds, down)
    for _ in range(3):
        fetch_all(feeds, articles, options=FAST)
    [sub] = load_subscriptions(feeds)
    assert sub.failures == 3
    # The app starts again: the wait is the one after three failures (8 intervals), not
    # the one after a single failure, so a feed that is down is not asked again at once.
    plan = RefreshPlan(600.0)
    plan.seed(sub)
    assert plan.failures[down] == 3
    fetched = plan.next_due[down] - 8 * 600.0
    assert plan.due([down], fetched + 2 * 600.0 + 1) == frozenset()
    # It comes back: the count starts again from nothing.
    _summary_feed(web, 1, path="/down.xml")
    fetch_all(feeds, articles, options=FAST)
    assert load_subscriptions(feeds)[0].failures == 0


def test_the_feeds_web_site_is_kept_and_only_when_it_is_a_web_address(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds.json"
    good = _summary_feed(web, 1)
    odd = web.feed(
        "/odd.xml", rss("Odd", []).replace("http://example.invalid/", "javascript:alert(1)")
    )
    _subscribe(feeds, good, odd)
    fetch_all(feeds, articles, options=FAST)
    sites = {f.url: f.site for f in load_subscriptions(feeds)}
    assert sites == {good: "http://example.invalid/", odd: None}
