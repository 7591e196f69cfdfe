"""Polite HTTP GET with hard limits: time-outs, a size cap while streaming, a redirect limit,
conditional requests (ETag / Last-Modified) and a per-host delay shared by threads."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from newsreader import __version__
from newsreader.feeds.urls import BadUrl, check_web_url, host_of

if TYPE_CHECKING:
    import urllib3

USER_AGENT = (
    f"newsreader/{__version__} (terminal news reader; saves articles for offline reading)"
)
PAGE_TYPES = ("text/html", "application/xhtml+xml")
_ACCEPT_PAGE = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_ACCEPT_FEED = ("application/rss+xml,application/atom+xml,application/rdf+xml,"
                "application/xml;q=0.9,text/xml;q=0.9,text/html;q=0.5,*/*;q=0.1")


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits for one run; the defaults suit a person's feed list, tests shrink them."""

    timeout: float = 15.0
    """Seconds to connect, and seconds of silence while reading."""
    deadline: float = 60.0
    """Seconds for a whole response, so a server that drips bytes cannot hold a run."""
    max_bytes: int = 5 * 1024 * 1024
    """Largest page or feed accepted (after decompression)."""
    max_redirects: int = 5
    host_delay: float = 1.0
    """Seconds between two requests to the same host."""
    max_new: int = 50
    """New articles saved per ``fetch`` run; the rest wait for the next run."""
    workers: int = 4
    """Feeds fetched at the same time (each host is still asked one request at a time)."""
    user_agent: str = USER_AGENT


class FetchError(Exception):
    """A request that gave no usable body; ``str(error)`` is a one-line reason for the user."""


@dataclass(frozen=True, slots=True)
class Response:
    """A finished GET: status 200 with the body, or 304 (not modified) with none."""

    url: str
    """The address after redirects."""
    status: int
    body: bytes
    content_type: str
    """Media type, lower case, without parameters ("" when the server sent none)."""
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request."""
        return self.status == 304

    def is_html(self) -> bool:
        """True when the server says HTML, or says nothing and the body starts like HTML."""
        if self.content_type:
            return self.content_type in PAGE_TYPES
        head = self.body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


class HostThrottle:
    """Keeps ``delay`` seconds between requests to one host, across threads."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Block until this host may be asked again, and reserve that slot."""
        if self.delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.delay
        if slot > now:
            time.sleep(slot - now)


class HttpClient:
    """One connection pool and one throttle; safe to share between threads."""

    def __init__(self, options: FetchOptions | None = None) -> None:
        # urllib3 costs ~90 ms to import: only commands that go online pay for it.
        import urllib3

        self.options = options or FetchOptions()
        self.throttle = HostThrottle(self.options.host_delay)
        self._pool = urllib3.PoolManager(num_pools=32, maxsize=max(1, self.options.workers))

    def get_page(self, url: str) -> Response:
        """GET an HTML page; FetchError when it is unreachable, too big, or not HTML."""
        resp = self._get(url, _ACCEPT_PAGE, None, None, html_only=True)
        if not resp.is_html():
            kind = resp.content_type or "unknown content"
            raise FetchError(f"not a web page ({kind})")
        return resp

    def get_feed(self, url: str, etag: str | None = None,
                 last_modified: str | None = None) -> Response:
        """GET a feed, conditionally when validators are given (then status may be 304)."""
        return self._get(url, _ACCEPT_FEED, etag, last_modified)

    def close(self) -> None:
        """Close pooled connections."""
        self._pool.clear()

    def _get(self, url: str, accept: str, etag: str | None, modified: str | None,
             html_only: bool = False) -> Response:
        import urllib3
        from urllib3.exceptions import HTTPError

        try:
            url = check_web_url(url)
        except BadUrl as exc:
            raise FetchError(str(exc)) from None
        opts = self.options
        # Per-request headers replace the pool's defaults, so the agent goes here.
        headers = {"User-Agent": opts.user_agent, "Accept": accept,
                   "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        retries = urllib3.Retry(
            total=opts.max_redirects, connect=0, read=0, status=0, other=0,
            redirect=opts.max_redirects, raise_on_redirect=True, raise_on_status=False,
        )
        self.throttle.wait(host_of(url))
        started = time.monotonic()
        try:
            raw = self._pool.request(
                "GET", url, headers=headers, retries=retries, redirect=True,
                preload_content=False,
                timeout=urllib3.Timeout(connect=opts.timeout, read=opts.timeout),
            )
        except HTTPError as exc:
            raise FetchError(_describe(exc, url, opts)) from None
        try:
            return self._finish(raw, url, started, html_only)
        except HTTPError as exc:
            raise FetchError(_describe(exc, url, opts)) from None
        finally:
            raw.release_conn()

    def _finish(self, raw: urllib3.BaseHTTPResponse, url: str, started: float,
                html_only: bool) -> Response:
        opts = self.options
        # urllib3 gives the path alone when there was no redirect, the absolute address after.
        final = urljoin(url, raw.url or "")
        headers = raw.headers
        ctype, charset = _content_type(headers.get("Content-Type", ""))
        common: dict[str, Any] = {
            "url": final, "content_type": ctype, "charset": charset,
            "etag": headers.get("ETag"), "last_modified": headers.get("Last-Modified"),
        }
        if raw.status == 304:
            return Response(status=304, body=b"", **common)
        if raw.status != 200:
            reason = raw.reason or ""
            raise FetchError(f"HTTP {raw.status}{' ' + reason if reason else ''}")
        if html_only and ctype and ctype not in PAGE_TYPES:
            raise FetchError(f"not a web page ({ctype})")  # before reading a video or a PDF
        length = headers.get("Content-Length", "")
        if length.isdigit() and int(length) > opts.max_bytes:
            raise FetchError(f"too large ({_mb(int(length))}; limit {_mb(opts.max_bytes)})")
        chunks: list[bytes] = []
        size = 0
        for chunk in raw.stream(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > opts.max_bytes:
                raise FetchError(f"too large (over {_mb(opts.max_bytes)})")
            if time.monotonic() - started > opts.deadline:
                raise FetchError(f"too slow (no complete answer in {opts.deadline:g} s)")
            chunks.append(chunk)
        return Response(status=200, body=b"".join(chunks), **common)


def _content_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _describe(exc: Exception, url: str, opts: FetchOptions) -> str:
    """One line a user understands, from urllib3's nested exceptions."""
    from urllib3 import exceptions as x

    host = host_of(url) or url
    reason: Any = exc.reason if isinstance(exc, x.MaxRetryError) else exc
    if isinstance(reason, x.ResponseError) or "redirect" in str(reason).lower():
        return f"too many redirects (more than {opts.max_redirects}; a redirect loop?)"
    if isinstance(reason, x.NameResolutionError):
        return f"cannot reach {host}: host not found"
    if isinstance(reason, x.NewConnectionError):  # a subclass of ConnectTimeoutError
        text = str(reason).lower()
        why = "connection refused" if "refused" in text else "connection failed"
        return f"cannot reach {host}: {why}"
    if isinstance(reason, x.ConnectTimeoutError):
        return f"cannot reach {host}: timed out after {opts.timeout:g} s"
    if isinstance(reason, x.ReadTimeoutError):
        return f"{host} stopped answering (timed out after {opts.timeout:g} s)"
    if isinstance(reason, x.SSLError):
        return f"cannot reach {host}: TLS error"
    if isinstance(reason, x.DecodeError):
        return f"{host} sent a corrupt compressed body"
    if isinstance(reason, x.ProtocolError):
        return f"{host} closed the connection before the answer was complete"
    if isinstance(reason, x.LocationValueError | x.LocationParseError):
        return f"not a web address: {url}"
    return f"cannot fetch {url}: {reason.__class__.__name__}"
