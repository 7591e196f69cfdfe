"""Several processes and sudden death: a writer killed with SIGKILL at random moments never
loses a committed write nor damages the file; two processes writing at once lose nothing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from state_child import article

from newsreader.state import StateStore

CHILD = Path(__file__).with_name("state_child.py")


@dataclass
class KillReport:
    """What a run of kill cycles found."""

    cycles: int = 0
    confirmed: int = 0
    """Writes the child reported as returned (committed) before it was killed."""
    lost: int = 0
    """Confirmed writes missing afterwards (must be 0)."""
    damaged: int = 0
    """Times the file failed its integrity check or the store reported a problem (must be 0)."""


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )


def run_kill_cycles(state_file: Path, cycles: int, seed: int = 0) -> KillReport:
    """Start a writer loop, SIGKILL it at a random moment (sometimes while it is still
    opening the file), then check every write it confirmed. Repeat ``cycles`` times."""
    rng = random.Random(seed)
    report = KillReport()
    for cycle in range(cycles):
        positions: dict[str, int] = {}  # i restarts in each child: compare within a cycle
        proc = _spawn("loop", str(state_file), f"c{cycle}", "0")
        assert proc.stdout is not None
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.3))  # during start-up and opening
        else:
            line = proc.stdout.readline()
            while line.startswith("notice"):
                report.damaged += 1
                line = proc.stdout.readline()
            assert line.strip() == "ready", line + proc.stderr.read() if proc.stderr else ""
            time.sleep(rng.uniform(0.01, 0.25))
        os.kill(proc.pid, signal.SIGKILL)
        out, _err = proc.communicate()
        report.cycles += 1
        notes: set[str] = set()
        for line in out.splitlines():
            if line.startswith("notice"):
                report.damaged += 1
            if not line.startswith("ok "):
                continue
            i = int(line.split()[1])
            report.confirmed += 1
            if i % 2 == 0:
                notes.add(f"c{cycle}-{i}")
            else:
                positions[article(i % 10).id] = i
        conn = sqlite3.connect(state_file)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                report.damaged += 1
                continue
            if not notes and not positions:
                continue
            stored = {n for (n,) in conn.execute("SELECT note FROM bookmarks")}
            offsets = dict(conn.execute("SELECT id, para_offset FROM articles").fetchall())
        finally:
            conn.close()
        report.lost += len(notes - stored)
        # A later write may have committed without being confirmed: >= is right.
        report.lost += sum(1 for aid, i in positions.items() if offsets.get(aid, -1) < i)
    store = StateStore.open(state_file)
    report.damaged += len(store.notices) + (not store.saving)
    store.close()
    return report


def test_sigkill_at_random_moments_loses_nothing(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    cycles = int(os.environ.get("NEWSREADER_KILL_CYCLES", "4"))
    report = run_kill_cycles(state_file, cycles, seed=cycles)
    assert report.cycles == cycles
    assert report.confirmed > 0
    assert (report.lost, report.damaged) == (0, 0), report


@pytest.mark.slow
def test_sigkill_long_run(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    cycles = int(os.environ.get("NEWSREADER_KILL_CYCLES_LONG", "200"))
    report = run_kill_cycles(state_file, cycles, seed=12345)
    print(f"\nkill -9 cycles: {report}")
    assert (report.lost, report.damaged) == (0, 0), report


def test_two_processes_writing_at_once_lose_nothing(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    count = 120
    procs = [_spawn("loop", str(state_file), tag, str(count)) for tag in ("left", "right")]
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "notsaving" not in out and "notice" not in out
        assert out.count("ok ") == count
    store = StateStore.open(state_file)
    try:
        notes = {b.note for b in store.bookmarks()}
    finally:
        store.close()
    expected = {f"{tag}-{i}" for tag in ("left", "right") for i in range(0, count, 2)}
    assert notes == expected
