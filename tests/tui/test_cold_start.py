"""The first frames: what is drawn before the panes are mounted and the reading states load."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from newsreader.tui import library_sync
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.panes import PaneLayout

from .conftest import settle, visible_text


async def test_the_first_frame_draws_the_readers_frame_full_height(
    new_app: Callable[..., NewsreaderApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Hold the first frame: no panes mounted after the paint, no library worker to need them.
    monkeypatch.setattr(PaneLayout, "_after_paint", lambda self: None)
    monkeypatch.setattr(library_sync.LibrarySync, "start", lambda self: None)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        slot = app.main_screen.query_one("#reader-slot")
        listing = app.main_screen.article_list
        assert slot.region.height == listing.region.height == 38


async def test_no_article_is_called_unread_before_the_reading_states_load(
    new_app: Callable[..., NewsreaderApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    load = library_sync.LibrarySync._load_states

    def slow_load(self: library_sync.LibrarySync, scan: object) -> None:
        release.wait(10)
        load(self, scan)  # type: ignore[arg-type]

    monkeypatch.setattr(library_sync.LibrarySync, "_load_states", slow_load)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(20):
            await pilot.pause(0.02)
            if app.main_screen.rows.total:
                break
        listing = app.main_screen.article_list
        assert app.main_screen.rows.total == 11
        assert not any("●" in line for line in visible_text(listing))
        assert listing.border_subtitle == "11 articles"
        release.set()
        await settle(pilot)
        assert visible_text(listing)[0].lstrip().startswith("●")
        assert listing.border_subtitle == "11 unread of 11"


async def test_reading_the_panes_never_mounts_them_only_ensure_panes_does(
    new_app: Callable[..., NewsreaderApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PaneLayout, "_after_paint", lambda self: None)
    monkeypatch.setattr(library_sync.LibrarySync, "start", lambda self: None)
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.main_screen
        assert not screen.panes_mounted
        with pytest.raises(AssertionError):
            screen.reader  # noqa: B018
        assert not screen.panes_mounted
        screen.ensure_panes()
        screen.ensure_panes()  # once only
        await pilot.pause()
        assert screen.panes_mounted and len(screen.query("Reader")) == 1
        assert not screen.query("#reader-slot")


async def test_a_move_before_the_states_load_is_not_undone_by_reopening_the_last_read(
    new_app: Callable[..., NewsreaderApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")  # read the fourth article, then quit
        await settle(pilot)
        await pilot.press("q")

    release = threading.Event()
    load = library_sync.LibrarySync._load_states

    def slow_load(self: library_sync.LibrarySync, scan: object) -> None:
        release.wait(10)
        load(self, scan)  # type: ignore[arg-type]

    monkeypatch.setattr(library_sync.LibrarySync, "_load_states", slow_load)
    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        for _ in range(20):
            await pilot.pause(0.02)
            if again.main_screen.rows.total:
                break
        await pilot.press("j")  # the user moves before the states are in
        release.set()
        await settle(pilot)
        # The cursor stays where the user put it, and nothing is opened under their hands.
        assert again.main_screen.article_list.cursor == 1
        assert again.main_screen.reader.article is None
