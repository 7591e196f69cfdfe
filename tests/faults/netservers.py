"""Servers on 127.0.0.1 that speak HTTP badly on purpose, on raw sockets (``http.server`` cannot
drip a status line or send ``100 Continue`` forever). Each connection runs ``behave`` in its own
thread; every behaviour gives up after ``CAP`` seconds so a test that fails still ends."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

CAP = 30.0

Behaviour = Callable[[socket.socket], None]


class RawServer:
    """Accepts connections and answers each with ``behave(conn)``; counts the requests."""

    def __init__(self, behave: Behaviour) -> None:
        self.behave = behave
        self.requests: list[bytes] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.settimeout(CAP)
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            self.requests.append(request)
            self.behave(conn)

    def close(self) -> None:
        self._stop.set()
        self._sock.close()


@contextlib.contextmanager
def raw_server(behave: Behaviour) -> Iterator[RawServer]:
    server = RawServer(behave)
    try:
        yield server
    finally:
        server.close()


def drip(conn: socket.socket, data: bytes, every: float = 0.2) -> None:
    """Send ``data`` one byte at a time (stops when the client hangs up, or at the cap)."""
    ends = time.monotonic() + CAP
    for i in range(len(data)):
        if time.monotonic() > ends:
            return
        conn.sendall(data[i : i + 1])
        time.sleep(every)


def slow_body(conn: socket.socket) -> None:
    """Headers at once, then a 1,000-byte body (as Content-Length says) a byte at a time."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n")
    drip(conn, b"<p>" + b"x" * 997)


def slow_headers(conn: socket.socket) -> None:
    """The status line and headers a byte at a time."""
    drip(conn, b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"y" * 1000)


def endless_continue(conn: socket.socket) -> None:
    """``100 Continue`` interim answers, ten a second, and never the real one."""
    ends = time.monotonic() + CAP
    while time.monotonic() < ends:
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        time.sleep(0.1)


def answer(body: bytes, content_type: str = "text/html; charset=utf-8") -> Behaviour:
    """A plain, correct 200 answer."""

    def behave(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: "
            + content_type.encode()
            + b"\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\nConnection: close\r\n\r\n"
            + body
        )

    return behave


def raw_reply(data: bytes) -> Behaviour:
    """Whatever bytes ``data`` is, then hang up."""

    def behave(conn: socket.socket) -> None:
        conn.sendall(data)

    return behave
