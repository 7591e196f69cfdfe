"""Search an index ``bench_search.py`` already built, in a fresh process: for sizes whose build
takes most of an hour (1M articles), so the searches can be measured again without it.

    python benchmarks/bench_search_built.py --workdir DIR [--size 1000000] [--queries 100]

Reads ``DIR/corpus-N``, its catalog ``DIR/catalog-N.sqlite3`` and the index ``DIR/index-N``
as ``bench_search.py`` left them. Prints the unchanged scan and freshness check (seconds),
then two rounds of the same queries at limit 10 (the first with this process's caches
empty; the system's page cache may hold the index from the build), median / p95 ms,
and the process's RSS after each step. When ``bench_search.py`` left its FTS5 database
(``DIR/fts5-N.sqlite3``), each kind's queries are then run on it too, in the same round and
the same conditions (the page cache as it is), so the ratio is a same-run one.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_search as bs  # noqa: E402

from newsreader.library import Library  # noqa: E402
from newsreader.search import SearchIndex  # noqa: E402


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process, MB."""
    found: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0]) / 1024
    return found.get("VmRSS", 0.0), found.get("VmHWM", 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100, help="queries per kind")
    args = parser.parse_args(argv)
    n, work = args.size, args.workdir
    index_dir = work / f"index-{n}"
    if not index_dir.is_dir():
        print(f"no index at {index_dir}: run bench_search.py --sizes {n} first", file=sys.stderr)
        return 2
    rows = ["| step | result | RSS / peak MB |", "|---|---|---|"]

    def row(step: str, result: str) -> None:
        now, peak = rss_mb()
        rows.append(f"| {step} | {result} | {now:.0f} / {peak:.0f} |")

    t = time.perf_counter()
    library = Library((work / f"corpus-{n}",), work / f"catalog-{n}.sqlite3")
    scan = library.scan()
    row(f"scan, {len(scan.articles):,} articles", f"{time.perf_counter() - t:.1f} s")
    queries = bs.make_queries(library, scan, args.queries)
    index = SearchIndex(index_dir)
    t = time.perf_counter()
    report = index.update(scan, library)
    changed = report.added + report.updated + report.removed
    # A library changed since the build makes this row an incremental update: say so.
    row(
        "index freshness check" + (f" ({changed} articles changed)" if changed else ""),
        f"{time.perf_counter() - t:.2f} s",
    )
    fts_db = work / f"fts5-{n}.sqlite3"
    fts = sqlite3.connect(fts_db) if fts_db.exists() else None
    for round_name in ("first", "second"):
        for kind, qs in queries.items():
            med, p95 = bs.timed(lambda q: index.search(q, limit=bs.LIMIT), qs)
            row(f"{kind}, {round_name} round, median / p95", f"{med:.1f} / {p95:.1f} ms")
            if fts is not None:
                med, p95 = bs.timed(partial(bs.fts5_search, fts), qs)
                row(f"FTS5: {kind}, {round_name} round", f"{med:.1f} / {p95:.1f} ms")
    index.close()
    if fts is not None:
        fts.close()
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
