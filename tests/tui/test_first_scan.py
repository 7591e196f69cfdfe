"""The first scan started before Textual is imported (``app.first_scan``), as ``newsreader``
does."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.app.first_scan import FirstScan
from newsreader.app.session import Session
from newsreader.context import AppContext
from newsreader.library import LibraryScan
from newsreader.tui.app import make_app
from tests.tui.conftest import make_library, settle, visible_text


def test_session_hands_out_the_early_scan_once(ctx: AppContext) -> None:
    first = FirstScan(ctx.library)
    early = first.wait()
    session = Session(ctx, first)
    try:
        assert session.first_list() is early
        assert session.first_scan() is early
        again = session.first_scan()  # used up: a scan of its own now, with the same articles
        assert again is not early
        assert again.articles == early.articles
    finally:
        session.close()


def test_early_scan_of_another_library_is_not_used(ctx: AppContext, tmp_path: Path) -> None:
    from newsreader.context import build_context

    other = build_context([make_library(tmp_path / "other", extra=3)])
    session = Session(ctx, FirstScan(other.library))
    try:
        assert session.first_list() is None
        assert {a.title for a in session.first_scan().articles} == {
            a.title for a in ctx.library.scan().articles
        }
    finally:
        session.close()


def test_waiting_hears_progress_and_can_stop_the_scan(tmp_path: Path) -> None:
    from newsreader.context import build_context

    ctx = build_context([make_library(tmp_path / "big", extra=400)])
    heard: list[tuple[int, int]] = []

    class Stop(Exception):
        pass

    def progress(done: int, total: int) -> None:
        heard.append((done, total))
        raise Stop  # the app is quitting

    first = FirstScan(ctx.library)
    try:
        scan = first.wait(progress)
    except Stop:
        assert heard and heard[0][1] == 411  # every file is parsed on a first scan
        done, total = heard[0]
        if done < total:  # files were left to parse, so the scan stops instead of finishing
            with pytest.raises(Exception):  # noqa: B017 - the scan thread stopped, not finished
                first._future.result(timeout=10)
        else:  # every file parsed before the poll: only the catalog write was left to stop
            assert len(first._future.result(timeout=10).articles) == 411
    else:  # the machine parsed 411 files before the first progress poll: nothing to stop
        assert isinstance(scan, LibraryScan) and len(scan.articles) == 411


def test_a_failed_early_scan_fails_like_a_scan(ctx: AppContext) -> None:
    class Broken(Exception):
        pass

    def broken(progress: object = None) -> LibraryScan:
        raise Broken("disk on fire")

    ctx.library.scan = broken  # type: ignore[method-assign]
    first = FirstScan(ctx.library)
    assert first.ready() is None
    with pytest.raises(Broken):
        first.wait()


async def test_list_has_rows_when_the_screen_first_appears(ctx: AppContext) -> None:
    first = FirstScan(ctx.library)
    first.wait()
    app = make_app(ctx, poll_seconds=None, first_scan=first)
    async with app.run_test(size=(120, 40)) as pilot:
        # No pause: the scan was ready when the screen mounted, so the rows are there before
        # the library worker has posted anything.
        screen = app.main_screen
        assert screen.rows.total == 11
        # The reading states are not loaded yet: no count of unread ones that may be wrong.
        assert screen.article_list.border_subtitle == "11 articles"
        await settle(pilot)
        assert screen.article_list.border_subtitle == "11 unread of 11"
        rows = visible_text(screen.article_list)
        assert sum(1 for line in rows if line.strip()) >= 11
        assert screen.rows.total == 11  # the worker's copy of the same scan changed nothing


async def test_last_runs_list_is_painted_while_the_walk_confirms_or_replaces_it(
    ctx: AppContext,
    library: Path,
) -> None:
    import threading

    from newsreader.state import StateStore

    earlier = ctx.library.scan()  # an earlier run, where one article was read
    read = earlier.articles[-1]
    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    store.set_read([read], True)
    store.close()
    gone = sorted(library.glob("00*.txt"))[0]
    gone_title = gone.read_text("utf-8").splitlines()[0][:20]  # the list pane is narrow
    gone.unlink()  # changed while the app was closed
    release = threading.Event()
    real_scan = ctx.library.scan

    def slow_scan(progress: object = None) -> LibraryScan:
        release.wait(10)  # a big library's walk, still going when the screen appears
        return real_scan()

    ctx.library.scan = slow_scan  # type: ignore[method-assign]
    first = FirstScan(ctx.library)
    for _ in range(100):  # the thread reads the remembered list first (milliseconds)
        if first.remembered() is not None:
            break
        threading.Event().wait(0.02)
    app = make_app(ctx, poll_seconds=None, first_scan=first)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        assert screen.rows.total == 11  # what the last run found, at once
        await pilot.pause()  # painted (the walk is still held back)
        assert screen.rows.total == 11
        assert any(gone_title in line for line in visible_text(screen.article_list))
        for _ in range(100):  # read marks come before the walk (a second at 100k files)
            if screen.rows.unread == 10:
                break
            await pilot.pause(0.02)
        assert screen.rows.unread == 10 and screen.rows.is_read(read.id)
        release.set()
        await settle(pilot)
        assert screen.rows.total == 10  # the walk's answer replaced it
        assert not any(gone_title in line for line in visible_text(screen.article_list))
        assert screen.rows.is_read(read.id)
        assert screen.article_list.border_subtitle == "9 unread of 10"


async def test_reader_and_search_join_the_list_right_after_the_first_paint(
    ctx: AppContext,
) -> None:
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await pilot.pause()
        assert screen.query("#reader") and not screen.query("#reader-slot")
        await pilot.press("slash", *"rafah")  # typed at once, before anything settled
        await settle(pilot)
        assert screen.search_pane.query_input.value == "rafah"
        assert screen.search_pane.results.hit_count > 0
