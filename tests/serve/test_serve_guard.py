"""Who may use ``newsreader serve``: loopback by default, a token anywhere else."""

from __future__ import annotations

import asyncio
import http.client
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.cli.conftest import CLI
from tests.serve.conftest import Served

WEBSOCKET = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
}


def request(
    served: Served, path: str, method: str = "GET", body: str | None = None, **headers: str
) -> http.client.HTTPResponse:
    address = urlsplit(served.url)
    conn = http.client.HTTPConnection(address.hostname or "", address.port, timeout=20)
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response


def page_text(served: Served, path: str) -> str:
    address = urlsplit(served.url)
    conn = http.client.HTTPConnection(address.hostname or "", address.port, timeout=20)
    conn.request("GET", path)
    return conn.getresponse().read().decode("utf-8")


def test_without_the_serve_extra_is_one_line_exit_2(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails as if absent
    run = cli("serve")
    assert run.code == 2
    # What it says to run works where newsreader was installed from its folder (pip, pipx),
    # not only from an index.
    assert run.err.strip().startswith("newsreader: newsreader serve needs textual-serve")
    assert "pip install '.[serve]'" in run.err and "pipx inject newsreader textual-serve" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_loopback_serves_the_page_to_this_machine_only(serve: Callable[..., Served]) -> None:
    served = serve()
    assert served.token is None
    page = request(served, "/")
    assert page.status == 200
    html = page_text(served, "/")
    assert f'data-session-websocket-url="ws://{urlsplit(served.url).netloc}/ws"' in html
    assert "googleapis" not in html  # nothing loaded from elsewhere
    # A page elsewhere whose name was rebound to 127.0.0.1 sends its own name.
    assert request(served, "/", Host="attacker.example").status == 403
    # Browsers let any site open a websocket to localhost: only this server's page may.
    other = request(served, "/ws", Origin="http://attacker.example", **WEBSOCKET)
    assert other.status == 403
    own = request(served, "/ws", Origin=served.url, **WEBSOCKET)
    assert own.status == 101


def test_another_address_asks_for_the_token(serve: Callable[..., Served]) -> None:
    served = serve("--host", "0.0.0.0")
    assert served.token and len(served.token) >= 20
    first = request(served, "/")
    assert first.status == 303 and first.headers["Location"] == "/login"
    form = request(served, "/login")
    assert form.status == 200
    for path in ("/ws", "/static/js/textual.js", "/download/anything"):
        assert request(served, path).status == 403, path

    wrong = request(served, "/login", "POST", "token=not-it")
    assert wrong.status == 403 and wrong.headers.get("Set-Cookie") is None
    right = request(served, "/login", "POST", f"token={served.token}")
    assert right.status == 303 and right.headers["Location"] == "/"
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert served.token not in cookie
    session = cookie.split(";", 1)[0]
    page = request(served, "/", Cookie=session)
    assert page.status == 200
    assert request(served, "/ws", Cookie=session, **WEBSOCKET).status == 101
    assert request(served, "/", Cookie=session + "x").status == 303


def test_a_taken_port_is_one_line_exit_2(serve: Callable[..., Served], cli: CLI) -> None:
    served = serve()
    port = str(urlsplit(served.url).port)
    run = cli("serve", "--port", port)
    assert run.code == 2
    assert (
        run.err.strip() == f"newsreader: cannot listen on 127.0.0.1:{port}: Address already in use"
    )


def test_a_host_name_that_does_not_resolve_is_one_line_exit_2(cli: CLI) -> None:
    run = cli("serve", "--host", "no-such-host.invalid", "--port", "8")
    assert run.code == 2
    assert run.err.startswith("newsreader: cannot listen on no-such-host.invalid:8: ")
    assert len(run.err.strip().splitlines()) == 1 and "Unknown error" not in run.err


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_a_bad_port_is_one_line_exit_2(cli: CLI, port: str) -> None:
    run = cli("serve", "--port", port)
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, children):
        found |= {child, *_descendants(child)}
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


async def test_stopping_with_a_browser_connected_ends_its_app_soon(
    serve: Callable[..., Served],
) -> None:
    import aiohttp

    served = serve()
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{served.url}/ws?width=80&height=24", origin=served.url) as ws,
    ):
        received = 0
        while received < 2000:  # the app's first screen
            message = await asyncio.wait_for(ws.receive(), 30)
            if message.type == aiohttp.WSMsgType.BINARY:
                received += len(message.data)
        apps = _descendants(served.proc.pid)
        assert apps, "no app process for the websocket"
        started = time.monotonic()
        served.proc.terminate()
        await asyncio.to_thread(served.proc.wait, 30)
        assert time.monotonic() - started < 8
    assert served.proc.returncode == 0
    # An app's own teardown (state writer, terminal reset) may end a moment after the server
    # has read its last output; what must not happen is an app left running.
    deadline = time.monotonic() + 5
    while [pid for pid in apps if _alive(pid)] and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not [pid for pid in apps if _alive(pid)], "an app outlived its server by 5 s"


def test_each_browser_runs_the_app_on_the_same_library_and_config(tmp_path: Path) -> None:
    import argparse
    import shlex

    from newsreader.cli.serve import app_command

    lib = tmp_path / "my news; rm -rf ~"  # a folder name is data, never shell syntax
    args = argparse.Namespace(library=[lib], config=tmp_path / "c.toml")
    assert shlex.split(app_command(args)) == [
        sys.executable,
        "-m",
        "newsreader",
        "--library",
        str(lib),
        "--config",
        str(tmp_path / "c.toml"),
    ]
