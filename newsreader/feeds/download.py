"""Polite HTTP GET with hard limits: one deadline per request, a size cap while streaming, a
redirect limit, no detour to local addresses, conditional requests (ETag / Last-Modified) and
a per-host delay shared by threads. Everything a server says is cleaned before it is kept."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from newsreader import __version__
from newsreader.feeds.failures import describe
from newsreader.feeds.urls import BadUrl, check_web_url, host_of
from newsreader.library.text import clean_line

if TYPE_CHECKING:
    import urllib3

    from newsreader.config import Config
    from newsreader.feeds.guard import Guard
    from newsreader.feeds.proxies import Proxy, ProxySettings

USER_AGENT = f"newsreader/{__version__} (terminal news reader; saves articles for offline reading)"
PAGE_TYPES = ("text/html", "application/xhtml+xml")
_ACCEPT_PAGE = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_ACCEPT_FEED = (
    "application/rss+xml,application/atom+xml,application/rdf+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,text/html;q=0.5,*/*;q=0.1"
)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits for one run; the defaults suit a person's feed list, tests shrink them."""

    timeout: float = 15.0
    """Seconds of silence allowed while reading (and to connect, unless ``connect_timeout``)."""
    connect_timeout: float | None = None
    """Seconds to connect; None: ``timeout``."""
    deadline: float = 60.0
    """Seconds for a whole request, redirects and headers included, so a server that drips
    bytes cannot hold a run."""
    max_bytes: int = 5 * 1024 * 1024
    """Largest page or feed accepted (after decompression)."""
    max_redirects: int = 5
    host_delay: float = 1.0
    """Seconds between two requests to the same host."""
    max_new: int = 50
    """New articles saved per ``fetch`` run; the rest wait for the next run."""
    max_failures: int = 10
    """Entries of one feed that may fail in one run before the rest wait for the next: a
    failed entry gives its slot back, so without this a feed of 10,000 dead links would be
    asked 10,000 times."""
    workers: int = 4
    """Feeds fetched at the same time (each host is still asked one request at a time)."""
    user_agent: str = USER_AGENT
    allow_local: bool = False
    """Redirects and entry links may reach any local address (see ``guard.LocalRule``)."""
    local_hosts: tuple[str, ...] = ()
    """Local hosts (``host`` or ``host:port``) they may reach anyway."""
    extract_seconds: float = 10.0
    """Seconds to read one page or feed, in a child process that is stopped then."""
    extract_max_bytes: int = 1024 * 1024
    """HTML (after scripts and styles are dropped) given to the extractor; the rest is cut."""
    proxies: ProxySettings | None = None
    """The proxies to use; None: those of the environment when the client is made."""


def fetch_options(config: Config, **overrides: Any) -> FetchOptions:
    """The limits of the user's ``[fetch]`` table, with ``overrides`` on top."""
    settings = config.fetch
    values: dict[str, Any] = {
        "allow_local": settings.allow_local,
        "local_hosts": settings.local_hosts,
    }
    deadline = settings.deadline if settings.deadline is not None else FetchOptions().deadline
    values["deadline"] = deadline
    read = settings.read_timeout if settings.read_timeout is not None else FetchOptions().timeout
    values["timeout"] = min(read, deadline)
    if settings.connect_timeout is not None:
        values["connect_timeout"] = min(settings.connect_timeout, deadline)
    if settings.extract_seconds is not None:
        values["extract_seconds"] = settings.extract_seconds
    return FetchOptions(**(values | overrides))


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
        from newsreader.feeds.guard import guarded_pool
        from newsreader.feeds.proxies import proxy_settings

        self.options = options or FetchOptions()
        self.throttle = HostThrottle(self.options.host_delay)
        self._pool = guarded_pool(self.options.workers)
        self._proxies = self.options.proxies or proxy_settings()
        self._proxied: dict[str, urllib3.ProxyManager] = {}
        self._proxied_lock = threading.Lock()

    def get_page(self, url: str, origin: str | None = None) -> Response:
        """GET an HTML page; FetchError when it is unreachable, too big, or not HTML.

        ``origin`` is the address the user gave (the feed, for an entry's link): a local
        address other than that one is refused unless the options allow it.
        """
        resp = self._get(url, _ACCEPT_PAGE, None, None, html_only=True, origin=origin)
        if not resp.is_html():
            kind = resp.content_type or "unknown content"
            raise FetchError(f"not a web page ({kind})")
        return resp

    def get_feed(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        origin: str | None = None,
    ) -> Response:
        """GET a feed, conditionally when validators are given (then status may be 304)."""
        return self._get(url, _ACCEPT_FEED, etag, last_modified, origin=origin)

    def close(self) -> None:
        """Close pooled connections."""
        self._pool.clear()
        with self._proxied_lock:
            for pool in self._proxied.values():
                pool.clear()

    def _proxy_for(self, url: str) -> Proxy | None:
        from newsreader.feeds.proxies import BadProxy

        try:
            return self._proxies.for_url(url)
        except BadProxy as exc:
            raise FetchError(f"cannot use the proxy: {exc}") from None

    def _pool_for(self, proxy: Proxy | None) -> urllib3.PoolManager:
        if proxy is None:
            return self._pool
        from newsreader.feeds.guard import proxied_pool

        with self._proxied_lock:
            if proxy.url not in self._proxied:
                self._proxied[proxy.url] = proxied_pool(proxy, self.options.workers)
            return self._proxied[proxy.url]

    def _get(
        self,
        url: str,
        accept: str,
        etag: str | None,
        modified: str | None,
        html_only: bool = False,
        origin: str | None = None,
    ) -> Response:
        from newsreader.feeds.guard import Guard, LocalRule, Refused

        try:
            url = check_web_url(url)
        except BadUrl as exc:
            raise FetchError(str(exc)) from None
        opts = self.options
        # Per-request headers replace the pool's defaults, so the agent goes here.
        headers = {
            "User-Agent": opts.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        rule = LocalRule(origin or url, opts.allow_local, opts.local_hosts)
        self.throttle.wait(host_of(url))
        # One deadline for the whole request: every redirect, the headers, the body.
        with Guard(opts.deadline, rule) as guard:
            hop = url
            try:
                for _ in range(opts.max_redirects + 1):
                    proxy = self._proxy_for(hop)
                    rule.check_url(hop, guard.remaining(), proxied=proxy is not None)
                    guard.proxy = (proxy.host, proxy.port) if proxy is not None else None
                    raw = self._request(hop, headers, guard, proxy)
                    read = False
                    try:
                        target = _redirect_target(raw, hop)
                        if target is None:
                            resp = self._finish(raw, hop, guard, html_only)
                            read = True
                            return resp
                    finally:
                        if not read:  # a body left unread would be read by the next request
                            raw.close()
                        raw.release_conn()
                    hop = target
            except Refused as exc:
                raise FetchError(str(exc)) from None
            except TimeoutError:  # the name did not resolve in time
                raise FetchError(_too_slow(opts)) from None
        raise FetchError(f"too many redirects (more than {opts.max_redirects}; a redirect loop?)")

    def _request(
        self, url: str, headers: dict[str, str], guard: Guard, proxy: Proxy | None
    ) -> urllib3.BaseHTTPResponse:
        import urllib3
        from urllib3.exceptions import HTTPError, ProxyError

        opts = self.options
        connect = opts.connect_timeout if opts.connect_timeout is not None else opts.timeout
        try:
            return self._pool_for(proxy).request(
                "GET",
                url,
                headers=headers,
                retries=False,
                redirect=False,
                preload_content=False,
                timeout=urllib3.Timeout(
                    connect=min(connect, guard.remaining()),
                    read=min(opts.timeout, guard.remaining()),
                ),
            )
        except (HTTPError, ValueError, OSError) as exc:
            if guard.expired():
                raise FetchError(_too_slow(opts)) from None
            if proxy is not None and _is_proxy_failure(exc, ProxyError):
                raise FetchError(_proxy_failed(exc, proxy, connect)) from None
            raise FetchError(describe(exc, url, opts.timeout)) from None

    def _finish(
        self, raw: urllib3.BaseHTTPResponse, url: str, guard: Guard, html_only: bool
    ) -> Response:
        from urllib3.exceptions import HTTPError

        opts = self.options
        headers = raw.headers
        ctype, charset = _content_type(headers.get("Content-Type", ""))
        common: dict[str, Any] = {
            "url": url,
            "content_type": ctype,
            "charset": charset,
            "etag": _header(headers.get("ETag")),
            "last_modified": _header(headers.get("Last-Modified")),
        }
        if raw.status == 304:
            return Response(status=304, body=b"", **common)
        if raw.status != 200:
            reason = clean_line(raw.reason or "", 120)
            raise FetchError(f"HTTP {raw.status}{' ' + reason if reason else ''}")
        if html_only and ctype and ctype not in PAGE_TYPES:
            raise FetchError(f"not a web page ({ctype})")  # before reading a video or a PDF
        length = headers.get("Content-Length", "")
        if length.isdigit() and int(length) > opts.max_bytes:
            raise FetchError(f"too large ({_mb(int(length))}; limit {_mb(opts.max_bytes)})")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in raw.stream(64 * 1024, decode_content=True):
                size += len(chunk)
                if size > opts.max_bytes:
                    raise FetchError(f"too large (over {_mb(opts.max_bytes)})")
                if guard.fired:
                    break
                chunks.append(chunk)
        except (HTTPError, OSError) as exc:
            raise FetchError(
                _too_slow(opts) if guard.expired() else describe(exc, url, opts.timeout)
            ) from None
        if guard.fired:  # the sockets were shut: what arrived is not the whole answer
            raise FetchError(_too_slow(opts))
        return Response(status=200, body=b"".join(chunks), **common)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _is_proxy_failure(exc: BaseException, proxy_error: type[Exception]) -> bool:
    reason = getattr(exc, "reason", exc)
    return isinstance(reason, proxy_error)


def _proxy_failed(exc: BaseException, proxy: Proxy, timeout: float) -> str:
    """Why a request through ``proxy`` failed: the proxy named (never its password)."""
    reason = getattr(exc, "reason", exc)
    inner: BaseException = getattr(reason, "original_error", None) or reason
    text = clean_line(str(inner), 120).lower()
    if "refused" in text:
        why = "connection refused"
    elif "timed out" in text or isinstance(inner, TimeoutError):
        why = f"timed out after {timeout:g} s"
    elif "tunnel connection failed" in text:
        answer = clean_line(str(inner), 80).split(": ", 1)[-1]
        return f"the proxy {proxy.shown} ({proxy.variable}) refused the tunnel ({answer})"
    else:
        why = describe(inner, proxy.url, timeout).removeprefix(f"cannot reach {proxy.host}: ")
    return f"cannot reach the proxy {proxy.shown} ({proxy.variable}): {why}"


def _redirect_target(raw: urllib3.BaseHTTPResponse, url: str) -> str | None:
    """Where a redirect leads (absolute), or None when ``raw`` is not one; FetchError naming
    the target when it is not an http(s) address."""
    location = raw.headers.get("Location")
    if raw.status not in _REDIRECTS or not location:
        return None
    try:
        target = urljoin(url, location.strip())
    except ValueError:  # "http://[oops/": not an address at all
        target = location
    try:
        return check_web_url(target)
    except BadUrl:
        raise FetchError(
            f"refused a redirect to {clean_line(target, 200)} (not an http or https address)"
        ) from None


def _too_slow(opts: FetchOptions) -> str:
    return f"too slow (no complete answer in {opts.deadline:g} s)"


def _header(value: str | None) -> str | None:
    return clean_line(value, 200) or None if value is not None else None


def _content_type(value: str) -> tuple[str, str | None]:
    media, _, params = clean_line(value, 200).partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"
