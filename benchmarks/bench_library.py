"""How long an unchanged library takes to list at start-up (a stat of every file, no reads).

``fresh_scan_ms`` runs the scan in a new process, as a start-up does (the catalog's snapshot
of the last scan is the only memory); ``in_process_scan_ms`` uses a new ``Library`` object in
this process. The first run after the library changed (or after an upgrade) also stores a new
snapshot: it is one of the five, so the median does not show it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from newsreader.library import Library

_CHILD = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from newsreader.library import Library
t1 = time.perf_counter()
lib = Library(tuple(Path(r) for r in json.loads(sys.argv[1])), Path(sys.argv[2]))
scan = lib.scan()
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1000, "scan_ms": (t2 - t1) * 1000,
                  "articles": len(scan.articles), "parsed": scan.parsed}))
"""


def fresh_scan_ms(library: Library, runs: int = 5) -> tuple[float, dict[str, float]]:
    """Median ms of ``Library.scan()`` in a fresh process (import of the library package not
    included; it is reported beside), and the last child's details."""
    assert library.catalog_file is not None
    roots = json.dumps([str(r) for r in library.roots])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    samples = []
    detail: dict[str, float] = {}
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, roots, str(library.catalog_file)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        detail = json.loads(out.stdout)
        if detail["parsed"]:
            raise RuntimeError(f"the library was not unchanged: {detail}")
        samples.append(detail["scan_ms"])
    return statistics.median(samples), detail


def in_process_scan_ms(library: Library, runs: int = 5) -> float:
    """Median ms of a stat-only scan by a new ``Library`` object (no in-memory memo)."""
    samples = []
    for _ in range(runs):
        fresh = Library(library.roots, library.catalog_file)
        t = time.perf_counter()
        fresh.scan()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)
