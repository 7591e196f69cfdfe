"""A forwarding HTTP proxy on 127.0.0.1 for tests: plain GETs with an absolute address are
fetched and relayed, CONNECT opens a tunnel; every request line it saw is kept. It can also
hang (accept and never answer) to test deadlines."""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Proxy:
    """The running proxy: ``url`` to point HTTP_PROXY at, ``seen`` the requests it got."""

    def __init__(self, hang: bool = False) -> None:
        self.hang = hang
        self.seen: list[str] = []
        """``METHOD target`` of each request, in order."""
        self.auth: list[str | None] = []
        """The Proxy-Authorization header of each request."""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _handler(proxy: Proxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _record(self) -> bool:
            proxy.seen.append(f"{self.command} {self.path}")
            proxy.auth.append(self.headers.get("Proxy-Authorization"))
            if proxy.hang:
                time.sleep(30)  # a daemon thread: the test ends long before
                return False
            return True

        def do_GET(self) -> None:
            if not self._record():
                return
            target = urlsplit(self.path)
            conn = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=10)
            headers = {k: v for k, v in self.headers.items() if not k.lower().startswith("proxy-")}
            path = target.path + (f"?{target.query}" if target.query else "")
            try:
                conn.request("GET", path or "/", headers=headers)
                resp = conn.getresponse()
                body = resp.read()
            except OSError:
                self.send_error(502)
                return
            finally:
                conn.close()
            self.send_response(resp.status, resp.reason)
            for key, value in resp.getheaders():
                if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_CONNECT(self) -> None:
            if not self._record():
                return
            host, _, port = self.path.rpartition(":")
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                self.send_error(502)
                return
            self.send_response(200, "Connection established")
            self.end_headers()
            _relay(self.connection, upstream)

    return Handler


def _relay(a: socket.socket, b: socket.socket) -> None:
    with b, contextlib.suppress(OSError):
        while True:
            ready, _, _ = select.select([a, b], [], [], 10)
            if not ready:
                return
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)


@contextlib.contextmanager
def running_proxy(hang: bool = False) -> Iterator[Proxy]:
    proxy = Proxy(hang)
    try:
        yield proxy
    finally:
        proxy.close()
