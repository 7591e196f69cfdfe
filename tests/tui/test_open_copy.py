"""``o`` opens an article's web page through ``webbrowser`` (a fake ``$BROWSER`` records what
it was given), or offers to open a local file in ``$EDITOR``; ``y`` copies the paragraph
under the cursor, or a bookmark, with its citation."""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from newsreader.context import build_context
from newsreader.feeds import add_sources
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.confirm import ConfirmDialog
from tests.feeds.conftest import FAST, Server, article_html, story
from tests.feeds.conftest import web as web  # the local server fixture

from .conftest import notices, settle

SIZES = [(120, 40), (100, 30), (80, 24), (60, 20)]
TITLE = "Lighthouse keepers strike"


def fake_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exit_code: int = 0) -> Path:
    """A ``$BROWSER`` script that writes the address it is given to a file."""
    record = tmp_path / "browser-got.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{record}"\nexit {exit_code}\n', "utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("BROWSER", str(script))
    return record


@pytest.fixture
def saved_page(web: Server, library: Path, user_dirs: Path) -> str:
    """A web page saved into the library by ``add`` (the library is the articles folder)."""
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'library = ["{library}"]\narticles_dir = "{library}"\n', "utf-8")
    url = web.page("/news/lighthouse", article_html(TITLE, story(3), date="2024-06-01"))
    [result] = add_sources([url], library, options=FAST)
    assert result.path is not None
    return url


def app_on_library() -> NewsreaderApp:
    return make_app(build_context(), poll_seconds=None)


async def open_titled(app: NewsreaderApp, pilot: object, title: str) -> None:
    screen = app.main_screen
    article_id = next(a.id for a in screen.rows.articles if a.title == title)
    screen.open_article(article_id)
    await settle(pilot)  # type: ignore[arg-type]
    assert screen.reader.article is not None and screen.reader.article.title == title
    screen.reader.focus()
    await settle(pilot)  # type: ignore[arg-type]


async def wait_until(pilot: object, ready: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:  # type: ignore[operator]
        await pilot.pause(0.05)  # type: ignore[attr-defined]
    assert ready()  # type: ignore[operator]


async def browsed_after_o(pilot: Pilot[Any], record: Path) -> str:
    """Press ``o`` and wait for the fake browser to write the address it was given."""
    await pilot.press("o")
    await wait_until(pilot, record.exists)
    await wait_until(pilot, lambda: record.read_text("utf-8") != "")
    return record.read_text("utf-8")


@pytest.mark.parametrize("size", SIZES)
async def test_y_copies_the_paragraph_with_title_date_and_address(
    saved_page: str, size: tuple[int, int]
) -> None:
    app = app_on_library()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_titled(app, pilot, TITLE)
        await pilot.press("right_square_bracket")
        reader = app.main_screen.reader
        assert reader.cursor == 1 and reader.article is not None
        await pilot.press("y")
        await wait_until(pilot, lambda: app.clipboard != "")
        paragraph = reader.article.paragraphs[1]
        assert app.clipboard == f"“{paragraph}”\n\n— {TITLE}, 01 June 2024, {saved_page}"
        assert any(m.startswith("Copied the paragraph") and saved_page in m for m in notices(app))


@pytest.mark.parametrize("size", SIZES)
async def test_o_opens_the_source_address_through_webbrowser(
    saved_page: str, size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_browser(tmp_path, monkeypatch)
    app = app_on_library()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_titled(app, pilot, TITLE)
        assert await browsed_after_o(pilot, record) == saved_page
        assert app.is_running and app.screen is app.main_screen


@pytest.mark.parametrize("size", SIZES)
async def test_o_in_the_list_opens_the_highlighted_articles_address(
    saved_page: str, size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in newsboat's article list: no need to open the article first."""
    record = fake_browser(tmp_path, monkeypatch)
    app = app_on_library()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        article_id = next(a.id for a in screen.rows.articles if a.title == TITLE)
        index = screen.rows.index_of(article_id)
        assert index is not None
        screen.article_list.focus()
        screen.article_list.cursor = index
        await settle(pilot)
        assert await browsed_after_o(pilot, record) == saved_page
        assert screen.reader.article is None or screen.reader.article.title != TITLE
        assert app.screen is screen and screen.article_list.has_focus


@pytest.mark.parametrize("size", SIZES)
async def test_under_serve_o_opens_the_address_in_the_readers_browser(
    saved_page: str, size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a browser (``newsreader serve``) the page opens the address, through Textual's
    open_url; a browser on the server's machine is never started. A file of one's own is on
    the server: no editor is offered (the browser session cannot be suspended for one)."""
    record = fake_browser(tmp_path, monkeypatch)
    monkeypatch.setenv("EDITOR", "vi")
    monkeypatch.setattr(NewsreaderApp, "is_web", property(lambda _app: True))
    app = app_on_library()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_titled(app, pilot, TITLE)
        await pilot.press("o")
        await wait_until(pilot, lambda: opened != [])
        assert opened == [saved_page]
        await pilot.pause(0.3)
        assert not record.exists()

        await open_titled(app, pilot, "Rail workers vote on a new pay offer")
        await pilot.press("o")
        await wait_until(pilot, lambda: any("on the server" in m for m in notices(app)))
        assert not isinstance(app.screen, ConfirmDialog) and opened == [saved_page]


async def test_a_failing_browser_is_reported_and_the_app_goes_on(
    saved_page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_browser(tmp_path, monkeypatch, exit_code=1)
    monkeypatch.setenv("PATH", "/nonexistent")  # no other browser to fall back on
    app = app_on_library()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_titled(app, pilot, TITLE)
        await pilot.press("o")
        await wait_until(pilot, lambda: any("Could not open" in m for m in notices(app)))
        assert app.is_running


async def test_o_on_a_local_file_offers_the_editor(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The editor records its argument; the app is suspended around it (Pilot's headless
    # driver cannot suspend, so suspend is a plain context here).
    got = tmp_path / "editor-got.txt"
    editor = tmp_path / "fake-editor"
    editor.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{got}"\n', "utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", f"{editor} ")
    app = make_app(build_context([library]), poll_seconds=None)
    suspended: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        suspended.append(True)
        yield

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_titled(app, pilot, "Rail workers vote on a new pay offer")
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "fake-editor" in str(app.screen.question)  # type: ignore[attr-defined]
        await pilot.press("n")  # no: nothing runs
        await settle(pilot)
        assert not got.exists()
        # Headless, the terminal cannot be handed over: said, not crashed.
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot)
        assert any("cannot be handed" in m for m in notices(app))
        monkeypatch.setattr(app, "suspend", suspend)
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None
        assert got.read_text("utf-8") == str(reader.article.path) and suspended == [True]
        # An editor that is not there: a notice, and the app goes on.
        monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot)
        assert any("File not opened: no-such-editor" in m for m in notices(app))
        assert app.is_running and app.screen is app.main_screen


@pytest.mark.parametrize("size", SIZES)
async def test_y_in_the_bookmarks_screen_copies_passage_and_note(
    saved_page: str, size: tuple[int, int]
) -> None:
    app = app_on_library()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_titled(app, pilot, TITLE)
        await pilot.press("b", *"check", "enter")
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.clipboard != "")
        reader = app.main_screen.reader
        assert reader.article is not None
        first = reader.article.paragraphs[0]
        assert app.clipboard.startswith(f"“{first}")
        assert f"— {TITLE}, 01 June 2024, {saved_page}" in app.clipboard
        assert app.clipboard.endswith("\n\nNote: check")
        assert any(m.startswith("Copied the bookmark") for m in notices(app))


async def test_copied_text_is_inert(library: Path) -> None:
    # A title carrying an escape sequence and markup is copied as plain text.
    hostile = library / "hostile.txt"
    hostile.write_text(
        "Evil \x1b]52;c;aGk=\x07[bold]title[/bold]\n\nMon Jan 01 2024\n\nBody \x1b[31mred\n",
        "utf-8",
    )
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        summary = next(a for a in screen.rows.articles if a.path == hostile)
        screen.open_article(summary.id)
        await settle(pilot)
        screen.reader.focus()
        await pilot.press("y")
        await wait_until(pilot, lambda: app.clipboard != "")
        assert "\x1b" not in app.clipboard and "\x07" not in app.clipboard
        assert str(hostile) in app.clipboard
        assert os.path.basename(hostile) in app.clipboard
