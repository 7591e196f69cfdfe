"""Several processes and sudden death: a writer killed with SIGKILL at random moments never
loses a committed write nor damages the file; two processes writing at once lose nothing.

The process helpers are shared with the fault suite (tests/faults/state_writers.py), which
runs the same attacks at full size."""

from __future__ import annotations

import os
from pathlib import Path

from tests.faults.state_writers import run_kill_cycles, run_two_writers


def test_sigkill_at_random_moments_loses_nothing(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    cycles = int(os.environ.get("NEWSREADER_KILL_CYCLES", "4"))
    report = run_kill_cycles(state_file, cycles, seed=cycles)
    assert report.cycles == cycles
    assert report.confirmed > 0
    assert (report.lost, report.damaged, report.crashes) == (0, 0, 0), report


def test_two_processes_writing_at_once_lose_nothing(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    count = 120
    report = run_two_writers(state_file, count, timeout=60)
    assert report.crashes == 0, report.errors
    assert report.confirmed == {"left": count, "right": count}
    assert (report.lost, report.unseen, report.damaged) == (0, 0, 0), report
