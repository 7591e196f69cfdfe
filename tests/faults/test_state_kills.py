"""Reading state and bookmarks survive SIGKILL at random moments and two writers at once."""

from __future__ import annotations

from pathlib import Path

from tests.faults.conftest import FaultRow
from tests.faults.state_writers import run_kill_cycles, run_two_writers


def test_sigkill_writer_at_random_moments(
    tmp_path: Path, fault_row: FaultRow, full_run: bool
) -> None:
    state_file = tmp_path / "data" / "state.sqlite3"
    state_file.parent.mkdir()
    cycles = 500 if full_run else 6
    report = run_kill_cycles(state_file, cycles, seed=500 + cycles)
    fault_row.cycles, fault_row.lost = report.cycles, report.lost
    fault_row.corrupt, fault_row.crashes = report.damaged, report.crashes
    fault_row.recovered = report.recovered
    fault_row.note = f"{report.confirmed:,} committed writes checked"
    assert report.confirmed > 0
    assert (report.lost, report.damaged, report.crashes) == (0, 0, 0), report.errors
    assert report.recovered == cycles


def test_two_processes_writing_at_once(tmp_path: Path, fault_row: FaultRow, full_run: bool) -> None:
    state_file = tmp_path / "data" / "state.sqlite3"
    state_file.parent.mkdir()
    count = 5000 if full_run else 150
    report = run_two_writers(state_file, count)
    fault_row.cycles = sum(report.confirmed.values())
    fault_row.lost = report.lost
    fault_row.corrupt, fault_row.crashes = report.damaged, report.crashes
    fault_row.recovered = 2 * (report.unseen == 0)
    fault_row.note = f"2 x {count:,} writes; unseen by a writer: {report.unseen}"
    assert report.crashes == 0, report.errors
    assert report.confirmed == {"left": count, "right": count}
    assert (report.lost, report.unseen, report.damaged) == (0, 0, 0)
