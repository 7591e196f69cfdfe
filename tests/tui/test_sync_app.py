"""Sync while the app runs: another device's bookmark and read mark arrive at start and show
in the list, a change made in the app reaches the other device after the debounce, a file in
the folder that cannot be used is told once, and the status line says when it synced."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.context import build_context
from newsreader.tui.app import make_app
from newsreader.tui.screens import folder_sync
from tests.sync.conftest import Device

from .conftest import notices, settle


async def wait_until(
    pilot: Pilot[Any], ok: Callable[[], bool], what: Callable[[], object], seconds: float = 40
) -> None:
    deadline = time.monotonic() + seconds
    while not ok():
        assert time.monotonic() < deadline, f"timed out; {what()}"
        await pilot.pause(0.1)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_app_syncs_at_start_and_after_a_change(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setattr(folder_sync, "DEBOUNCE", 0.3)
    folder = tmp_path / "Sync"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'sync_dir = "{folder}"\n')
    ctx = build_context([library], config_file=cfg)
    summary = sorted(ctx.library.scan().articles, key=lambda a: a.title)[0]
    # The desktop keeps the same article elsewhere; it read it and bookmarked a passage.
    desktop = Device(tmp_path, "desktop", folder)
    theirs = ctx.library.load(summary)._replace(id="desktop-copy", path=Path("/x/elsewhere.txt"))
    mark = desktop.store.add_bookmark(theirs, 1, note="noted on the desktop")
    desktop.store.set_read([theirs.summary], True)
    desktop.sync()
    (folder / "stray.txt").write_text("not a device folder")

    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        sync_slot = screen.status.query_one("#sync", Static)
        status = screen.folder_sync

        def state() -> object:
            return (str(sync_slot.render()), status.error, status.last, notices(app))

        await wait_until(pilot, lambda: "synced" in str(sync_slot.render()), state)
        assert "1 file skipped" in str(sync_slot.render())
        assert sync_slot.region.width > 0  # on screen at this size
        assert any("skipped stray.txt" in n for n in notices(app))
        await wait_until(pilot, lambda: screen.rows.is_read(summary.id), state)
        store = app.session.store()
        assert store is not None
        assert [b.note for b in store.bookmarks(summary.id)] == ["noted on the desktop"]
        # Changes here (a note, and a read mark by key): the desktop gets them after the
        # debounce, with nothing else pressed.
        store.update_note(mark.uuid, "answered on the laptop")
        toggled = screen.article_list.highlighted
        assert toggled is not None
        was_read = screen.rows.is_read(toggled.id)
        await pilot.press("m")
        theirs_dir = desktop.ledger().device

        def sent() -> bool:
            mine = [p for p in folder.iterdir() if p.is_dir() and p.name != theirs_dir]
            text = "".join(f.read_text() for d in mine for f in d.glob("*.jsonl"))
            return "answered on the laptop" in text and f'"key":"{toggled.content_hash}"' in text

        await wait_until(pilot, sent, state)
        await settle(pilot)
    desktop.sync()
    assert desktop.store.reading_state(toggled).read is (not was_read)
    desktop.sync()
    assert [b.note for b in desktop.store.bookmarks()] == ["answered on the laptop"]
    desktop.store.close()


def _synced_app(library: Path, tmp_path: Path) -> tuple[Any, Device, Any]:
    """An app syncing through a folder (no timers of its own: the test says when), and the
    desktop sharing it, which has synced once."""
    folder = tmp_path / "Sync"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'sync_dir = "{folder}"\n')
    ctx = build_context([library], config_file=cfg)
    desktop = Device(tmp_path, "desktop", folder)
    desktop.sync()
    return ctx, desktop, make_app(ctx, poll_seconds=None)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_bookmark_merged_while_the_bookmarks_are_listed_appears_there(
    library: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    from newsreader.tui.screens.bookmarks import BookmarkList, BookmarksScreen

    ctx, desktop, app = _synced_app(library, tmp_path)
    summary = sorted(ctx.library.scan().articles, key=lambda a: a.title)[0]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await wait_until(pilot, lambda: screen.folder_sync.last is not None, lambda: None)
        await pilot.press("B")
        await settle(pilot)
        listed = app.screen
        assert isinstance(listed, BookmarksScreen) and listed.bookmarks == []
        await pilot.resize_terminal(*((80, 24) if size == (120, 40) else (120, 40)))
        desktop.store.add_bookmark(ctx.library.load(summary), 1, note="from the desktop")
        desktop.sync()
        screen.folder_sync.run()
        await wait_until(pilot, lambda: len(listed.bookmarks) == 1, lambda: listed.bookmarks)
        await settle(pilot)
        options = listed.query_one(BookmarkList)
        shown = "".join(
            str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
        assert "from the desktop" in shown
    desktop.store.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_sort_chosen_on_another_device_is_applied_while_the_app_runs(
    library: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    _ctx, desktop, app = _synced_app(library, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await wait_until(pilot, lambda: screen.folder_sync.last is not None, lambda: None)
        assert screen.rows.sort == "date"
        desktop.store.set_setting("list.sort", "title")
        desktop.sync()
        screen.folder_sync.run()
        await wait_until(pilot, lambda: screen.rows.sort == "title", lambda: screen.rows.sort)
        await settle(pilot)
        titles = [r.title.casefold() for r in screen.rows.rows]
        assert titles == sorted(titles)
    desktop.store.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_long_sync_error_is_short_in_the_status_line_and_whole_once_in_a_notice(
    library: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    folder = tmp_path / ("a-folder-name-long-enough-to-fill-the-status-line" * 2) / "Sync"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'sync_dir = "{folder}"\n')
    app = make_app(build_context([library], config_file=cfg), poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await wait_until(pilot, lambda: screen.folder_sync.error is not None, lambda: None)
        screen.folder_sync.run()  # fails again: told once
        await settle(pilot)
        error = screen.folder_sync.error
        assert error is not None and "parent folder does not exist" in error
        sync_slot = screen.status.query_one("#sync", Static)
        shown = str(sync_slot.render())
        assert shown.startswith("⇅ sync:") and len(shown) <= 50
        activity = screen.status.query_one("#activity", Static)
        assert "articles" in str(activity.render()) and activity.region.width >= 11
        assert [n for n in notices(app) if "parent folder does not exist" in n] == [error]
