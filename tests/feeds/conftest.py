"""A local web server (127.0.0.1, port 0) serving pages and feeds that each test writes.

No test touches the internet. Routes answer with a fixed body, or misbehave on purpose:
redirect loops, endless bodies, stalls, wrong content types, conditional GET with 304.
"""

from __future__ import annotations

import contextlib
import gzip
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsreader.feeds import FetchOptions
from tests.cli.conftest import cli  # noqa: F401  (the subprocess fixture, for CLI tests)

FAST = FetchOptions(timeout=2.0, deadline=5.0, host_delay=0.0, workers=2)
"""Limits for tests: no politeness delay against our own server."""


@dataclass
class Route:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    redirect: str | None = None
    endless: bool = False
    """Stream data forever without a Content-Length (for the size cap)."""
    stall: float = 0.0
    """Seconds to wait before answering (for time-outs)."""
    length: int | None = None
    """A Content-Length to claim instead of the real one."""
    gzip: bool = False
    """Send the body gzip-compressed (Content-Encoding: gzip)."""
    reason: str | None = None
    """The status line's reason phrase, sent as it is (escapes included)."""


@dataclass
class Server:
    """The running server: add routes, read what was asked."""

    base: str
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    """Requests per path that got a body (200)."""
    not_modified: Counter[str] = field(default_factory=Counter)
    """Requests per path answered 304."""
    agents: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: bytes | str, **kw: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def feed(self, path: str, body: str, **kw: object) -> str:
        kw.setdefault("content_type", "application/rss+xml; charset=utf-8")
        return self.page(path, body, **kw)


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            server.agents.append(self.headers.get("User-Agent", ""))
            route = server.routes.get(path)
            if route is None:
                self._send(404, b"<html><body>Not found</body></html>", "text/html")
                return
            if route.stall:
                time.sleep(route.stall)
            if route.redirect is not None:
                self.send_response(302, route.reason)
                self.send_header("Location", route.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (route.etag and inm == route.etag) or (
                route.last_modified and not route.etag and ims == route.last_modified
            ):
                server.not_modified[path] += 1
                self.send_response(304)
                self.end_headers()
                return
            server.hits[path] += 1
            if route.endless:
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                self.end_headers()
                chunk = b"<p>" + b"x" * 65536 + b"</p>"
                try:
                    while True:
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    return
            headers = {}
            if route.etag:
                headers["ETag"] = route.etag
            if route.last_modified:
                headers["Last-Modified"] = route.last_modified
            body = route.body
            if route.gzip:
                headers["Content-Encoding"] = "gzip"
                body = gzip.compress(body)
            self._send(route.status, body, route.content_type, headers, route.length, route.reason)

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str,
            headers: dict[str, str] | None = None,
            length: int | None = None,
            reason: str | None = None,
        ) -> None:
            self.send_response(status, reason)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler


@pytest.fixture
def web() -> Iterator[Server]:
    """A fresh local server per test."""
    holder = Server(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    httpd.daemon_threads = True
    holder.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield holder
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """An empty articles folder (``add`` and ``fetch`` create it when missing)."""
    return tmp_path / "articles"


# --- fixture builders -------------------------------------------------------------------------

BOILERPLATE_NAV = ("Home", "World", "Business", "Sport", "Subscribe now")


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    date: str | None = "2024-05-06",
    author: str | None = "Jane Reporter",
    canonical: str | None = None,
) -> str:
    """A news page as sites publish them: nav, share buttons, related links, comments, footer."""
    meta = []
    if date:
        meta.append(f'<meta property="article:published_time" content="{date}T08:00:00Z">')
    if author:
        meta.append(f'<meta name="author" content="{escape(author)}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{escape(canonical)}">')
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in BOILERPLATE_NAV)
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    related = "".join(f'<li><a href="/r{i}">Related story number {i}</a></li>' for i in range(8))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | The Daily Example</title>
<meta property="og:title" content="{escape(title)}">{"".join(meta)}
<script>var tracking = "do not keep";</script><style>p {{ color: red }}</style></head>
<body><header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{escape(title)}</h1>
<div class="byline">By {escape(author or "Staff")}</div>
<div class="share">icon-facebook icon-twitter icon-whatsapp</div>
{body}
</article>
<aside><h2>Related</h2><ul>{related}</ul></aside>
<section class="comments"><h2>Comments</h2><p>Great article, first!</p></section></main>
<footer><p>Copyright 2019 The Daily Example. All rights reserved.</p></footer>
</body></html>"""


def story(n: int, words: int = 60) -> list[str]:
    """Distinct prose paragraphs for article ``n``: a stock opening shared by all, then
    words of its own (articles that differ only in a number are one story to the app)."""
    base = (
        "Officials said on Monday that the talks in the capital would continue next week, "
        "despite a dispute over the schedule and the number of delegates allowed"
    )
    rng = random.Random(n)
    own = [" ".join(rng.choices(_STORY_WORDS, k=14)) for _ in range(4)]
    return [
        f"{base}, in a statement numbered {n}.{i} that ran to {words} words. {own[i].capitalize()}."
        for i in range(4)
    ]


_STORY_WORDS = [
    "harbour",
    "river",
    "market",
    "bridge",
    "council",
    "winter",
    "garden",
    "railway",
    "museum",
    "school",
    "farmers",
    "festival",
    "hospital",
    "station",
    "library",
    "forest",
    "village",
    "mayor",
    "drought",
    "bakery",
    "island",
    "ferry",
    "orchard",
    "quarry",
    "tower",
    "canal",
    "theatre",
    "stadium",
    "clinic",
    "workshop",
    "valley",
    "lantern",
]


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 document; item keys: title, link, description, content, guid, pubDate."""
    out = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>test feed</description>"
    ]
    for item in items:
        out.append("<item>")
        for key in ("title", "link", "guid", "pubDate", "author"):
            if key in item:
                out.append(f"<{key}>{escape(item[key])}</{key}>")
        if "description" in item:
            out.append(f"<description>{escape(item['description'])}</description>")
        if "content" in item:
            out.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        out.append("</item>")
    out.append("</channel></rss>")
    return "".join(out)


def rfc822(day: int) -> str:
    """An RSS pubDate on 2024-05-<day>."""
    from datetime import UTC, datetime

    return format_datetime(datetime(2024, 5, day, 9, 30, tzinfo=UTC))
