"""One wall-clock deadline per request holds however a server stalls: a body or headers sent a
byte at a time, endless ``100 Continue``. The deadline comes from config.toml, as a user sets it;
each command must end within it plus the time a process takes to start."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from newsreader.feeds import FetchError, FetchOptions, add_subscription, subscriptions_file
from newsreader.feeds.download import HttpClient
from newsreader.paths import app_paths
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow
from tests.faults.netservers import (
    Behaviour,
    endless_continue,
    raw_reply,
    raw_server,
    slow_body,
    slow_headers,
)

DEADLINE = 2.0
SLACK = 3.0
"""Process start, imports and the extractor: what a command costs besides the request."""


def set_deadline(user_dirs: Path, seconds: float) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[fetch]\ndeadline = {seconds}\n", "utf-8")


CASES = {
    "body a byte at a time": slow_body,
    "headers a byte at a time": slow_headers,
    "endless 100 Continue": endless_continue,
}


@pytest.mark.parametrize("behave", CASES.values(), ids=CASES.keys())
def test_slow_servers_cannot_hold_add(
    cli: CLI, user_dirs: Path, behave: Behaviour, fault_row: FaultRow
) -> None:
    set_deadline(user_dirs, DEADLINE)
    with raw_server(behave) as server:
        started = time.monotonic()
        run = cli("add", server.url + "/page", timeout=60)
        took = time.monotonic() - started
    assert run.code == 2, run.err
    assert f"too slow (no complete answer in {DEADLINE:g} s)" in run.err
    assert took < DEADLINE + SLACK, f"add took {took:.1f} s"
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"add ended in {took:.1f} s (deadline {DEADLINE:g} s)"


def test_slow_feeds_cannot_hold_feeds_add_or_fetch(
    cli: CLI, user_dirs: Path, tmp_path: Path, fault_row: FaultRow
) -> None:
    set_deadline(user_dirs, DEADLINE)
    lib = tmp_path / "lib"
    lib.mkdir()
    times = []
    with raw_server(slow_body) as body, raw_server(slow_headers) as headers:
        started = time.monotonic()
        added = cli("feeds", "add", body.url + "/feed.xml", timeout=60)
        times.append(time.monotonic() - started)
        for server in (body, headers):
            assert add_subscription(subscriptions_file(app_paths()), server.url + "/f", None)
        started = time.monotonic()
        fetched = cli("fetch", library=lib, timeout=60)
        times.append(time.monotonic() - started)
    assert added.code == 2 and "too slow" in added.err, added.err
    assert fetched.code == 2 and fetched.err.count("too slow") == 2, fetched.err
    # The two feeds are fetched side by side, each with its own deadline.
    assert max(times) < DEADLINE + SLACK, times
    fault_row.cycles = fault_row.recovered = 3
    fault_row.note = f"feeds add {times[0]:.1f} s, fetch of 2 feeds {times[1]:.1f} s"


def test_one_deadline_covers_every_redirect(fault_row: FaultRow) -> None:
    """Five redirects that each take most of a second still end at the one deadline."""

    def slow_redirect(conn: object) -> None:
        time.sleep(0.6)
        raw_reply(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")(conn)  # type: ignore[arg-type]

    with raw_server(slow_redirect) as server:
        client = HttpClient(FetchOptions(timeout=5, deadline=1.5, host_delay=0))
        started = time.monotonic()
        with pytest.raises(FetchError, match="too slow"):
            client.get_page(server.url + "/start")
        took = time.monotonic() - started
        client.close()
    assert took < 2.5, took
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"0.6 s redirects, deadline 1.5 s: ended in {took:.1f} s"


def test_the_deadline_holds_on_a_kept_alive_connection(fault_row: FaultRow) -> None:
    """The second request on a reused connection (a feed's page on the feed's host) gets the
    deadline too, not only connections opened for the request."""

    def quick_then_slow(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok")
        request = b""
        while b"\r\n\r\n" not in request:
            data = conn.recv(4096)
            if not data:
                return
            request += data
        slow_body(conn)

    with raw_server(quick_then_slow) as server:
        client = HttpClient(FetchOptions(timeout=5, deadline=1.5, host_delay=0))
        assert client.get_page(server.url + "/first").body == b"ok"
        started = time.monotonic()
        with pytest.raises(FetchError, match="too slow"):
            client.get_page(server.url + "/second")
        took = time.monotonic() - started
        client.close()
    assert len(server.requests) == 1  # one connection carried both requests
    assert took < 2.5, took
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"second request on a kept-alive connection: ended in {took:.1f} s"


PROTOCOL = {
    "hang up without answer": (b"", "closed the connection without answering"),
    "short body": (
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc",
        "before the answer was complete (3 bytes, 97 more expected)",
    ),
    "garbage status": (b"\x1b]52;c;eA==\x07NOT HTTP\r\n\r\n", "malformed status line"),
    "too many headers": (
        b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 120 + b"\r\n",
        "too many headers",
    ),
    "bad chunk": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "malformed chunked body",
    ),
}


def test_protocol_errors_say_what_broke(fault_row: FaultRow) -> None:
    for reply, reason in PROTOCOL.values():
        with raw_server(raw_reply(reply)) as server:
            client = HttpClient(FetchOptions(timeout=5, deadline=5, host_delay=0))
            with pytest.raises(FetchError) as caught:
                client.get_feed(server.url + "/f")
            client.close()
        assert reason in str(caught.value)
        assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
        fault_row.cycles += 1
    fault_row.recovered = fault_row.cycles
    fault_row.note = "hang-up, short body, garbage status, 120 headers, bad chunk: each named"


def test_a_resolver_that_never_answers_ends_at_the_deadline(
    monkeypatch: pytest.MonkeyPatch, fault_row: FaultRow
) -> None:
    import socket as sockets

    real = sockets.getaddrinfo

    def stalled(host: str, *args: object, **kw: object) -> object:
        if host == "stalled.example":
            time.sleep(20)
        return real(host, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sockets, "getaddrinfo", stalled)
    client = HttpClient(FetchOptions(timeout=5, deadline=1.0, host_delay=0))
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slow"):
        client.get_page("http://stalled.example/page", origin="http://127.0.0.1:9/feed")
    took = time.monotonic() - started
    client.close()
    assert took < 2.0, took
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = f"an entry link whose name never resolves: ended in {took:.1f} s"
