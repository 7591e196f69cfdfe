"""A feed or page may not send newsreader to a local address it was not given: a redirect or an
entry link to another port on 127.0.0.1 (or a name that resolves there) is refused, names what
it refused, and the "secret" server is never asked. ``[fetch] allow_local`` lifts the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.feeds import add_subscription, subscriptions_file
from newsreader.feeds.guard import LocalRule, Refused, is_local_ip
from newsreader.paths import app_paths
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow
from tests.faults.netservers import answer, raw_server
from tests.feeds.conftest import Server, article_html, rss, story
from tests.feeds.conftest import web as web  # the local server fixture

SECRET = article_html("Internal secret report", story(7)).encode("utf-8")


def write_config(user_dirs: Path, text: str) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, "utf-8")


def saved_titles(user_dirs: Path) -> list[str]:
    folder = user_dirs / "data" / "newsreader" / "articles"
    return [p.read_text("utf-8").split("\n", 1)[0] for p in folder.glob("*.txt")]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_redirect_to_another_local_port_is_refused(
    cli: CLI, web: Server, user_dirs: Path, host: str, fault_row: FaultRow
) -> None:
    with raw_server(answer(SECRET)) as secret:
        target = f"http://{host}:{secret.port}/secret"
        start = web.page("/go", "", redirect=target)
        run = cli("add", start)
        assert run.code == 2
        assert f"refused {target}" in run.err and "allow_local" in run.err
        assert secret.requests == []
    assert saved_titles(user_dirs) == []
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"add: 302 to {host}:<other port> refused, never asked"


def test_entry_link_to_another_local_port_keeps_the_summary(
    cli: CLI, web: Server, user_dirs: Path, tmp_path: Path, fault_row: FaultRow
) -> None:
    with raw_server(answer(SECRET)) as secret:
        feed = web.feed(
            "/feed.xml",
            rss(
                "Local feed",
                [
                    {
                        "title": "Innocent entry",
                        "link": f"{secret.url}/secret",
                        "description": "The summary the feed carries for this entry.",
                    }
                ],
            ),
        )
        assert add_subscription(subscriptions_file(app_paths()), feed, None)
        lib = tmp_path / "lib"
        lib.mkdir()
        run = cli("fetch", library=lib)
        assert run.code == 0, run.err
        assert secret.requests == []
    assert f"refused 127.0.0.1:{secret.port}" in run.err or f"refused {secret.url}" in run.err
    assert saved_titles(user_dirs) == ["Innocent entry"]  # the feed's summary, as before
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = "fetch: entry link to another local port refused, summary kept"


@pytest.mark.parametrize("allow", ["true", '["127.0.0.1:{port}"]', '["localhost"]'])
def test_allow_local_lets_a_local_feed_reach_its_neighbours(
    cli: CLI, web: Server, user_dirs: Path, allow: str
) -> None:
    with raw_server(answer(SECRET)) as secret:
        write_config(user_dirs, f"[fetch]\nallow_local = {allow.format(port=secret.port)}\n")
        host = "localhost" if "localhost" in allow else "127.0.0.1"
        start = web.page("/go", "", redirect=f"http://{host}:{secret.port}/secret")
        run = cli("add", start)
        assert run.code == 0, run.err
        assert len(secret.requests) == 1
    assert saved_titles(user_dirs) == ["Internal secret report"]


def test_the_address_given_and_public_redirects_are_followed(web: Server, cli: CLI) -> None:
    page = web.page("/story", article_html("A story here", story(1)))
    assert cli("add", web.page("/go", "", redirect=page)).code == 0  # same host:port
    rule = LocalRule("http://127.0.0.1:8765/feed.xml")
    rule.check_url("http://127.0.0.1:8765/other")
    rule.check_url("http://93.184.215.14/page")  # a public address, whatever the origin
    LocalRule("https://example.org/").check_url("http://93.184.215.14:8080/")


LOCAL_TARGETS = (
    "http://127.0.0.1:8766/",
    "http://[::1]:8765/",
    "http://0.0.0.0:8765/",
    "http://[::ffff:127.0.0.1]:8765/",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://100.64.0.1/",
    "http://localhost:8766/",
)


def test_local_addresses_other_than_the_origin_are_refused(fault_row: FaultRow) -> None:
    for target in LOCAL_TARGETS:
        for origin in ("http://127.0.0.1:8765/feed.xml", "https://example.org/feed"):
            with pytest.raises(Refused):
                LocalRule(origin).check_url(target)
            fault_row.cycles += 1
    fault_row.recovered = fault_row.cycles
    fault_row.note = "loopback, v4-mapped, 0.0.0.0, private, link-local, ULA, CGNAT, localhost"


def test_peer_check_catches_a_name_that_resolves_locally_later() -> None:
    rule = LocalRule("https://example.org/feed")
    with pytest.raises(Refused):
        rule.check_peer("rebinding.example", 80, "127.0.0.1")
    rule.check_peer("example.org", 443, "127.0.0.1")  # the origin itself, by name and port
    assert is_local_ip("::ffff:10.1.2.3") and not is_local_ip("93.184.215.14")


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:70/x"])
def test_refused_scheme_names_the_target(cli: CLI, web: Server, location: str) -> None:
    run = cli("add", web.page("/go", "", redirect=location))
    assert run.code == 2
    assert f"refused a redirect to {location}" in run.err


def test_a_feed_link_announced_by_a_page_follows_the_rule_too(cli: CLI, web: Server) -> None:
    with raw_server(
        answer(
            b"<rss version='2.0'><channel><title>Secret</title></channel></rss>",
            "application/rss+xml",
        )
    ) as secret:
        page = web.page(
            "/home",
            '<html><head><link rel="alternate" type="application/rss+xml" '
            f'href="{secret.url}/feed.xml"></head><body>Home</body></html>',
        )
        run = cli("feeds", "add", page)
        assert run.code == 2 and f"refused {secret.url}/feed.xml" in run.err, run.err
        assert secret.requests == []
