"""The benchmark script keeps working (tiny corpus; the real run is by hand, see README)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def run_benchmark(script: str, *args: str) -> str:
    """Run ``benchmarks/<script>`` as a whole process; its table on stdout."""
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_benchmark_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    out = run_benchmark(
        "bench_search.py", "--sizes", "30", "--queries", "3", "--procs", "1",
        "--workdir", str(tmp_path / "bench"),
    )  # fmt: skip
    lines = out.splitlines()
    ours = next(line for line in lines if line.startswith("| 30 | newsreader"))
    fts = next(line for line in lines if line.startswith("| 30 | SQLite FTS5"))
    assert len(ours.split("|")) == len(fts.split("|")) == 10
    assert "build ratio" in out
    # The index it left is searched again without a build, as at 1M.
    again = run_benchmark(
        "bench_search_built.py", "--size", "30", "--queries", "3",
        "--workdir", str(tmp_path / "bench"),
    )  # fmt: skip
    steps = [line.split("|")[1].strip() for line in again.splitlines()[2:]]
    assert steps[0] == "scan, 30 articles" and steps[1] == "index freshness check"
    assert len(steps) == 14 and all(" ms |" in line for line in again.splitlines()[4:])
    # beside each kind of query, FTS5's database from the build, in the same round
    assert next(s for s in steps if s.startswith("FTS5")) == "FTS5: single, first round"


def test_spelling_benchmark_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    out = run_benchmark(
        "bench_spelling.py", "--sizes", "60", "--words", "20", "--workdir", str(tmp_path / "bench")
    )
    row = next(line for line in out.splitlines() if line.startswith("| 60 |"))
    assert len(row.split("|")) == 10


def test_whole_process_build_benchmark_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    out = run_benchmark(
        "bench_build.py", "--sizes", "20", "--runs", "1", "--workdir", str(tmp_path / "bench")
    )
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    names = [row.split("|")[1].strip() for row in rows]
    assert names == [
        "process",
        "newsreader index, new library",
        "newsreader index --rebuild",
        "FTS5 build process",
    ]
    assert rows[-1].split("|")[3].strip() == "1.00x"
