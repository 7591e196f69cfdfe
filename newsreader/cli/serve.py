"""``newsreader serve``: the app in a web browser, through textual-serve.

Each browser tab that connects runs the app in its own ``python -m newsreader`` process
(textual-serve's design), with the same library and config as this command. On a loopback
address anyone on this machine may connect, as they could run the app; on any other address
the page asks for a token printed at start.
"""

from __future__ import annotations

import argparse
import hmac
import html
import ipaddress
import secrets
import shlex
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from aiohttp import web

    from newsreader.context import AppContext

LOGIN_PATH = "/login"
COOKIE = "newsreader-session"
SHUTDOWN_SECONDS = 1.0
MISSING_EXTRA = (
    "newsreader serve needs textual-serve (the serve extra): pip install '.[serve]' in "
    "newsreader's folder, or pip install textual-serve (pipx inject newsreader textual-serve)"
)


def cmd_serve(ctx: AppContext, args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        raise UserError(MISSING_EXTRA) from None
    token = None if is_loopback(args.host) else secrets.token_urlsafe(18)
    guard = Guard(token, loopback=token is None)
    server = _make_server(Server, app_command(args), args.host, args.port, guard)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        import os

        # aiohttp's bind error repeats the address in strerror; a name that does not resolve
        # has a negative (getaddrinfo) errno and says why in strerror.
        reason = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else exc.strerror
        reason = reason or str(exc)
        raise UserError(f"cannot listen on {args.host}:{args.port}: {reason}") from None
    return ExitCode.OK


def is_loopback(host: str) -> bool:
    """``localhost`` and any loopback address (127.0.0.0/8, ::1); names are not resolved."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(args: argparse.Namespace) -> str:
    """The shell command each browser session runs: this interpreter, the same library and
    config, the app itself (no subcommand)."""
    argv = [sys.executable, "-m", "newsreader"]
    for root in args.library:
        argv += ["--library", str(root)]
    if args.config is not None:
        argv += ["--config", str(args.config)]
    return shlex.join(argv)


Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]


class Guard:
    """Who may use the server: an aiohttp middleware.

    On loopback, a request must name a loopback host (a page on another site that rebinds
    its name to 127.0.0.1 sends its own name) and a websocket must come from this server's
    own page (browsers let any site open a websocket to localhost). With a token, every path
    but the login page needs the session cookie that a correct token sets.
    """

    __middleware_version__ = 1  # aiohttp: called as (request, handler)

    def __init__(self, token: str | None, *, loopback: bool) -> None:
        self.token = token
        self.loopback = loopback
        self._session = secrets.token_urlsafe(32)

    async def __call__(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        from aiohttp import web

        if self.loopback and not is_loopback(request.url.host or ""):
            raise web.HTTPForbidden(text="newsreader: unknown host")
        origin = request.headers.get("Origin")
        if request.path == "/ws" and origin is not None and origin != _own_origin(request):
            raise web.HTTPForbidden(text="newsreader: websocket from another site")
        if self.token is None:
            return await handler(request)
        if request.path == LOGIN_PATH:
            return await self._login(request)
        if _same(request.cookies.get(COOKIE, ""), self._session):
            return await handler(request)
        if request.path == "/":
            raise web.HTTPSeeOther(LOGIN_PATH)
        raise web.HTTPForbidden(text="newsreader: enter the token first")

    async def _login(self, request: web.Request) -> web.StreamResponse:
        from aiohttp import web

        if request.method != "POST":
            return _login_page("")
        form = await request.post()
        given = form.get("token")
        assert self.token is not None
        if not isinstance(given, str) or not _same(given.strip(), self.token):
            return _login_page("That is not the token.", status=403)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, self._session, httponly=True, samesite="Strict", path="/")
        return response


def without_remote_fonts(page: str) -> str:
    """textual-serve's page loads a web font from Google: every visit would tell a third
    party, and offline the page waits for it. The terminal falls back to a local monospace."""
    import re

    return re.sub(r"<link[^>]*fonts\.googleapis\.com[^>]*>", "", page)


def _same(given: str, secret: str) -> bool:
    """Compared in constant time, so the answer's timing tells nothing of the secret."""
    return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


def _own_origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


_LOGIN_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>newsreader</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ background: #0c181f; color: #eee; font: 16px monospace; display: flex;
       justify-content: center; align-items: center; height: 100vh; margin: 0; }}
form {{ background: #12232d; padding: 2em; }}
input, button {{ font: inherit; padding: .4em; margin-top: .6em; }}
.error {{ color: #f88; }}
</style></head>
<body><form method="post" action="{action}">
<label for="token">newsreader: the token printed by <code>newsreader serve</code></label><br>
<input id="token" name="token" type="password" autocomplete="off" autofocus required>
<button type="submit">Open</button>
<p class="error">{error}</p>
</form></body></html>
"""


def _login_page(error: str, status: int = 200) -> web.Response:
    from aiohttp import web

    page = _LOGIN_HTML.format(action=LOGIN_PATH, error=html.escape(error))
    return web.Response(text=page, content_type="text/html", status=status)


def _make_server(
    base: type[Any], command: str, host: str, port: int, guard: Guard
) -> Any:  # textual-serve's Server, subclassed here so the import waits for the extra
    import asyncio
    import contextlib
    import logging
    import signal

    from aiohttp import web

    class GuardedServer(base):  # type: ignore[misc]
        """textual-serve's server behind the guard, announcing itself in plain lines."""

        async def _make_app(self) -> web.Application:
            app: web.Application = await super()._make_app()
            app.middlewares.append(guard)
            return app

        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # The page's websocket address is built from public_url: use the address the
            # browser used, which works for 0.0.0.0 and for any name this machine has.
            self.public_url = _own_origin(request)
            response: web.StreamResponse = await super().handle_index(request)
            if isinstance(response, web.Response) and response.text:
                response.text = without_remote_fonts(response.text)
            return response

        async def on_startup(self, app: web.Application) -> None:
            pass  # announced by serve, after the bind, instead of textual-serve's banner

        def initialize_logging(self) -> None:
            # One plain line per request or error, instead of Rich panels with locals.
            logging.basicConfig(level=logging.INFO, format="%(message)s")

        def serve(self, debug: bool = False) -> None:
            # As textual-serve's, but announced once the socket is bound (on_startup runs
            # before, so it would announce a port that then turns out to be taken).
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            web.run_app(
                self._make_app(),
                host=host,
                port=port,
                handle_signals=False,
                loop=loop,
                # Open websockets never finish by themselves: after this long their
                # handlers are cancelled, which tells each app to quit and waits for it.
                shutdown_timeout=SHUTDOWN_SECONDS,
                print=lambda _aiohttp_banner: _announce(host, port, guard.token),
            )

    return GuardedServer(command, host=host, port=port, title="newsreader")


def _announce(host: str, port: int, token: str | None) -> None:
    shown = f"[{host}]" if ":" in host else host
    if token is not None:
        print(f"newsreader: the page asks for this token: {token}", flush=True)
    print(f"newsreader: serving on http://{shown}:{port}/ (Ctrl+C stops)", flush=True)
