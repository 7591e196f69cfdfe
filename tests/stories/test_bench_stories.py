"""The near-duplicate benchmark keeps running (a tiny corpus and table); numbers in
benchmarks/README.md."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_the_stories_benchmark_runs_and_finds_the_versions() -> None:
    args = [
        "--bases",
        "10",
        "--others",
        "60",
        "--table",
        "300",
        "--samples",
        "5",
        "--library",
        "20",
    ]
    run = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_stories.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    rows = dict(line.split(None, 1) for line in run.stdout.splitlines() if line.startswith("  "))
    assert float(rows["precision"]) >= 0.95
    assert float(rows["recall"]) >= 0.9
    assert float(rows["per_article_ms"]) > 0
    assert float(rows["first_per_article_ms"]) > 0
