"""Processes that write reading state and bookmarks (tests/state/state_child.py), killed with
SIGKILL at random moments or run two at once; shared by the fault suite and tests/state.

A write counts as committed only once the child has printed ``ok N`` after the call returned.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.state import StateStore
from tests.conftest import REPO
from tests.state.state_child import article

CHILD = REPO / "tests" / "state" / "state_child.py"


def spawn(*args: str) -> subprocess.Popen[str]:
    """Start ``state_child.py`` with ``args``, stdout and stderr piped as text."""
    return subprocess.Popen(
        [sys.executable, str(CHILD), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


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
    crashes: int = 0
    """Children that died on their own (an exception) before being killed (must be 0)."""
    recovered: int = 0
    """Cycles after which the file passed its integrity check holding every confirmed write."""
    errors: list[str] = field(default_factory=list)
    """The stderr of crashed children, for the failure message."""


def _check_file(state_file: Path, notes: set[str], positions: dict[str, int]) -> tuple[int, int]:
    """(lost, damaged) for one cycle: integrity first, then every confirmed write."""
    if not state_file.exists():
        return len(notes) + len(positions), 0
    conn = sqlite3.connect(state_file)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            return 0, 1
        if not notes and not positions:
            return 0, 0
        stored = {n for (n,) in conn.execute("SELECT note FROM bookmarks")}
        offsets = dict(conn.execute("SELECT id, para_offset FROM articles").fetchall())
    finally:
        conn.close()
    lost = len(notes - stored)
    # A later write may have committed without being confirmed: >= is right.
    lost += sum(1 for aid, i in positions.items() if offsets.get(aid, -1) < i)
    return lost, 0


def run_kill_cycles(state_file: Path, cycles: int, seed: int = 0) -> KillReport:
    """Start a writer loop, SIGKILL it at a random moment (sometimes while it is still
    opening the file), then check every write it confirmed. Repeat ``cycles`` times."""
    rng = random.Random(seed)
    report = KillReport()
    for cycle in range(cycles):
        positions: dict[str, int] = {}  # i restarts in each child: compare within a cycle
        proc = spawn("loop", str(state_file), f"c{cycle}", "0")
        assert proc.stdout is not None
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.3))  # during start-up and opening
        else:
            line = proc.stdout.readline()
            while line.startswith("notice"):
                report.damaged += 1
                line = proc.stdout.readline()
            if line.strip() != "ready":
                report.crashes += 1
            else:
                time.sleep(rng.uniform(0.01, 0.25))
        if proc.poll() is not None:
            report.crashes += 1  # it must still be writing when we kill it
        else:
            os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        if proc.returncode not in (-signal.SIGKILL, None):
            report.errors.append(err[-2000:])
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
        lost, damaged = _check_file(state_file, notes, positions)
        report.lost += lost
        report.damaged += damaged
        report.recovered += not lost and not damaged
    store = StateStore.open(state_file)
    report.damaged += len(store.notices) + (not store.saving)
    store.close()
    return report


@dataclass
class TwoWriters:
    """What two processes writing the same file at once found."""

    confirmed: dict[str, int]
    """Writes each process confirmed."""
    lost: int
    """Confirmed writes missing from the file afterwards (must be 0)."""
    unseen: int
    """Writes (of either process) that a process did not see once both were done (must be 0)."""
    damaged: int
    """Integrity failures, notices or 'not saving' from either process (must be 0)."""
    crashes: int
    """Processes that did not exit cleanly (must be 0)."""
    errors: list[str]


def run_two_writers(state_file: Path, count: int, timeout: float = 600) -> TwoWriters:
    """Two processes write ``count`` times each, at once; then each waits for the other and
    reports everything it sees, which must be everything both wrote."""
    tags = ("left", "right")
    procs = [spawn("loop", str(state_file), tag, str(count), ",".join(tags)) for tag in tags]
    outputs = [p.communicate(timeout=timeout) for p in procs]
    confirmed: dict[str, int] = {}
    views: list[dict[str, Any]] = []
    crashes = damaged = 0
    errors: list[str] = []
    for tag, proc, (out, err) in zip(tags, procs, outputs, strict=True):
        if proc.returncode != 0:
            crashes += 1
            errors.append(err[-2000:])
        lines = out.splitlines()
        damaged += sum(1 for line in lines if line.startswith(("notice", "notsaving")))
        confirmed[tag] = sum(1 for line in lines if line.startswith("ok "))
        seen = [line[5:] for line in lines if line.startswith("sees ")]
        views.append(json.loads(seen[0]) if seen else {"notes": [], "offsets": {}})
    expected = {f"{tag}-{i}" for tag in tags for i in range(0, count, 2)}
    expected |= {f"{tag}-done" for tag in tags}
    conn = sqlite3.connect(state_file)
    try:
        damaged += conn.execute("PRAGMA integrity_check").fetchone() != ("ok",)
        stored = {n for (n,) in conn.execute("SELECT note FROM bookmarks")}
        offsets = dict(conn.execute("SELECT id, para_offset FROM articles").fetchall())
    finally:
        conn.close()
    lost = len(expected - stored)
    unseen = 0
    for view in views:
        unseen += len(expected - set(view["notes"]))
        # The last write to each article wins; both must see the same final positions.
        unseen += sum(1 for aid, off in offsets.items() if view["offsets"].get(aid) != off)
    return TwoWriters(confirmed, lost, unseen, damaged, crashes, errors)
