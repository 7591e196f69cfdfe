"""The whole benchmark keeps running (tiny corpus, few repetitions).

Real runs and their numbers: benchmarks/README.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SECTIONS = (
    "full build s, 2 processes",
    "search ms, single",
    "search ms, two words",
    "search ms, phrase",
    "single vs `",
    "unchanged library check ms",
    "one changed file searchable",
    "TUI start to first painted list",
    "key to repainted results",
    "page-down to repainted list",
    "TUI peak RSS MB",
    "state save_position",
    "state add_bookmark",
)


def test_every_benchmark_runs_on_a_tiny_library(tmp_path: Path) -> None:
    proc = _run_benchmarks(tmp_path)
    out = proc.stdout
    assert "2 cores" in out or "cores," in out
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    for section in SECTIONS:
        row = next((r for r in rows if r.startswith(f"| {section}")), None)
        assert row is not None, f"missing row {section!r}:\n{out}"
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 6 and cells[1] and "nan" not in cells[1], row
    build = next(r for r in rows if r.startswith("| full build s, 2 processes"))
    assert build.split("|")[4].strip().endswith("x")  # a ratio against FTS5 measured now
    # The benchmark wrote only into its work folder.
    assert (tmp_path / "bench" / "xdg" / "cache").is_dir()


CLI_ROWS = (
    "`search W --json`, served, vs `rg",
    "  same, in its own process, vs rg",
    "  same, the first since a file changed",
    "misspelled word",
    "`index`, nothing changed",
    "`index`, one file changed",
)


def test_the_whole_process_benchmark_runs_on_a_tiny_library(tmp_path: Path) -> None:
    proc = _run_benchmarks(tmp_path, "--cli")
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    for name in CLI_ROWS:
        row = next((r for r in rows if r.startswith(f"| {name}")), None)
        assert row is not None, f"missing row {name!r}:\n{proc.stdout}"
        assert row.split("|")[4].strip().endswith("x"), row  # a ratio measured in this run
    assert (tmp_path / "bench" / "xdg" / "cache").is_dir()


def _run_benchmarks(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``benchmarks/run.py`` on a 40-article library in ``tmp_path``, quickly; it must succeed."""
    script = str(REPO / "benchmarks" / "run.py")
    small = ("--sizes", "40", "--quick", "--workdir", str(tmp_path / "bench"))
    proc = subprocess.run(
        [sys.executable, script, *options, *small],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_the_lists_benchmark_runs_on_a_tiny_library(tmp_path: Path) -> None:
    script = str(REPO / "benchmarks" / "bench_lists.py")
    proc = subprocess.run(
        [sys.executable, script, "--articles", "40", "--rounds", "1", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")]
    for name in ("switching lists to repainted list", "new article to its saved search"):
        row = next((r for r in rows if r.startswith(f"| {name}")), None)
        assert row is not None, f"missing row {name!r}:\n{proc.stdout}"
        assert row.split("|")[4].strip().endswith("x"), row  # a ratio measured in this run
