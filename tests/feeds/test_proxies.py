"""HTTP_PROXY, HTTPS_PROXY and NO_PROXY (and their lower-case forms) for every fetch, through
a real forwarding proxy on 127.0.0.1; the timeouts of ``[fetch]``; and the local-address
rule still holding when a proxy does the asking (tests/faults/test_proxy_escapes.py)."""

from __future__ import annotations

import base64
import socket
import time
from pathlib import Path

import pytest

from newsreader.feeds.proxies import BadProxy, proxy_settings
from tests.cli.conftest import CLI
from tests.faults.netservers import raw_server
from tests.feeds.conftest import Server, article_html, closed_port_url, rss, story
from tests.feeds.proxy_server import running_proxy


def _config(user_dirs: Path, text: str) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, "utf-8")


def test_settings_follow_curl() -> None:
    env = {"HTTP_PROXY": "http://upper:1", "http_proxy": "lower:3128", "ALL_PROXY": "all:8"}
    settings = proxy_settings(env)
    proxy = settings.for_url("http://example.org/feed")
    assert proxy is not None and (proxy.url, proxy.variable) == ("http://lower:3128", "http_proxy")
    https = settings.for_url("https://example.org/feed")  # no https_proxy: all_proxy
    assert https is not None and https.url == "http://all:8"
    assert proxy_settings({"HTTPS_PROXY": "https://p:443"}).for_url("http://x.org/") is None
    assert proxy_settings({}).for_url("https://x.org/") is None


@pytest.mark.parametrize(
    ("no_proxy", "url", "bypassed"),
    [
        ("*", "http://anything.example/", True),
        ("example.org", "http://example.org/", True),
        ("example.org", "http://news.example.org/", True),
        (".example.org", "http://news.example.org/", True),
        ("example.org", "http://badexample.org/", False),
        ("localhost, 127.0.0.1", "http://127.0.0.1:8080/", True),
        ("10.0.0.0/8", "http://10.1.2.3/", True),
        ("10.0.0.0/8", "http://11.1.2.3/", False),
        ("example.org:8080", "http://example.org:8080/", True),
        ("example.org:8080", "http://example.org/", False),
        ("::1", "http://[::1]:8080/", True),
        ("EXAMPLE.org", "http://Example.ORG/", True),
    ],
)
def test_no_proxy_entries(no_proxy: str, url: str, bypassed: bool) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        settings = proxy_settings({"http_proxy": "http://p:1", name: no_proxy})
        assert (settings.for_url(url) is None) is bypassed


def test_bad_proxy_settings_name_the_variable_and_hide_the_password() -> None:
    with pytest.raises(BadProxy, match="HTTPS_PROXY: socks5 proxies are not supported"):
        proxy_settings({"HTTPS_PROXY": "socks5://u:secret@p:1080"}).for_url("https://x.org/")
    with pytest.raises(BadProxy) as info:
        proxy_settings({"http_proxy": "http://u:secret@p:99999"}).for_url("http://x.org/")
    assert "secret" not in str(info.value) and "http_proxy" in str(info.value)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_add_and_fetch_go_through_the_proxy(
    variable: str, cli: CLI, web: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = web.page("/story", article_html("Through the proxy", story(1)))
    body = "".join(f"<p>{p}</p>" for p in story(2))
    feed = web.feed("/feed.xml", rss("Wire", [{"title": "Wired", "link": web.url("/w")}]))
    web.feed(
        "/full.xml", rss("Full", [{"title": "Full one", "link": web.url("/f"), "content": body}])
    )
    with running_proxy() as proxy:
        monkeypatch.setenv(variable, proxy.url)
        run = cli("add", page)
        assert run.code == 0, run.err
        assert cli("feeds", "add", web.url("/full.xml")).code == 0
        assert cli("fetch").code == 0
    assert proxy.seen == [
        f"GET {page}",
        f"GET {web.url('/full.xml')}",
        f"GET {web.url('/full.xml')}",
    ]
    assert web.hits["/story"] == 1  # and the server got it, from the proxy
    assert feed  # a second feed on the same server, not subscribed: never asked
    assert web.hits["/feed.xml"] == 0


def test_no_proxy_hosts_are_reached_directly(
    cli: CLI, web: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = web.page("/story", article_html("Direct", story(3)))
    with running_proxy() as proxy:
        monkeypatch.setenv("http_proxy", proxy.url)
        monkeypatch.setenv("NO_PROXY", "example.org,127.0.0.1")
        assert cli("add", page).code == 0
        monkeypatch.setenv("NO_PROXY", "example.org")
        assert cli("add", web.page("/other", article_html("Proxied", story(4)))).code == 0
    assert proxy.seen == [f"GET {web.url('/other')}"]


def test_proxy_credentials_are_sent_and_never_shown(
    cli: CLI, web: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://jane:p%40ss@127.0.0.1:{proxy.port}")
        assert cli("add", web.page("/s", article_html("Auth", story(5)))).code == 0
        missing = cli("add", web.url("/missing"))
    assert proxy.auth[0] == "Basic " + base64.b64encode(b"jane:p@ss").decode()
    assert missing.code == 2 and "HTTP 404" in missing.err
    assert "p%40ss" not in missing.err and "p@ss" not in missing.err


def test_https_goes_through_a_connect_tunnel(
    cli: CLI, web: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = web.base.rsplit(":", 1)[1]
    with running_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        run = cli("add", f"https://127.0.0.1:{port}/story")  # our server speaks no TLS
    assert proxy.seen == [f"CONNECT 127.0.0.1:{port}"]
    assert run.code == 2 and "TLS" in run.err


def test_a_proxy_that_is_down_is_named(
    cli: CLI, web: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = web.page("/story", article_html("Never", story(6)))
    down = closed_port_url().rstrip("/")
    monkeypatch.setenv("http_proxy", down)
    run = cli("add", page)
    assert run.code == 2
    assert f"cannot reach the proxy {down.removeprefix('http://')} (http_proxy)" in run.err
    assert "connection refused" in run.err
    assert web.hits["/story"] == 0


def test_timeouts_from_the_config(cli: CLI, web: Server, user_dirs: Path) -> None:
    page = web.page("/slow", article_html("Slow", story(8)), stall=1.5)
    _config(user_dirs, "[fetch]\nread_timeout = 0.5\nconnect_timeout = 2\ndeadline = 10\n")
    start = time.monotonic()
    run = cli("add", page)
    assert run.code == 2 and "stopped answering (timed out after 0.5 s)" in run.err, run.err
    assert time.monotonic() - start < 1.4
    _config(user_dirs, "[fetch]\nread_timeout = 0\n")
    bad = cli("add", page)
    assert bad.code == 2 and "'read_timeout' in [fetch] must be a number of seconds" in bad.err


def test_a_proxy_that_refuses_the_tunnel_says_so(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    with raw_server(deny) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        run = cli("add", "https://news.example.org/story")
    assert run.code == 2
    assert f"the proxy 127.0.0.1:{proxy.port} (HTTPS_PROXY) refused the tunnel (403" in run.err
