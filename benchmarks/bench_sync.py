"""Sync: merging another device's changes into a fresh state file, against importing the
same records as a backup (``newsreader import``'s merge) in the same run; a sync with nothing
new, in a running process and as a whole ``newsreader sync`` process against ``newsreader
paths`` (a process that reads config and exits). The merges run in this process, so their CPU
time (``time.process_time``) is given too: on a shared machine it moves far less than the
wall time.

    python benchmarks/bench_sync.py [--changes 100000] [--repeat 5] [--steps]

``--steps`` also gives the CPU time of each step of the first row's merges (reading the
segments, the ledger's insert, the merge, the state file's writes), per merge.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import newsreader.app.sync as sync_run
from newsreader.app.sync import ledger_path, sync_once
from newsreader.paths import AppPaths
from newsreader.state import StateStore
from newsreader.state.backup import BackupData
from newsreader.sync import merge
from newsreader.sync.ledger import Ledger

STAMP = "2026-01-02T03:04:05.000000+00:00"


def records(articles: int, organised: bool = False) -> BackupData:
    """A read mark, a position and an open per article; with ``organised`` also a star and
    two user tags (six changes each)."""
    # None: "not in this backup", as a backup from before stars and tags reads
    extra: dict[str, object] = {"starred": True} if organised else {"starred": None}
    rows = [
        {
            "id": f"a{n}",
            "path": f"/elsewhere/{n}.txt",
            "content_hash": f"{n:016x}",
            "title": f"Article {n}",
            "read": True,
            "progress": n % 101,
            "paragraph": n % 9 + 1,
            "offset": 0,
            "first_opened": STAMP,
            "last_opened": STAMP,
            "updated": STAMP,
            "position_quote": "The council met",
            **extra,
            "tags": ["Économie", f"topic {n % 50}"] if organised else None,
        }
        for n in range(articles)
    ]
    return BackupData(rows, [])


STEPS = {
    "read and check the segments": (sync_run, "read_segment"),
    "keep the changes in the ledger": (Ledger, "take_in"),
    "what waits for the state file": (Ledger, "pending"),
    "count what the ledger holds": (Ledger, "changes_for"),
    "merge (articles)": (merge, "article"),
    "merge (tags)": (merge, "tag"),
    "write the state file": (StateStore, "write_synced"),
    "mark them written": (Ledger, "written"),
}
"""The steps of a merge, timed by wrapping the function that does each."""


def time_steps() -> dict[str, float]:
    """Wrap each step so that its CPU time adds up in the returned dict, by step."""
    spent = dict.fromkeys(STEPS, 0.0)
    for name, (owner, attr) in STEPS.items():
        fn = getattr(owner, attr)

        def timed_step(*args: object, _fn: Callable[..., object] = fn, _name: str = name) -> object:
            start = time.process_time()
            try:
                return _fn(*args)
            finally:
                spent[_name] += time.process_time() - start

        setattr(owner, attr, functools.wraps(fn)(timed_step))
    return spent


def device(root: Path, name: str) -> AppPaths:
    paths = AppPaths(root / name / "data", root / name / "cache", root / name / "config")
    paths.data_dir.mkdir(parents=True)
    return paths


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu_timed(fn: Callable[[], object], cpu: list[float]) -> float:
    """The wall time of ``fn``; its CPU time is appended to ``cpu``."""
    start = time.process_time()
    wall = timed(fn)
    cpu.append(time.process_time() - start)
    return wall


Measured = tuple[int, list[float], list[float], list[float], list[float], list[float]]


def measure(root: Path, articles: int, organised: bool, repeat: int) -> Measured:
    """(changes, merge times, import times, nothing-new sync times, merge CPU times, import
    CPU times)."""
    folder = root / "Sync"
    folder.mkdir(parents=True)
    data = records(articles, organised)

    # the other device: its changes written as a segment, as its sync leaves them
    other = device(root, "other")
    store = StateStore.open(other.state_file)
    store.merge_records(data)
    sync_once(other, folder, store)
    store.close()
    changes = int(Ledger(ledger_path(other)).status()["devices"][0]["changes"])

    merges, imports, noops = [], [], []
    merge_cpu: list[float] = []
    import_cpu: list[float] = []
    for r in range(repeat):
        here = device(root, f"here{r}")
        store = StateStore.open(here.state_file)
        merges.append(cpu_timed(partial(sync_once, here, folder, store), merge_cpu))
        noops.append(timed(partial(sync_once, here, folder, store)))
        store.close()
        plain = device(root, f"plain{r}")
        store = StateStore.open(plain.state_file)
        imports.append(cpu_timed(partial(store.merge_records, data), import_cpu))
        store.close()
    return changes, merges, imports, noops, merge_cpu, import_cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--steps", action="store_true", help="the CPU time of each step too")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    merged: dict[bool, Measured] = {}
    spent: dict[str, float] = {}
    for organised in (False, True):
        articles = args.changes // (6 if organised else 3)
        if args.steps and not organised:
            spent = time_steps()
        merged[organised] = measure(root / str(organised), articles, organised, args.repeat)
        if spent and not organised:
            steps, spent = dict(spent), {}
            for owner, attr in STEPS.values():  # unwrapped for the rows after
                setattr(owner, attr, getattr(owner, attr).__wrapped__)
    changes, merges, imports, noops, merge_cpu, import_cpu = merged[False]
    folder = root / "False" / "Sync"

    env = {**os.environ, "XDG_DATA_HOME": str(root / "cli" / "data")}
    env |= {"XDG_CONFIG_HOME": str(root / "cli" / "config"), "XDG_CACHE_HOME": str(root / "c")}
    exe = [sys.executable, "-m", "newsreader"]
    sync_cmd = [*exe, "sync", "--dir", str(folder)]
    run = partial(subprocess.run, env=env, check=True, capture_output=True)
    run(sync_cmd)
    cli_sync = [timed(partial(run, sync_cmd)) for _ in range(args.repeat)]
    cli_paths = [timed(partial(run, [*exe, "paths"])) for _ in range(args.repeat)]

    med = statistics.median
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, load {load:.2f}; medians of {args.repeat}")
    print()
    print("| what | ours | baseline | ratio | baseline is | ours, CPU | baseline, CPU |")
    print("|---|--:|--:|--:|---|--:|--:|")
    m, i = med(merges), med(imports)
    cpu = f"{med(merge_cpu):.2f} | {med(import_cpu):.2f}"
    print(
        f"| merge {changes:,} changes into a new state file, s | {m:.2f} | {i:.2f} | "
        f"{m / i:.1f}x | importing the same records as a backup | {cpu} |"
    )
    changes, merges, imports, _, merge_cpu, import_cpu = merged[True]
    m, i = med(merges), med(imports)
    cpu = f"{med(merge_cpu):.2f} | {med(import_cpu):.2f}"
    print(
        f"| merge {changes:,} changes (stars, two tags each) into a new state file, s | "
        f"{m:.2f} | {i:.2f} | {m / i:.1f}x | importing the same records as a backup | {cpu} |"
    )
    noop = med(noops) * 1000
    print(f"| sync with nothing new, in a running process, ms | {noop:.1f} | | | | | |")
    c, p = med(cli_sync), med(cli_paths)
    print(
        f"| `newsreader sync`, nothing new, whole process, ms | {c * 1000:.0f} | {p * 1000:.0f} "
        f"| {c / p:.2f}x | `newsreader paths` | | |"
    )
    if args.steps:
        # Per merge; the other device's export and the syncs with nothing new count too (ms).
        print()
        print(f"| step of the first row's merge | CPU s, mean of {args.repeat} |")
        print("|---|--:|")
        for name, total in steps.items():
            print(f"| {name} | {total / args.repeat:.3f} |")


if __name__ == "__main__":
    main()
