"""A proxy is not a way around the network guards: the destination is still checked here
before the proxy is asked (a redirect or entry link to a local address, or to a name that does
not resolve here, is refused and never reaches the proxy), and a proxy that accepts and never
answers ends at the request's deadline."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newsreader.feeds import add_subscription, subscriptions_file
from newsreader.paths import app_paths
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow
from tests.faults.netservers import answer, raw_server
from tests.feeds.conftest import Server, article_html, rss, story
from tests.feeds.conftest import web as web  # the local server fixture
from tests.feeds.proxy_server import running_proxy


def test_the_local_rule_holds_through_a_proxy(
    cli: CLI, web: Server, monkeypatch: pytest.MonkeyPatch, fault_row: FaultRow
) -> None:
    secret = article_html("Internal secret report", story(7)).encode("utf-8")
    with raw_server(answer(secret)) as inside, running_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        target = f"http://127.0.0.1:{inside.port}/secret"
        run = cli("add", web.page("/go", "", redirect=target))
        assert run.code == 2 and f"refused {target}" in run.err

        unknown = "http://intranet.invalid/admin"  # resolves only where the proxy is, perhaps
        feed = web.feed(
            "/feed.xml",
            rss(
                "Local feed",
                [
                    {"title": "To the inside", "link": f"{inside.url}/s", "description": "One."},
                    {"title": "To a name", "link": unknown, "description": "Two."},
                ],
            ),
        )
        assert add_subscription(subscriptions_file(app_paths()), feed, None)
        run = cli("fetch")
        assert run.code == 0, run.err
        assert inside.requests == []
    assert "does not resolve here" in run.err and "intranet.invalid" in run.err
    assert proxy.seen == [f"GET {web.url('/go')}", f"GET {feed}"]  # neither link was asked
    fault_row.cycles = fault_row.recovered = 3
    fault_row.note = "302 and entry link to 127.0.0.1:<other port>, link to an unresolvable name"


def test_a_proxy_that_hangs_ends_at_the_deadline(
    cli: CLI, web: Server, user_dirs: Path, monkeypatch: pytest.MonkeyPatch, fault_row: FaultRow
) -> None:
    page = web.page("/story", article_html("Never", story(6)))
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[fetch]\ndeadline = 1.5\n", "utf-8")
    with running_proxy(hang=True) as proxy:
        monkeypatch.setenv("http_proxy", proxy.url)
        start = time.monotonic()
        run = cli("add", page)
        took = time.monotonic() - start
    assert run.code == 2 and "too slow (no complete answer in 1.5 s)" in run.err, run.err
    assert took < 3.0
    assert proxy.seen == [f"GET {page}"] and web.hits["/story"] == 0
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = (
        f"add through a proxy that never answers: ended in {took:.1f} s (deadline 1.5 s)"
    )
