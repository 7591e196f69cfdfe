"""Write latency of the reading-state store on a real file (WAL, fsync on every commit).

Moved here from the test suite (a timed assert does not belong in tests). ``run.py`` calls
``measure``; ``python benchmarks/bench_state.py`` prints the numbers alone.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.state import StateStore
from tests.state.state_child import article  # the same synthetic articles as the tests


def _timed(fn: Callable[[int], object], n: int) -> tuple[float, float]:
    """Median and p95 milliseconds of ``n`` calls."""
    times = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(n - 1, int(n * 0.95))]


def measure(folder: Path, count: int = 300) -> dict[str, tuple[float, float]]:
    """(median, p95) ms of each store operation, on a fresh state file in ``folder``."""
    store = StateStore.open(folder / "state.sqlite3", folder / "snapshots")
    try:
        arts = [article(n) for n in range(max(2000, count))]
        store.set_read([a.summary for a in arts], True)
        for a in arts[:count]:
            store.add_bookmark(a, 1, note="x")
        out = {
            "save_position": _timed(
                lambda i: store.save_position(arts[i].summary, 2, i, 50), count
            ),
            "add_bookmark": _timed(
                lambda i: store.add_bookmark(arts[i], 3, 0, 30, note="n"), count
            ),
            "reading_states (2,000)": _timed(
                lambda i: store.reading_states(a.summary for a in arts), max(3, count // 15)
            ),
            "has_changed": _timed(lambda i: store.has_changed(), count),
        }
        bookmark = store.bookmarks(arts[0].id)[0]
        out["anchor (exact)"] = _timed(
            lambda i: store.anchor(bookmark, arts[0]), max(3, count // 3)
        )
    finally:
        store.close()
    return out


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="newsreader-state-bench-") as tmp:
        for name, (med, p95) in measure(Path(tmp)).items():
            print(f"{name:24} median {med:7.2f} ms   p95 {p95:7.2f} ms")
