"""The TUI, driven from outside in fresh processes (``tui_probe.py``): start-up to the first
painted article list against a bare Textual app started the same way, key to repainted search
results, page-down to repainted list, and the peak memory of a session."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROBE = Path(__file__).resolve().parent / "tui_probe.py"


def _probe(args: list[str], timeout: float = 600) -> tuple[float, dict[str, Any]]:
    """(monotonic time just before the process started, the probe's JSON answer)."""
    env = {**os.environ, "PYTHONPATH": str(PROBE.parent.parent)}
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(PROBE), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"tui_probe {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return t0, json.loads(proc.stdout.strip().splitlines()[-1])


def _compile_package() -> None:
    """Write newsreader's bytecode, as ``pip install`` does: Textual's is there, and compiling
    our modules on every start (PYTHONDONTWRITEBYTECODE, a read-only checkout) would add
    ~60 ms that an installed newsreader never pays."""
    import compileall

    compileall.compile_dir(str(PROBE.parent.parent / "newsreader"), quiet=1)


def start_to_paint(library: Path, runs: int) -> dict[str, float]:
    """Median ms from process start to the first paint: newsreader's list and a bare app."""
    _compile_package()
    ours, bare, rss = [], [], 0.0
    for _ in range(runs):  # alternated, so both see the same machine load
        t0, answer = _probe(["bare"])
        bare.append((answer["paint"] - t0) * 1000)
        t0, answer = _probe(["start", str(library)])
        if answer["paint"] is None:
            raise RuntimeError("the article list was never painted with articles")
        ours.append((answer["paint"] - t0) * 1000)
        rss = max(rss, answer["rss_mb"])
    return {
        "ours_ms": statistics.median(ours),
        "bare_ms": statistics.median(bare),
        "start_rss_mb": rss,
    }


def typing(library: Path, quick: bool = False, keys: int = 20) -> dict[str, Any]:
    """Key-to-paint samples (ms) for search-as-you-type and list paging, and the peak RSS."""
    args = ["type", str(library), "--keys", str(3 if quick else keys)]
    if quick:
        args.append("--quick")
    return _probe(args)[1]
