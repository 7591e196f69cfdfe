"""What one request may do: a wall-clock deadline that holds however slowly a server sends, and
the rule that a redirect or an entry link may not reach a local address it was not given.

The deadline is a timer that shuts the request's sockets down when it expires: a read blocked
on a server that sends one byte a second, or an endless run of ``100 Continue`` lines, returns
at once. The address rule is checked twice: on the address before asking (so the refusal names
it), and on the peer of every new connection (so a name that resolves differently the second
time is caught too). Imported only by ``HttpClient``, which already pays for urllib3.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from newsreader.feeds.proxies import Proxy
from newsreader.library.text import clean_line


class Refused(Exception):
    """A destination the address rule does not allow; ``str(error)`` says which and why."""


def is_local_ip(text: str) -> bool:
    """True for loopback, private, link-local, unspecified and other non-public addresses."""
    try:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return True  # not an address we understand: do not assume it is public
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return not addr.is_global or addr.is_multicast


def resolve(host: str, port: int, seconds: float | None = None) -> list[str]:
    """The addresses ``host`` resolves to (none when it does not resolve); TimeoutError when
    the resolver has not answered in ``seconds`` (it has no time-out of its own to give)."""
    found: list[str] = []

    def ask() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return
        found.extend(dict.fromkeys(str(info[4][0]) for info in infos))

    if seconds is None:
        ask()
        return found
    asking = threading.Thread(target=ask, daemon=True)  # left to finish on its own if late
    asking.start()
    asking.join(seconds)
    if asking.is_alive():
        raise TimeoutError(f"no answer from the resolver for {host} in {seconds:g} s")
    return found


def _port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


@dataclass(slots=True)
class LocalRule:
    """Which local destinations one request may reach: the one it was given (``origin``), the
    hosts the user allowed in ``[fetch] allow_local``, or all of them."""

    origin: str
    allow_all: bool = False
    hosts: tuple[str, ...] = ()
    _origin_ips: list[str] | None = field(default=None, repr=False)

    def check_url(self, url: str, seconds: float | None = None, proxied: bool = False) -> None:
        """Refused when ``url``'s host is, or resolves to, a local address not allowed;
        TimeoutError when resolving it takes longer than ``seconds``.

        ``proxied``: the request goes through a proxy, which resolves the name itself and
        may reach what we cannot see, so a name that does not resolve here is refused too.
        """
        host, port = _port(url)
        if self.allow_all or self._named(host, port):
            return
        found = [host] if _is_literal(host) else resolve(host, port, seconds)
        if proxied and not found:
            raise Refused(
                f"refused {clean_line(url, 200)} through the proxy: {clean_line(host, 100)} "
                "does not resolve here, so it cannot be checked for a local address (allow "
                "it with allow_local in the [fetch] table of config.toml)"
            )
        for ip in found:
            if is_local_ip(ip) and not self._same_as_origin(ip, port):
                raise Refused(self._why(url, ip))

    def check_peer(self, host: str, port: int, ip: str) -> None:
        """Refused when a new connection for ``host``:``port`` landed on a local address."""
        if self.allow_all or self._named(host.lower(), port):
            return
        if is_local_ip(ip) and not self._same_as_origin(ip, port):
            raise Refused(self._why(f"{host}:{port}", ip))

    def _named(self, host: str, port: int) -> bool:
        origin_host, origin_port = _port(self.origin)
        if (host, port) == (origin_host, origin_port):
            return True
        shown = f"[{host}]" if ":" in host else host
        return bool({host, shown, f"{shown}:{port}"} & set(self.hosts))

    def _same_as_origin(self, ip: str, port: int) -> bool:
        origin_host, origin_port = _port(self.origin)
        if port != origin_port:
            return False
        if self._origin_ips is None:
            self._origin_ips = (
                [origin_host] if _is_literal(origin_host) else resolve(origin_host, origin_port)
            )
        return ip in self._origin_ips

    def _why(self, target: str, ip: str) -> str:
        return (
            f"refused {clean_line(target, 200)}: a local address ({ip}) other than the one "
            "asked for (allow it with allow_local in the [fetch] table of config.toml)"
        )


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class Guard:
    """One request's deadline and address rule, in force on this thread while ``with``-ed."""

    def __init__(self, seconds: float, rule: LocalRule) -> None:
        self.rule = rule
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.fired = False
        self.proxy: tuple[str, int] | None = None
        """The proxy this request goes through: connections to it are not address-checked
        (the user chose it; the destination was checked before asking)."""
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def expired(self) -> bool:
        """The deadline has passed (a socket time-out shrunk to it counts as passing it)."""
        return self.fired or time.monotonic() >= self.ends - 0.05

    def remaining(self) -> float:
        """Seconds left, never below a small positive value (urllib3 refuses 0)."""
        return max(0.01, self.ends - time.monotonic())

    def __enter__(self) -> Guard:
        _current.guard = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        _current.guard = None
        self._timer.cancel()
        with self._lock:
            for sock in self._socks:
                sock.close()
            self._socks.clear()

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it has passed)."""
        # A duplicate of the descriptor: shutting it down stops the connection, while the
        # number stays ours, so the timer can never hit a socket reused by someone else.
        # (Made by hand: a TLS socket refuses dup(), and the handshake is covered this way.)
        dup = socket.socket(fileno=os.dup(sock.fileno()))
        with self._lock:
            self._socks.append(dup)
            if self.fired:
                _shut(dup)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._socks:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the other side
        sock.shutdown(socket.SHUT_RDWR)


class _Current(threading.local):
    guard: Guard | None = None


_current = _Current()


class _Guarded:
    """Mixed into urllib3's connections: every new socket is checked and watched."""

    host: str
    port: int

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        guard = _current.guard
        if guard is not None:
            try:
                if guard.proxy != (self.host.lower().strip("[]"), self.port):
                    peer = str(sock.getpeername()[0])
                    guard.rule.check_peer(self.host, self.port, peer)
                guard.watch(sock)
            except BaseException:
                sock.close()
                raise
        return sock


class _HTTP(_Guarded, HTTPConnection):
    pass


class _HTTPS(_Guarded, HTTPSConnection):
    pass


class _GuardedPool:
    """Mixed into urllib3's pools: a kept-alive connection taken again is watched too."""

    def _get_conn(self, timeout: float | None = None) -> HTTPConnection:
        conn: HTTPConnection = super()._get_conn(timeout)  # type: ignore[misc]
        guard = _current.guard
        sock = conn.sock
        if guard is not None and sock is not None:
            guard.watch(sock)
        return conn


class _HTTPPool(_GuardedPool, HTTPConnectionPool):
    ConnectionCls = _HTTP


class _HTTPSPool(_GuardedPool, HTTPSConnectionPool):
    ConnectionCls = _HTTPS


def guarded_pool(workers: int) -> urllib3.PoolManager:
    """A pool whose connections obey the ``Guard`` of the request that opens them."""
    pool = urllib3.PoolManager(num_pools=32, maxsize=max(1, workers))
    pool.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return pool


def proxied_pool(proxy: Proxy, workers: int) -> urllib3.ProxyManager:
    """``guarded_pool``'s connections, through ``proxy`` (CONNECT tunnels for https)."""
    headers = urllib3.make_headers(proxy_basic_auth=proxy.auth) if proxy.auth else None
    pool = urllib3.ProxyManager(
        proxy.url, num_pools=32, maxsize=max(1, workers), proxy_headers=headers
    )
    pool.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    return pool
