"""A damaged or 0-byte state file: moved aside, the newest snapshot restored, the user told
(by the CLI on stderr and by the app's status line)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.context import build_context
from newsreader.state import StateStore
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow, save_some_state
from tests.tui.conftest import make_library, settle


def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\n" * 300)


def _torn_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[4096 : 3 * 4096] = b"\xa5" * (2 * 4096)  # header kept, tables wrecked
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def _header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = bytes((b * 7 + 3) % 256 for b in data[:100])
    path.write_bytes(bytes(data))


def _bad_wal(path: Path) -> None:
    # The main file's tables wrecked and a garbage WAL beside it: neither may be trusted.
    _torn_pages(path)
    Path(f"{path}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x99" * 8000)


DAMAGE: dict[str, Callable[[Path], None]] = {
    "zero-byte": _zero,
    "garbage": _garbage,
    "torn pages": _torn_pages,
    "truncated": _truncated,
    "garbled header": _header,
    "torn pages + bad WAL": _bad_wal,
}


def test_damaged_state_file_is_restored_and_reported(
    tmp_path: Path, cli: CLI, fault_row: FaultRow
) -> None:
    library = make_library(tmp_path / "library")
    ctx = build_context([library])
    state = ctx.paths.state_file
    saved = save_some_state(ctx)
    fault_row.note = ", ".join(DAMAGE)
    failures: list[str] = []
    for name, damage in DAMAGE.items():
        fault_row.cycles += 1
        for aside in state.parent.glob("state.sqlite3.corrupt-*"):
            aside.unlink()
        damage(state)
        broken = state.read_bytes()
        run = cli("bookmarks", "--json", library=library)
        if run.code != 0:
            fault_row.crashes += 1
            failures.append(f"{name}: exit {run.code}: {run.err}")
            continue
        told = "damaged" in run.err and "restored the snapshot" in run.err
        notes = {b["note"] for b in run.json()}
        asides = list(state.parent.glob("state.sqlite3.corrupt-*"))
        kept = len(asides) == 1 and asides[0].read_bytes() == broken
        sound = _integrity(state) == "ok"
        fault_row.corrupt += not sound
        fault_row.lost += len(saved.notes - notes)
        if told and kept and sound and saved.notes <= notes:
            fault_row.recovered += 1
        else:
            failures.append(
                f"{name}: told={told} kept={kept} sound={sound} notes={notes} stderr={run.err!r}"
            )
    assert not failures, failures
    assert fault_row.recovered == len(DAMAGE)


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


@pytest.mark.parametrize("damage", ["zero-byte", "garbage"])
async def test_damaged_state_file_app_tells_the_user(
    tmp_path: Path, fault_row: FaultRow, damage: str
) -> None:
    from textual.widgets import Static

    from newsreader.tui.app import make_app

    library = make_library(tmp_path / "library")
    ctx = build_context([library])
    saved = save_some_state(ctx)
    DAMAGE[damage](ctx.paths.state_file)
    app = make_app(ctx, poll_seconds=None)
    fault_row.cycles = 1
    fault_row.note = "the app's status line"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notice = str(app.main_screen.status.query_one("#notice", Static).content)
        rows = app.main_screen.rows
        restored = all(rows.is_read(i) for i in saved.read)
    store = StateStore.open(ctx.paths.state_file)
    try:
        notes = {b.note for b in store.bookmarks()}
    finally:
        store.close()
    fault_row.lost = len(saved.notes - notes)
    told = "damaged" in notice and "restored the snapshot" in notice
    fault_row.recovered = int(told and restored and not fault_row.lost)
    assert told, notice
    assert restored and saved.notes <= notes
