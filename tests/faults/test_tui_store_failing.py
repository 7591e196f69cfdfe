"""The app under Pilot while its state store fails mid-session (the disk fills, another program
holds the lock, the file is replaced by garbage, the folder is deleted): no crash, reading
goes on, a lasting notice says what happened, and once the fault is lifted (or healed) every
bookmark, old and new, is in the file.

Not here: files made read-only under the open database (``chattr +i``): SQLite's shared-memory
index is a memory-mapped file, and writing a mapped page of an immutable file kills the
process with SIGBUS, in SQLite, before newsreader can do anything. A read-only data folder is
tested at start-up (test_unwritable.py)."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from newsreader.context import build_context
from newsreader.state import statefile
from newsreader.tui.app import NewsreaderApp, make_app
from tests.faults import mounts
from tests.faults.conftest import FaultRow, save_some_state
from tests.tui.conftest import make_library, settle

TOLD = {  # what the lasting notice says once the fault has hit (or has been healed)
    "disk fills": ("not saving",),
    "lock held elsewhere": ("not saving",),
    "file replaced by garbage": ("not saving", "damaged while in use"),
    "folder deleted": ("deleted",),
}


class Fault:
    """One way for the data folder to fail, with a way to lift it when there is one."""

    def __init__(self, kind: str, data: Path, stack: contextlib.ExitStack) -> None:
        self.kind, self.data = kind, data
        self.filler: Path | None = None
        self.holder: sqlite3.Connection | None = None
        if kind == "disk fills":
            stack.enter_context(mounts.tmpfs(data, 1024))

    def inject(self) -> None:
        if self.kind == "disk fills":
            self.filler = mounts.fill(self.data)
        elif self.kind == "lock held elsewhere":  # e.g. the sqlite3 shell, mid-transaction
            self.holder = sqlite3.connect(self.data / "state.sqlite3", isolation_level=None)
            self.holder.execute("BEGIN IMMEDIATE")
        elif self.kind == "file replaced by garbage":  # e.g. a sync tool's broken copy
            tmp = self.data / "incoming.tmp"
            tmp.write_bytes(b"not a database " * 4000)
            tmp.replace(self.data / "state.sqlite3")
        else:
            shutil.rmtree(self.data)

    def lift(self) -> None:
        """Undo what can be undone (a damaged or deleted file has to heal by itself)."""
        if self.kind == "disk fills" and self.filler is not None:
            self.filler.unlink()
        elif self.holder is not None:
            self.holder.execute("ROLLBACK")
            self.holder.close()


@pytest.fixture
def fault_stack() -> Iterator[contextlib.ExitStack]:
    with contextlib.ExitStack() as stack:
        yield stack


async def _written(pilot: Pilot[Any]) -> None:
    """Wait until the app's queued store writes are done and their outcome is shown."""
    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    await settle(pilot)
    app.session.write(lambda _store: None).result(timeout=30)
    await settle(pilot)


def _notice(app: NewsreaderApp) -> str:
    widget = app.main_screen.status.query_one("#notice", Static)
    return str(widget.content) if widget.display else ""


@pytest.mark.parametrize("kind", list(TOLD))
async def test_store_failing_mid_session(
    tmp_path: Path,
    user_dirs: Path,
    fault_row: FaultRow,
    kind: str,
    fault_stack: contextlib.ExitStack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(statefile, "RETRY_INTERVAL_S", 0.2)  # retry soon after the fault
    data = user_dirs / "data" / "newsreader"
    fault = Fault(kind, data, fault_stack)
    ctx = build_context([make_library(tmp_path / "library")])
    assert ctx.paths.data_dir == data
    saved = save_some_state(ctx)  # with a snapshot, as any earlier run leaves
    app = make_app(ctx, poll_seconds=None)
    fault_row.cycles = 1
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        store = app.session.store()
        assert store is not None and store.saving and not _notice(app)

        fault.inject()
        await pilot.press("escape", "j", "enter")  # open the next article: a write
        await settle(pilot)
        second = app.main_screen.reader.article
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")  # bookmark it: another write
        await _written(pilot)
        notice = _notice(app)
        highlighted = app.main_screen.article_list.highlighted
        reading = second is not None and highlighted is not None and second.id == highlighted.id
        told = any(words in notice for words in TOLD[kind])
        shown = {b.note for b in store.bookmarks()}

        fault.lift()
        await pilot.pause(0.3)
        await pilot.press("escape", "m")  # a write after the retry interval: resumes
        await _written(pilot)
        saving_again = store.saving
        notices = list(store.notices)
    wanted = saved.notes | {""}  # the new bookmark has no note
    kept = _stored_notes(data / "state.sqlite3")
    fault_row.lost = len(wanted - (kept or set()))
    fault_row.corrupt = int(kept is None)
    fault_row.recovered = int(told and reading and saving_again and not fault_row.lost)
    fault_row.note = "told: " + notice.removeprefix("⚠ ").replace(str(data), "<data>")[:60]
    assert reading, "reading stopped"
    assert told, f"no lasting notice (status shows {notice!r})"
    assert wanted <= shown, f"bookmarks shown while failing: {shown}"
    assert saving_again, notices
    assert kept is not None and wanted <= kept, (kept, notices)


def _stored_notes(path: Path) -> set[str] | None:
    """Bookmark notes in the file; None when it is missing or unsound."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            return None
        return {n for (n,) in conn.execute("SELECT note FROM bookmarks")}
    except sqlite3.Error:
        return None
    finally:
        conn.close()
