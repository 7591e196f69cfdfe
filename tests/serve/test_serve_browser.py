"""``newsreader serve`` in a real browser: Debian's chromium, headless, driven by Playwright.

The terminal in the page draws on a canvas, so what the page shows is read from what the
server sent it over the websocket (the app's screen updates), with escape sequences removed.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, WebSocket, sync_playwright

from tests.serve.conftest import Served

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ESCAPES = re.compile(r"\x1b(\[[0-9;?$<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|.)")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium installed (Debian: apt-get install chromium)"
)


class Screen:
    """What the app sent to the page, as text, and waits for some of it to arrive."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._chunks: list[bytes] = []
        page.on("websocket", self._attach)

    def _attach(self, ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: self._received(payload))

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):  # text frames are textual-serve's own messages
            self._chunks.append(payload)

    def text(self) -> str:
        return ESCAPES.sub(" ", b"".join(self._chunks).decode("utf-8", "replace"))

    def mark(self) -> int:
        return len(self.text())

    def wait_for(self, wanted: str, since: int = 0, seconds: float = 20) -> None:
        for _ in range(int(seconds * 10)):
            if wanted in self.text()[since:]:
                return
            self.page.wait_for_timeout(100)  # lets Playwright deliver the frames meanwhile
        raise AssertionError(f"the page never showed {wanted!r}")


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Page]:
    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",  # a fresh profile every run
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1200, "height": 800},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


ORKNEY_URL = "https://orkney.example/news/keepers"


def test_read_search_bookmark_and_export_in_a_browser(
    serve: Callable[..., Served], browser_page: Page, user_dirs: Path, two_articles: Path
) -> None:
    # Orkney's article was saved from a web page, as `newsreader add` records it.
    record = {"url": ORKNEY_URL, "file": "orkney.txt", "title": "Lighthouse keepers"}
    record |= {"origin": "page", "saved": "2024-06-04T08:00:00+00:00"}
    (two_articles / ".sources.jsonl").write_text(json.dumps(record) + "\n", "utf-8")
    served = serve("--host", "0.0.0.0")  # not loopback: the page asks for the token
    page = browser_page
    screen = Screen(page)
    downloads: list[tuple[dict[str, str], bytes]] = []
    tabs: list[Page] = []
    page.context.on("page", lambda tab: tabs.append(tab))
    page.context.route(ORKNEY_URL, lambda route: route.fulfill(body="the keepers' page"))

    def keep_download(route: Route) -> None:
        response = route.fetch()
        downloads.append((response.headers, response.body()))
        route.fulfill(response=response)

    page.context.route("**/download/**", keep_download)

    page.goto(served.url)
    assert page.url.endswith("/login")
    assert served.token is not None
    page.fill("input[name=token]", served.token)
    page.click("button[type=submit]")
    page.wait_for_url(served.url + "/")

    screen.wait_for("Lighthouse keepers return to Orkney")  # the article list
    screen.wait_for("Hamas to Continue Truce Talks")
    page.click("#terminal")

    mark = screen.mark()
    page.keyboard.press("/")
    page.keyboard.type("puffins")
    screen.wait_for("1 article", since=mark)  # the search pane's count

    mark = screen.mark()
    page.keyboard.press("Enter")  # opens the top hit in the reader
    screen.wait_for("fewer than last year", since=mark)

    # o: the address opens in a new tab of this browser, not in one on the server.
    page.keyboard.press("o")
    for _ in range(100):
        if tabs:
            break
        page.wait_for_timeout(100)
    assert tabs, "o opened no tab"
    tabs[0].wait_for_load_state()
    assert tabs[0].url == ORKNEY_URL
    tabs[0].close()

    mark = screen.mark()
    page.keyboard.press("b")
    screen.wait_for("Bookmark this passage", since=mark)
    page.keyboard.type("seabirds")
    mark = screen.mark()
    page.keyboard.press("Enter")
    screen.wait_for("B lists bookmarks", since=mark)  # the bookmark is saved

    page.keyboard.press("Control+p")
    page.keyboard.type("Export bookmarks")
    screen.wait_for("Markdown file", since=mark)  # the palette offers the command
    mark = screen.mark()
    page.keyboard.press("Enter")
    screen.wait_for("Bookmarks sent to the browser", since=mark)
    for _ in range(100):
        if downloads:
            break
        page.wait_for_timeout(100)
    assert downloads, "the browser got no download"
    headers, body = downloads[0]
    assert "attachment; filename=bookmarks.md" in headers["content-disposition"]
    markdown = body.decode("utf-8")
    assert "Lighthouse keepers return to Orkney" in markdown
    assert "counting puffins along the cliffs" in markdown and "seabirds" in markdown
    # Sent to the browser, not written on the server.
    assert not list(user_dirs.rglob("bookmarks.md"))
