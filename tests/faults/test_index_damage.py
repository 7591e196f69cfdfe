"""Garbled, truncated or deleted index files, a broken CURRENT pointer and stale locks, while
the app has the index open or before it starts: no crash, and after at most one update every
query answers exactly as a clean index does."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.corpus import write_corpus
from newsreader.library import Library
from newsreader.search import SearchIndex
from tests.faults.conftest import FaultRow
from tests.faults.index_damage_child import MUTATIONS, plan

CHILD = Path(__file__).with_name("index_damage_child.py")


def _library(work: Path) -> None:
    write_corpus(work / "lib", 30, seed=5)
    (work / "lib" / "known.txt").write_text(
        "Known story\n\nMon May 06 2024\n\nBERN: The quokkabridge was opened.\n", "utf-8"
    )
    library = Library((work / "lib",), work / "catalog.sqlite3")
    scan = library.scan()
    for name in ("ref", "index"):
        index = SearchIndex(work / name)
        index.update(scan, library)
        index.close()


def _run(work: Path, first: int, last: int, seed: int) -> tuple[list[dict[str, Any]], int, str]:
    """Results of mutations first..last-1 that the child finished; its return code; stderr."""
    proc = subprocess.run(
        [sys.executable, str(CHILD), str(work), str(first), str(last), str(seed)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return results, proc.returncode, proc.stderr[-1500:]


def test_damaged_index_files_and_stale_locks(
    tmp_path: Path, fault_row: FaultRow, full_run: bool
) -> None:
    count = 50 if full_run else len(MUTATIONS)
    _library(tmp_path)
    problems: list[str] = []
    at_once = opened = 0
    next_i = 0
    while next_i < count:
        results, code, err = _run(tmp_path, next_i, count, seed=11)
        for r in results:
            fault_row.cycles += 1
            if "error" in r:
                fault_row.crashes += 1
                problems.append(f"{r['i']} {r['kind']}: {r['error']}")
            elif not r["ok"]:
                fault_row.corrupt += 1
                problems.append(f"{r['i']} {r['kind']} ({r.get('what')}): wrong {r['wrong']}")
            else:
                fault_row.recovered += 1
            if r["open"]:
                opened += 1
                at_once += bool(r.get("at_once"))
        next_i += len(results)
        if code != 0:  # the process died during mutation next_i: a crash
            kind, open_now = plan(next_i)
            fault_row.cycles += 1
            fault_row.crashes += 1
            why = signal.Signals(-code).name if code < 0 else f"exit {code}"
            problems.append(f"{next_i} {kind} (index open: {open_now}): process died, {why}: {err}")
            next_i += 1
    fault_row.note = (
        f"{len(MUTATIONS)} kinds, half while the index is open; answered at "
        f"once while open: {at_once}/{opened}"
    )
    assert not problems, problems
    assert fault_row.recovered == count
