"""Write latency of the store on a real file (fsync on every commit). Slow: run with
``--run-slow -s`` to see the numbers."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from state_child import article

from newsreader.state import StateStore


def _timed(fn: Callable[[int], object], n: int) -> tuple[float, float]:
    times = []
    for i in range(n):
        started = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


@pytest.mark.slow
def test_write_latency(state_file: Path, snapshot_dir: Path) -> None:
    store = StateStore.open(state_file, snapshot_dir)
    try:
        arts = [article(n) for n in range(2000)]
        store.set_read([a.summary for a in arts], True)
        for a in arts[:300]:
            store.add_bookmark(a, 1, note="x")
        pos = _timed(lambda i: store.save_position(arts[i].summary, 2, i, 50), 300)
        add = _timed(lambda i: store.add_bookmark(arts[i], 3, 0, 30, note="n"), 300)
        states = _timed(lambda i: store.reading_states(a.summary for a in arts), 20)
        changed = _timed(lambda i: store.has_changed(), 300)
        bms = store.bookmarks(arts[0].id)
        anchor = _timed(lambda i: store.anchor(bms[0], arts[0]), 100)
    finally:
        store.close()
    print(f"\nsave_position   median {pos[0]:.2f} ms  p95 {pos[1]:.2f} ms")
    print(f"add_bookmark    median {add[0]:.2f} ms  p95 {add[1]:.2f} ms")
    print(f"reading_states(2000) median {states[0]:.2f} ms  p95 {states[1]:.2f} ms")
    print(f"has_changed     median {changed[0]:.3f} ms  p95 {changed[1]:.3f} ms")
    print(f"anchor (exact)  median {anchor[0]:.2f} ms  p95 {anchor[1]:.2f} ms")
    assert pos[1] < 100 and add[1] < 100 and states[1] < 200
