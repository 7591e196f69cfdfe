"""A full disk (RLIMIT_FSIZE, a full tmpfs) and an unwritable data folder (a file in its place,
a read-only mount): the CLI and the app keep reading (saved bookmarks and read marks
included), say that changes are not saved, and overwrite nothing."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Static

from newsreader.context import AppContext, build_context
from newsreader.search import SearchIndex
from newsreader.tui.app import make_app
from tests.faults import mounts
from tests.faults.conftest import FaultRow, Saved, save_some_state
from tests.tui.conftest import make_library, settle

NOT_SAVED = ("will not be saved", "not saving", "kept in memory", "nothing was changed")


@dataclass
class Setup:
    """A library with saved state and a built index, and the fault in place."""

    ctx: AppContext
    library: Path
    saved: Saved
    guarded: Path
    """The folder whose files must come out unchanged."""
    preexec: Callable[[], None] | None = None


def _prepare(tmp_path: Path, home: Path, kind: str, stack: contextlib.ExitStack) -> Setup:
    data = home / "data" / "newsreader"
    if kind == "tmpfs full":  # data and cache both on a small filesystem that fills up
        stack.enter_context(mounts.tmpfs(home, 2048))
    library = make_library(tmp_path / "library")
    ctx = build_context([library])
    saved = Saved()
    if kind != "file in place of the data folder":
        saved = save_some_state(ctx)
        ctx.paths.index_root.mkdir(parents=True, exist_ok=True)
        index = SearchIndex(ctx.index_dir)
        index.update(ctx.library.scan(), ctx.library)
        index.close()
    # A new article the index has not seen: searching must still answer from the last index.
    (library / "zz_new.txt").write_text("Newcomer\n\nMon May 06 2024\n\nA late harbour story.\n")
    preexec = None
    if kind == "RLIMIT_FSIZE":
        preexec = mounts.fsize_limit(0)  # no file may grow: the disk is full for root too
    elif kind == "tmpfs full":
        mounts.fill(home)
    elif kind == "file in place of the data folder":
        data.parent.mkdir(parents=True, exist_ok=True)
        data.write_text("a file where the data folder should be\n")
        return Setup(ctx, library, saved, data.parent)
    else:
        stack.enter_context(mounts.read_only(data))
    return Setup(ctx, library, saved, data, preexec)


@pytest.fixture
def stack() -> Iterator[contextlib.ExitStack]:
    with contextlib.ExitStack() as s:
        yield s


def _cli(setup: Setup, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsreader", "--library", str(setup.library), *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=setup.preexec,
    )


def _cli_problems(setup: Setup, backup: Path) -> list[str]:
    problems = []
    listed = _cli(setup, "list", "--json")
    if listed.returncode or not any(s in listed.stderr for s in NOT_SAVED):
        problems.append(f"list: exit {listed.returncode}, not told: {listed.stderr!r}")
    else:
        import json

        rows = json.loads(listed.stdout)
        read = {r["id"] for r in rows if r["read"]}
        if len(rows) != 12 or not setup.saved.read <= read:
            problems.append(f"list: {len(rows)} articles, read {read}")
        shown = _cli(setup, "show", rows[0]["id"])
        if shown.returncode or rows[0]["title"] not in shown.stdout:
            problems.append(f"show: exit {shown.returncode}: {shown.stderr!r}")
    marks = _cli(setup, "bookmarks", "--json")
    if marks.returncode or not setup.saved.notes <= {b["note"] for b in _json(marks.stdout)}:
        problems.append(f"bookmarks: exit {marks.returncode}: {marks.stderr!r}")
    found = _cli(setup, "search", "ceasefire", "--json")
    if setup.saved.notes and (found.returncode or not _json(found.stdout)):
        problems.append(f"search: exit {found.returncode}: {found.stderr!r}")
    imported = _cli(setup, "import", str(backup))
    if imported.returncode == 0 or not any(s in imported.stderr for s in NOT_SAVED):
        problems.append(f"import: exit {imported.returncode}, not told: {imported.stderr!r}")
    return problems


def _json(text: str) -> list[dict[str, object]]:
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return []
    return data if isinstance(data, list) else []


async def _app_problems(setup: Setup) -> list[str]:
    problems = []
    app = make_app(setup.ctx, poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notice = app.main_screen.status.query_one("#notice", Static)
        text = str(notice.content)
        if not notice.display or not any(s in text for s in NOT_SAVED):
            problems.append(f"app: no lasting notice ({text!r})")
        rows = app.main_screen.rows
        if not all(rows.is_read(i) for i in setup.saved.read):
            problems.append("app: saved read marks not shown")
        await pilot.press("enter")
        await settle(pilot)
        if app.main_screen.reader.article is None:
            problems.append("app: the article did not open")
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.session.write(lambda _store: None).result(timeout=30)
        store = app.session.store()
        notes = {b.note for b in store.bookmarks()} if store is not None else set()
        if not setup.saved.notes | {""} <= notes:
            problems.append(f"app: bookmarks shown {notes}")
    return problems


@pytest.mark.parametrize(
    "kind",
    [
        "RLIMIT_FSIZE",
        "tmpfs full",
        "file in place of the data folder",
        "read-only mount of the data folder",
    ],
)
async def test_full_disk_or_unwritable_data_folder(
    tmp_path: Path,
    user_dirs: Path,
    fault_row: FaultRow,
    kind: str,
    stack: contextlib.ExitStack,
) -> None:
    backup = tmp_path / "backup.json"
    backup.write_text(
        '{"format": "newsreader-backup", "version": 1, "articles": [], "bookmarks": []}'
    )
    setup = _prepare(tmp_path, user_dirs, kind, stack)
    before = mounts.digests(setup.guarded)
    problems = _cli_problems(setup, backup)
    fault_row.cycles = 5
    if kind != "RLIMIT_FSIZE":  # the app runs in this process: no file-size limit for it
        problems += await _app_problems(setup)
        fault_row.cycles += 1
    after = mounts.digests(setup.guarded)
    changed = sorted(p for p in before if after.get(p) != before[p])
    fault_row.corrupt = len(changed)
    fault_row.crashes = sum("exit 1:" in p for p in problems)
    fault_row.recovered = fault_row.cycles - len({p.split(":")[0] for p in problems})
    fault_row.note = "CLI list/show/bookmarks/search/import" + (
        " + app" if kind != "RLIMIT_FSIZE" else ""
    )
    assert not problems and not changed, (problems, f"overwritten: {changed}")
