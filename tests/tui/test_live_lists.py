"""A saved search shown in the real app while articles arrive: answers that come back late,
new versions of a story, renamed files, and what it records as seen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from newsreader.context import AppContext
from newsreader.state import StateStore
from newsreader.tui.app import NewsreaderApp, make_app

from .conftest import settle, write_article


def _first_arrival(library: Path) -> None:
    """An article the saved search "Cease…" matches, dropped into the folder."""
    write_article(
        library / "200_first.txt",
        "Ceasefire monitors arrive",
        date(2024, 10, 1),
        ["GENEVA: monitors of the ceasefire arrived at the border on Monday."],
    )


async def _until(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 20) -> None:
    """Let the app run until ``done()`` (workers may be blocked on purpose: no ``settle``)."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def _save(ctx: AppContext, name: str, query: str, sort: str = "relevance") -> None:
    store = StateStore.open(ctx.paths.state_file)
    try:
        store.save_search(name, query, sort)
    finally:
        store.close()


async def _show_saved(pilot: Pilot[Any], app: NewsreaderApp, name: str) -> None:
    from newsreader.app.lists import Entry

    app.main_screen.lists.choose(Entry("saved", name, name, -1))
    await settle(pilot)


def _shown(app: NewsreaderApp) -> set[str]:
    return {r.id for r in app.main_screen.rows.rows}


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_late_answer_does_not_undo_a_newer_one(
    ctx: AppContext, library: Path, size: tuple[int, int]
) -> None:
    _save(ctx, "Cease", "ceasefire")
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await _show_saved(pilot, app, "Cease")
        before = _shown(app)
        assert before and "200_first" not in before
        index = screen.session.index()
        real = index.ranked_paths
        held, release, answered = threading.Event(), threading.Event(), threading.Event()
        slow = [True]

        def ranked_paths(*args: Any, **kwargs: Any) -> Any:
            found = real(*args, **kwargs)  # answered from the index as it is now ...
            if slow[0]:
                slow[0] = False
                held.set()
                release.wait(20)  # ... but handed back after a newer refresh
                answered.set()
            return found

        index.ranked_paths = ranked_paths  # type: ignore[method-assign]
        _first_arrival(library)
        screen.sync.rescan()
        await _until(pilot, held.is_set)
        write_article(
            library / "201_second.txt",
            "Ceasefire extended by a week",
            date(2024, 10, 2),
            ["OSLO: the parties extended the ceasefire for another seven days."],
        )
        screen.sync.rescan()
        await _until(pilot, lambda: "201_second" in _shown(app))
        release.set()
        await _until(pilot, answered.is_set)
        await settle(pilot)
        assert {"200_first", "201_second"} <= _shown(app)
        assert {"200_first", "201_second"} <= screen.rows.fresh


async def test_what_a_saved_search_has_seen_is_written_by_the_store_writer(
    ctx: AppContext,
) -> None:
    """Recording what the user saw is a store write like any other: queued on the writer
    thread after the list is shown, so a failing write never takes the app down."""
    _save(ctx, "Cease", "ceasefire")
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        store = app.main_screen.session.store()
        assert store is not None
        threads: list[str] = []

        def mark_seen(name: str, ids: Any) -> None:
            threads.append(threading.current_thread().name)
            raise OSError("disk I/O error")  # the store could not write it

        store.mark_seen = mark_seen  # type: ignore[method-assign]
        await _show_saved(pilot, app, "Cease")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert _shown(app) and app.main_screen.rows.narrow_label == "saved: Cease"
        assert threads and all(t.startswith("newsreader-state") for t in threads)


async def test_narrowing_to_a_feed_leaves_the_saved_search(ctx: AppContext, library: Path) -> None:
    _save(ctx, "Cease", "ceasefire")
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await _show_saved(pilot, app, "Cease")
        screen.narrow_to(frozenset({"https://example.org/feed"}), "feed: Example")  # feeds screen
        await settle(pilot)
        _first_arrival(library)
        screen.sync.rescan()
        await settle(pilot)
        assert screen.rows.narrow_label == "feed: Example"
        assert _shown(app) == set()  # that feed saved none of these


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_a_new_version_folded_under_a_seen_story_marks_its_row_new(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    from newsreader.app.lists import Entry
    from newsreader.context import build_context

    from .test_stories import CAIRO, UPDATE, story_library

    root = story_library(tmp_path / "library")
    ctx = build_context([root])
    _save(ctx, "Cairo", "cairo", "date")
    store = StateStore.open(ctx.paths.state_file)
    try:  # the story read: its three versions
        store.set_read([a for a in ctx.library.scan().articles if "cairo" in a.id], True)
    finally:
        store.close()
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert all(screen.rows.is_read(i) for i in screen.rows.versions(UPDATE))
        await _show_saved(pilot, app, "Cairo")  # looked at: its three versions seen
        screen.lists.choose(Entry("all", "", "All articles", 0))
        await settle(pilot)
        await _show_saved(pilot, app, "Cairo")
        rows = screen.rows
        assert not rows.fresh and rows.row_label(UPDATE).startswith("3 versions")

        def lead_line() -> str:
            index = rows.index_of(UPDATE)
            assert index is not None
            listing = screen.article_list
            line = listing.render_line(index - int(listing.scroll_offset.y)).text
            return line

        assert " new" not in lead_line() and "●" not in lead_line()
        _title, _day, *paras = (root / f"{CAIRO}.txt").read_text("utf-8").strip().split("\n\n")
        (root / "late").mkdir()
        (root / "late" / "cairo-again.txt").write_text(
            "\n\n".join(["Cairo talks, as filed", "Wed Jan 10 2024", *paras]) + "\n", "utf-8"
        )
        screen.sync.rescan()
        await settle(pilot)
        new = "late/cairo-again"
        assert new in rows.fresh and rows.story_of(new) == rows.story_of(UPDATE)
        assert rows.index_of(new) is None  # folded under the story's row ...
        assert rows.row_label(UPDATE).startswith("4 versions")
        assert " new" in lead_line() and "●" in lead_line()  # ... which says so


async def test_m_on_a_folded_story_marks_every_version_under_it(tmp_path: Path) -> None:
    from newsreader.context import build_context

    from .test_stories import UPDATE, story_library

    app = make_app(build_context([story_library(tmp_path / "library")]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.main_screen.rows
        versions = rows.versions(UPDATE)
        assert len(versions) == 3 and rows.index_of(UPDATE) is not None
        app.main_screen.article_list.select_id(UPDATE)
        await pilot.press("m")
        await settle(pilot)
        assert all(rows.is_read(i) for i in versions)
        await pilot.press("m")
        await settle(pilot)
        assert not any(rows.is_read(i) for i in versions)


async def test_a_file_moved_while_its_saved_search_is_shown_is_not_new(
    ctx: AppContext, library: Path
) -> None:
    _save(ctx, "Cease", "ceasefire")
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await _show_saved(pilot, app, "Cease")  # looked at: every match seen
        await _show_saved(pilot, app, "Cease")  # shown again: none of them new
        assert not screen.rows.fresh
        matched = sorted(_shown(app))
        moved = matched[0]
        (library / f"{moved}.txt").rename(library / "moved-here.txt")
        screen.sync.rescan()
        await settle(pilot)
        assert "moved-here" in _shown(app) and moved not in _shown(app)
        assert "moved-here" not in screen.rows.fresh


async def test_files_dropped_in_and_taken_out_are_counted(ctx: AppContext, library: Path) -> None:
    from .conftest import notices

    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        write_article(library / "300_new.txt", "Harbour reopens", date(2024, 11, 1), ["Open."])
        (library / "010_madrid.txt").unlink()
        app.main_screen.sync.rescan()
        await settle(pilot)
        assert "Library changed: 1 new, 1 removed." in notices(app)
