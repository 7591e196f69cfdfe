"""Reading what servers sent (the article in a page, a feed's entries, the feeds a page
announces) in child processes that are stopped when one job takes too long.

trafilatura's time grows with a page's size and shape (megabytes of nested tags take tens of
seconds), feedparser and the standard HTML parser are slow, even quadratic, on some input
(kilobytes of unclosed tags take seconds), and a thread cannot be stopped; in a thread they
would also hold the interpreter's lock and freeze the app. So each job runs in a child with a
deadline, started once per run and reused job after job. The child is a fresh interpreter
(``python -m``), never a fork: the app's process has threads and a terminal in raw mode.
Pages over the size limit lose their scripts, styles and comments first, then their tail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

from newsreader.feeds.article_file import ArticleDraft
from newsreader.feeds.download import FetchOptions
from newsreader.feeds.extract import NotAnArticle
from newsreader.feeds.extract_child import draft_from_json, feed_from_json
from newsreader.feeds.feedparse import NotAFeed, ParsedFeed

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

START_SECONDS = 60.0
"""Time a child may take to start (an interpreter and trafilatura's imports, on a busy
machine); not counted against a page's limit."""


def reader_for(options: FetchOptions, workers: int = 1) -> PageReader:
    """A reader with the options' limits; as many children as cores, at most ``workers``
    (reading is CPU work: more children than cores only share them)."""
    slots = min(workers, os.cpu_count() or 1)
    return PageReader(options.extract_seconds, options.extract_max_bytes, slots)


class PageReader:
    """Up to ``slots`` children reading pages at once; safe to share between threads."""

    def __init__(self, seconds: float, max_bytes: int, slots: int = 1) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self._idle: list[_Child] = []
        self._all: list[_Child] = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm(self) -> None:
        """Start a child now, so its imports overlap the download of the first page."""
        with self._lock:
            if not self._all and not self._closed:
                child = _Child()
                self._all.append(child)
                self._idle.append(child)

    def read(self, html: bytes, url: str | None = None, charset: str | None = None) -> ArticleDraft:
        """The article in ``html``; NotAnArticle (one line) when there is none, when the page
        takes longer than ``seconds``, or when the reader cannot run."""
        header = {"task": "page", "url": url, "charset": charset}
        try:
            answer = self._ask(header, trim_html(html, self.max_bytes), "page")
        except _Failed as exc:
            raise NotAnArticle(str(exc)) from None
        if "error" in answer:
            raise NotAnArticle(str(answer["error"]))
        return draft_from_json(answer)

    def read_feed(
        self, body: bytes, url: str, content_type: str = "", charset: str | None = None
    ) -> ParsedFeed:
        """``parse_feed`` in a child: NotAFeed also when it takes longer than ``seconds``
        (feedparser and the standard HTML parser are slow, even quadratic, on some input)."""
        header = {"task": "feed", "url": url, "charset": charset, "content_type": content_type}
        try:
            answer = self._ask(header, body, "feed")
        except _Failed as exc:
            raise NotAFeed(str(exc)) from None
        if "error" in answer:
            raise NotAFeed(str(answer["error"]))
        return feed_from_json(answer)

    def find_feeds(self, html: bytes, url: str, charset: str | None = None) -> list[str]:
        """``discover_feeds`` in a child; NotAFeed when it takes longer than ``seconds``."""
        try:
            answer = self._ask({"task": "links", "url": url, "charset": charset}, html, "page")
        except _Failed as exc:
            raise NotAFeed(str(exc)) from None
        links = answer.get("links")
        return [str(link) for link in links] if isinstance(links, list) else []

    def _ask(self, header: dict[str, Any], body: bytes, what: str) -> dict[str, Any]:
        with self._slots:
            child = self._take()
            try:
                answer = child.ask(header, body, self.seconds, what)
            except BaseException:
                self._drop(child)
                raise
            self._give_back(child)
        return answer

    def close(self) -> None:
        """Stop every child."""
        with self._lock:
            self._closed = True
            children, self._all, self._idle = self._all, [], []
        for child in children:
            child.stop()

    def _take(self) -> _Child:
        with self._lock:
            if self._closed:
                raise _Failed("the reader was stopped")
            if self._idle:
                return self._idle.pop()
            child = _Child()
            self._all.append(child)
            return child

    def _give_back(self, child: _Child) -> None:
        with self._lock:
            if self._closed:
                child.stop()
            else:
                self._idle.append(child)

    def _drop(self, child: _Child) -> None:
        child.stop()
        with self._lock:
            if child in self._all:
                self._all.remove(child)


class _Failed(Exception):
    """The child could not answer (too slow, stopped, not started): the one-line reason."""


class _Child:
    """One ``extract_child`` process and its two pipes."""

    def __init__(self) -> None:
        from multiprocessing.connection import Connection  # ~10 ms; only pages need it

        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "newsreader.feeds.extract_child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                start_new_session=True,  # Ctrl-C in a shell stops the parent
            )
        except OSError as exc:
            self._error = f"cannot start the reader ({exc.strerror or exc})"
            return
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._send: Connection = Connection(os.dup(self._proc.stdin.fileno()), readable=False)
        self._recv: Connection = Connection(os.dup(self._proc.stdout.fileno()), writable=False)
        self._proc.stdin.close()
        self._proc.stdout.close()

    def ask(self, header: dict[str, Any], body: bytes, seconds: float, what: str) -> dict[str, Any]:
        if self._proc is None:
            raise _Failed(self._error)
        try:
            if not self._ready:
                if not self._recv.poll(START_SECONDS):
                    raise _Failed("the reader did not start in time")
                self._recv.recv_bytes()
                self._ready = True
            self._send.send_bytes(json.dumps(header).encode())
            self._send.send_bytes(body)
            if not self._recv.poll(seconds):
                raise _Failed(f"the {what} took too long to read (over {seconds:g} s)")
            answer: Any = json.loads(self._recv.recv_bytes())
        except (EOFError, OSError, ValueError):
            raise _Failed(f"the reader stopped while reading the {what}") from None
        if not isinstance(answer, dict):
            raise _Failed("the reader gave no answer")
        return answer

    def stop(self) -> None:
        if self._proc is None:
            return
        for conn in (self._send, self._recv):
            conn.close()
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()


_DROPPED = re.compile(rb"<!--|<(script|style|svg|noscript|template)(?=[\s/>])")


def trim_html(html: bytes, limit: int) -> bytes:
    """``html`` if it is within ``limit`` bytes; else without comments and without script,
    style and svg elements (JSON-LD metadata stays), cut to ``limit``. Linear: each part of
    the page is looked at once."""
    if len(html) <= limit:
        return html
    low = html.lower()
    out: list[bytes] = []
    kept = pos = 0
    while kept < limit:
        found = _DROPPED.search(low, pos)
        if found is None:
            out.append(html[pos:])
            break
        out.append(html[pos : found.start()])
        kept += found.start() - pos
        tag = found.group(1)
        if tag is None:  # a comment
            end = low.find(b"-->", found.end())
            pos = len(low) if end < 0 else end + 3
            continue
        head_end = low.find(b">", found.end())
        if head_end < 0:
            break
        if tag == b"script" and b"ld+json" in low[found.start() : head_end]:
            out.append(html[found.start() : head_end + 1])  # metadata trafilatura reads
            kept += head_end + 1 - found.start()
            pos = head_end + 1
            continue
        close = low.find(b"</" + tag, head_end)
        close_end = low.find(b">", close) if close >= 0 else -1
        if close_end < 0:
            break
        pos = close_end + 1
    return b"".join(out)[:limit]
