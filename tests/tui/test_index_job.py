"""Full builds in a child process: progress, report, and search from the app afterwards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.tui import index_job
from newsreader.tui.app import NewsreaderApp

from .conftest import settle


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
        assert index_job.index_is_complete(app.ctx.index_dir)
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
