"""Every newsreader benchmark in one run, next to its baseline, as a Markdown table.

    python benchmarks/run.py [--sizes 1000,10000] [--quick] [--workdir DIR] [--cli]

For each size: a generated library (``corpus.py``); full index build against SQLite FTS5
(``porter unicode61``) on the same parsed texts; search median/p95 for one word, two words and
a phrase (newsreader's include the snippet, best paragraph and every match position; FTS5's
include ``snippet()``); the same queries as a full scan with ``rg -i`` (``grep -ri`` without
ripgrep); the stat-only check of an unchanged library in a fresh process; one changed file
until it is found; the TUI from process start to the first painted article list against a bare
Textual app; key to repainted search results and page-down to repainted list (timestamps
around the paint, not Pilot's wall time); the TUI's peak RSS. Once per run: the state store's
write latency. Machines here are noisy: the ratio to a baseline measured in the same run is
the figure that counts. ``--quick`` does fewer repetitions (what the test suite runs).
``--cli`` times only the command line as whole processes (``bench_cli.py``): ``newsreader
search`` against ``rg`` and an FTS5 query process, ``newsreader index`` against an FTS5
freshness check, unchanged and with one file changed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from newsreader.search.generations import read_current  # noqa: E402
from newsreader.tui.widgets.search_pane import FIRST_HITS as TUI_LIMIT  # noqa: E402

# TUI_LIMIT: hits the TUI asks for as you type (more load as the user scrolls).


@dataclass
class Row:
    """One line of the results table."""

    measure: str
    ours: str
    base: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _pair(med: float, p95: float) -> str:
    return f"{_ms(med)} / {_ms(p95)}"


def _check(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _corpus(n: int, workdir: Path) -> Path:
    """The generated library of ``n`` articles in the work folder, written if missing."""
    from corpus import write_corpus

    folder = workdir / f"corpus-{n}"
    if len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, n)
    return folder


def tui_only(n: int, workdir: Path, quick: bool) -> list[Row]:
    """The TUI rows alone, on the work folder's library and index: the index is brought up
    to date (built once if missing, as the app would), never rebuilt."""
    import bench_tui

    from newsreader.context import build_context
    from newsreader.search import SearchIndex

    folder = _corpus(n, workdir)
    ctx = build_context([folder])
    index = SearchIndex(ctx.index_dir)
    t = time.perf_counter()
    index.update(ctx.library.scan(), ctx.library, procs=2)
    index.close()
    rows = [
        Row(
            "index brought up to date s (not measured against anything)",
            f"{time.perf_counter() - t:.1f}",
        )
    ]
    return rows + _tui_rows(bench_tui, folder, n, quick)


def bench_size(n: int, workdir: Path, quick: bool) -> list[Row]:
    """Every measurement for a library of ``n`` generated articles."""
    import bench_library
    import bench_search as bs
    import bench_tui

    from newsreader.context import build_context
    from newsreader.search import SearchIndex

    folder = _corpus(n, workdir)
    ctx = build_context([folder])
    library = ctx.library
    t = time.perf_counter()
    scan = library.scan()
    first_scan = time.perf_counter() - t
    rows = [Row("first listing (parse every file, once)", f"{first_scan:.1f} s")]
    count = 5 if quick else (100 if n > 50_000 else 200)
    queries = bs.make_queries(library, scan, count)

    index = SearchIndex(ctx.index_dir)
    _cold_analysis()
    t = time.perf_counter()
    index.update(scan, library, rebuild=True, procs=2)
    build2 = time.perf_counter() - t
    db = workdir / f"fts5-{n}.sqlite3"
    db.unlink(missing_ok=True)
    t = time.perf_counter()
    conn = bs.build_fts5(db, library, scan)
    fts_build = time.perf_counter() - t
    rows.append(
        Row(
            "full build s, 2 processes (`newsreader index`)",
            f"{build2:.1f}",
            f"{fts_build:.1f}",
            f"{build2 / fts_build:.1f}x",
            "<= 10x FTS5",
            _check(build2 <= 10 * fts_build),
        )
    )
    if not quick and n <= 20_000:
        one = SearchIndex(workdir / f"index-1proc-{n}")
        _cold_analysis()
        t = time.perf_counter()
        one.update(scan, library, rebuild=True, procs=1)
        build1 = time.perf_counter() - t
        one.close()
        shutil.rmtree(workdir / f"index-1proc-{n}", ignore_errors=True)
        rows.append(
            Row(
                "full build s, 1 process (in the app, under 500 articles)",
                f"{build1:.1f}",
                f"{fts_build:.1f}",
                f"{build1 / fts_build:.1f}x",
                "<= 10x FTS5",
                _check(build1 <= 10 * fts_build),
            )
        )
    # The live generation: a rebuild keeps the previous one for readers still using it.
    live = read_current(ctx.index_dir)
    rows.append(
        Row(
            "index size MB (live generation)",
            f"{bs.size_mb(live[1] if live else ctx.index_dir):.0f}",
            f"{bs.size_mb(db):.0f}",
        )
    )

    def fts(q: str) -> object:
        return conn.execute(
            "SELECT rowid, title, snippet(docs, 1, '[', ']', '…', 24) FROM docs "
            "WHERE docs MATCH ? ORDER BY rank LIMIT ?",
            (bs.fts5_query(q), bs.LIMIT),
        ).fetchall()

    ours_ms: dict[str, list[float]] = {}

    def ours(q: str) -> object:
        t0 = time.perf_counter()
        result = index.search(q, limit=bs.LIMIT)
        ours_ms.setdefault(q, []).append((time.perf_counter() - t0) * 1000)
        return result

    for q in queries["single"][:10]:  # lazy imports, page cache
        index.search(q, limit=bs.LIMIT)
        fts(q)
    for kind, qs in queries.items():
        ours_t = bs.timed(ours, qs)  # type: ignore[arg-type]
        fts_t = bs.timed(fts, qs)  # type: ignore[arg-type]
        rows.append(
            Row(
                f"search ms, {kind} (median / p95)",
                _pair(*ours_t),
                _pair(*fts_t),
                f"{ours_t[1] / fts_t[1]:.1f}x",
                "p95 <= 3x FTS5",
                _check(ours_t[1] <= 3 * fts_t[1]),
            )
        )
    wide = bs.timed(
        lambda q: index.search(q, limit=TUI_LIMIT),  # type: ignore[arg-type]
        queries["single"] + queries["two words"] + queries["phrase"],
    )
    rows.append(Row(f"search ms, all kinds, {TUI_LIMIT} hits as the TUI asks", _pair(*wide)))
    if n > 50_000:
        worst = max(bs.timed(ours, qs)[1] for qs in queries.values())  # type: ignore[arg-type]
        rows.append(
            Row(
                "search p95 ms, worst kind (100k target)",
                _ms(worst),
                "",
                "",
                "<= 100 ms",
                _check(worst <= 100),
            )
        )

    scans = 2 if quick else (5 if n > 50_000 else 10)
    for kind in ("single", "phrase"):
        picked = queries[kind][:scans]
        rg = [bs.full_scan_ms(q, folder) for q in picked]
        ours_k = [statistics.median(ours_ms[q]) for q in picked]
        rg_med = statistics.median(rg)
        our_med = statistics.median(ours_k)
        tool = "rg -i" if shutil.which("rg") else "grep -ri"
        rows.append(
            Row(
                f"{kind} vs `{tool}` over the folder, ms (median)",
                _ms(our_med),
                _ms(rg_med),
                f"{rg_med / our_med:.0f}x faster",
                ">= 10x faster",
                _check(rg_med >= 10 * our_med),
            )
        )

    fresh, detail = bench_library.fresh_scan_ms(library, 2 if quick else 5)
    rows.append(
        Row(
            "unchanged library check ms (fresh process)",
            _ms(fresh),
            "",
            "",
            "<= 200 ms",
            _check(fresh <= 200),
        )
    )
    rows.append(
        Row(
            "  same, in a running process / package import ms",
            f"{_ms(bench_library.in_process_scan_ms(library, 3))} / {_ms(detail['import_ms'])}",
        )
    )
    change = bs.one_change(index, library, library.scan())
    rows.append(
        Row(
            "one changed file searchable s (scan + update + search)",
            f"{change:.2f}",
            "",
            "",
            "<= 1 s",
            _check(change <= 1.0),
        )
    )
    conn.close()
    index.close()
    rows += _tui_rows(bench_tui, folder, n, quick)
    return rows


def _cold_analysis() -> None:
    """Forget the analysis caches (word -> stem), so each build starts as a new process would."""
    from newsreader.search import analysis

    for cache in (analysis._cache, analysis._stem_cache, analysis._terms_cache):
        cache.clear()


def _tui_rows(bench_tui: object, folder: Path, n: int, quick: bool) -> list[Row]:
    import bench_search as bs

    start = bench_tui.start_to_paint(folder, 1 if quick else 5)  # type: ignore[attr-defined]
    ratio = start["ours_ms"] / start["bare_ms"]
    rows = [
        Row(
            "TUI start to first painted list ms (vs bare Textual app)",
            _ms(start["ours_ms"]),
            _ms(start["bare_ms"]),
            f"{ratio:.2f}x",
            "<= 1.5x bare",
            _check(ratio <= 1.5),
        )
    ]
    typed = bench_tui.typing(folder, quick=quick)  # type: ignore[attr-defined]
    rss = max(typed["rss_mb"], start["start_rss_mb"])

    def p(key: str) -> tuple[float, float]:
        return bs.percentiles(typed[key]) if typed[key] else (float("nan"), float("nan"))

    k_med, k_p95 = p("key_to_paint_ms")
    rows.append(
        Row(
            f"key to repainted results ms ({typed['keys_measured']} keys)",
            _pair(k_med, k_p95),
            "",
            "",
            "p95 <= 50 ms",
            _check(k_p95 <= 50),
        )
    )
    rows.append(
        Row(
            "  of which: search (worker) / results list filled / fill to paint",
            " · ".join(_pair(*p(k)) for k in ("search_ms", "fill_ms", "fill_to_paint_ms")),
        )
    )
    s_med, s_p95 = p("scroll_ms")
    rows.append(
        Row(
            "page-down to repainted list ms",
            _pair(s_med, s_p95),
            "",
            "",
            "p95 <= 50 ms (smooth)",
            _check(s_p95 <= 50),
        )
    )
    rows.append(
        Row(
            "TUI peak RSS MB (start, typing, searching, an article open)",
            f"{rss:.0f}",
            "",
            "",
            "<= 150 MB",
            _check(rss <= 150),
        )
    )
    rows.append(Row("  of which at the first painted list", f"{start['start_rss_mb']:.0f}"))
    return rows


def state_rows(workdir: Path) -> list[Row]:
    """The state store's latencies (size-independent)."""
    import bench_state

    folder = workdir / "state"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return [
        Row(f"state {name} ms (median / p95)", _pair(med, p95))
        for name, (med, p95) in bench_state.measure(folder).items()
    ]


def table(rows: list[Row]) -> str:
    """Rows as a Markdown table."""
    head = "| measure | newsreader | baseline | ratio | target | met |\n|---|---|---|---|---|---|"
    body = [
        f"| {r.measure} | {r.ours} | {r.base} | {r.ratio} | {r.target} | {r.met} |" for r in rows
    ]
    return "\n".join([head, *body])


def machine() -> str:
    """What the numbers were measured on."""
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}, load average {load}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated article counts")
    parser.add_argument("--quick", action="store_true", help="few repetitions (smoke test)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keep corpora and indexes here (default: a temporary folder)",
    )
    parser.add_argument(
        "--cli",
        action="store_true",
        help="whole-process mode: only the command line against rg and FTS5 (bench_cli.py)",
    )
    parser.add_argument(
        "--only",
        choices=("tui",),
        default=None,
        help="tui: only the TUI rows, reusing the work folder's library and index",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsreader-bench-"))
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # Every per-user file (catalog, index, state) in the work folder; the TUI probes inherit it.
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ):
        os.environ[var] = str(workdir / "xdg" / sub)
    os.environ.pop("NEWSREADER_LIBRARY", None)
    started = time.perf_counter()
    print(f"# newsreader benchmarks\n\nMachine: {machine()} (at start)\n", flush=True)
    if args.cli:
        return _cli_mode(sizes, workdir, args)
    try:
        for n in sizes:
            t = time.perf_counter()
            measure = tui_only if args.only == "tui" else bench_size
            rows = measure(n, workdir, args.quick)
            print(f"## {n:,} articles ({time.perf_counter() - t:.0f} s)\n", flush=True)
            print(table(rows) + "\n", flush=True)
        if args.only is None:
            print("## State store (2,000 articles, fsync on every commit)\n")
            print(table(state_rows(workdir)) + "\n")
        print(f"Machine: {machine()} (at the end); whole run {time.perf_counter() - started:.0f} s")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _cli_mode(sizes: list[int], workdir: Path, args: argparse.Namespace) -> int:
    """Whole processes only: ``newsreader search`` and ``index`` beside rg and FTS5."""
    import bench_cli

    try:
        for n in sizes:
            folder = bench_cli.ensure_corpus(workdir, n)
            runs = 3 if args.quick else 20
            rows = bench_cli.bench(folder, workdir, runs)
            print(bench_cli.table(n, rows, runs) + "\n", flush=True)
        print(f"Machine: {machine()} (at the end)")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
