"""Full builds in a child process: progress, report, and search from the app afterwards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.app import index_job
from newsreader.tui.app import NewsreaderApp

from .conftest import notices, search_for, settle


async def test_app_builds_a_big_index_in_a_child(
    new_app: Callable[..., NewsreaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_job, "CHILD_BUILD_MIN", 1)  # our 11 articles count as big
    children: list[object] = []
    real = index_job.run_child

    def spy(*args: object, **kwargs: object) -> object:
        children.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index_job, "run_child", spy)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert children, "the full build ran in a child"
        assert app.main_screen.library_view.indexed
        assert app.session.index().is_complete()
        hits = app.session.search("bronzes").hits
        assert hits and hits[0].title.startswith("Museum returns")


def test_child_reports_progress_and_failure(library: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    report = index_job.run_child(
        (library,), False, lambda d, t: seen.append((d, t)), lambda child: None
    )
    assert report.added == 11 and report.rebuilt
    assert seen and seen[-1] == (11, 11)

    with pytest.raises(RuntimeError, match="index build failed"):
        index_job.run_child((tmp_path / "missing",), False, lambda d, t: None, lambda child: None)


def test_stop_child_ends_the_forked_workers_too() -> None:
    import subprocess
    import sys
    import time

    # A parent that forks a worker sharing its stdout, as a two-process build does.
    script = "import os, time\nos.fork()\nprint('up', flush=True)\ntime.sleep(30)\n"
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert child.stdout is not None
    child.stdout.readline()
    started = time.monotonic()
    index_job.stop_child(child)
    child.stdout.read()  # returns at EOF: every holder of the pipe is gone
    assert time.monotonic() - started < 5
    child.wait(timeout=5)


@pytest.mark.parametrize("big", [True, False], ids=["child", "worker"])
async def test_a_damaged_index_heals_in_the_index_job_not_where_it_was_read(
    new_app: Callable[..., NewsreaderApp], monkeypatch: pytest.MonkeyPatch, big: bool
) -> None:
    import threading

    from textual.worker import get_current_worker

    from newsreader.search import generations
    from newsreader.search.index import SearchIndex

    children = _children(monkeypatch, big)
    rebuilt_in: list[str] = []
    real_update = SearchIndex.update

    def update(self: SearchIndex, *args: object, rebuild: bool = False, **kw: object) -> object:
        if rebuild:  # which worker (a thread of the app) rebuilds, and never the UI's thread
            assert threading.current_thread() is not threading.main_thread()
            rebuilt_in.append(get_current_worker().group)
        return real_update(self, *args, rebuild=rebuild, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "update", update)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.search("bronzes").hits
        (app.ctx.index_dir / generations.CURRENT).unlink()  # the live index vanishes under the app
        pane = await search_for(pilot, "bronzes")
        await settle(pilot)
        assert pane.results.hits and pane.results.hits[0].title.startswith("Museum returns")
        assert app.session.index().is_complete()
    if big:  # rebuilt like any big full build: in the child, and never in the app
        assert children == [False, True] and rebuilt_in == []
    else:  # in the library worker, not in the search worker that found the damage
        assert children == [] and rebuilt_in == ["library"]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_another_installed_whoosh_is_a_notification_not_a_crash(
    new_app: Callable[..., NewsreaderApp], other_whoosh: str, size: tuple[int, int]
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        told = [n for n in notices(app) if "whoosh-reloaded==2.7.5" in n]
        assert told and other_whoosh in told[0] and "\n" not in told[0], notices(app)
        assert "Traceback" not in told[0]
        assert app.main_screen.rows.total == 11  # the list works without search
        pane = await search_for(pilot, "bronzes")
        assert not pane.results.hits
        assert pane.result is not None and "whoosh-reloaded==2.7.5" in (pane.result.error or "")


def test_the_index_child_says_another_whoosh_in_one_line(
    library: Path, other_whoosh: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The child's last stderr line is what the app shows (``run_child``): the reason, not
    the last line of a traceback."""
    assert index_job.main(["--", str(library)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsreader needs whoosh-reloaded==2.7.5"), err


@pytest.mark.parametrize("big", [True, False], ids=["child", "worker"])
async def test_damage_found_by_an_update_heals_in_the_child_too(
    new_app: Callable[..., NewsreaderApp],
    monkeypatch: pytest.MonkeyPatch,
    library: Path,
    big: bool,
) -> None:
    """An incremental update that finds the index unreadable leaves the rebuild to the index
    job: a big library's rebuild runs in the child, never in the library worker (a small
    one's in the library worker, as any small full build)."""
    import threading

    from textual.worker import get_current_worker

    from newsreader.search import generations
    from newsreader.search.index import SearchIndex

    children = _children(monkeypatch, big)
    in_app: list[str] = []  # the workers that ran a full build (explicit or a heal) here
    real_rebuild = SearchIndex._rebuild

    def rebuild(self: SearchIndex, *args: object, **kw: object) -> object:
        assert threading.current_thread() is not threading.main_thread()
        in_app.append(get_current_worker().group)
        return real_rebuild(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "_rebuild", rebuild)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.session.index().is_complete()
        assert (children, in_app) == (([False], []) if big else ([], ["library"]))
        app.session.index().close()
        current = generations.read_current(app.ctx.index_dir)
        assert current is not None
        for seg in current[1].glob("*.seg"):
            seg.write_bytes(b"\0" * 64)
        first = sorted(library.glob("*.txt"))[0]
        first.write_text(first.read_text(encoding="utf-8") + "\nA walrus came ashore.\n")
        app.main_screen.sync.rescan()  # the update finds the damage
        await settle(pilot)
        await settle(pilot)
        if big:
            assert children == [False, True] and in_app == []
        else:
            assert children == [] and in_app == ["library", "library"]
        assert any("unreadable" in n and "rebuilding it" in n for n in notices(app))
        hits = app.session.search("walrus").hits
        assert [h.path.name for h in hits] == [first.name]


def _children(monkeypatch: pytest.MonkeyPatch, big: bool) -> list[bool]:
    """The index children started from now on (their ``rebuild`` flags); ``big`` makes the
    test's small library count as big enough for the child."""
    if big:
        monkeypatch.setattr(index_job, "CHILD_BUILD_MIN", 1)  # our 11 articles count as big
    children: list[bool] = []
    real_child = index_job.run_child

    def child(roots: object, rebuild: bool, *args: object) -> object:
        children.append(rebuild)
        return real_child(roots, rebuild, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(index_job, "run_child", child)
    return children


def test_the_child_stores_the_story_signatures_it_made_while_building(
    library: Path, user_dirs: Path
) -> None:
    """The app's library worker then finds every article signed and reads none again."""
    from newsreader.context import build_context
    from newsreader.stories import StoryStore

    index_job.run_child((library,), False, lambda d, t: None, lambda child: None)
    ctx = build_context([library])
    with StoryStore.open(ctx.stories_file) as store:
        known = store.known()
    assert set(known) == {a.content_hash for a in ctx.library.scan().articles}
