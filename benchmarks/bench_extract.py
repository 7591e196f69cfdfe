"""What bounding page extraction costs and saves (run by hand; prints Markdown tables):

    python benchmarks/bench_extract.py [--sizes 1.1,2.2,4.4] [--pages 30]

1. Pages whose shape makes trafilatura slow (nested tags, no prose), 1.1 to 4.4 MB: trafilatura
   in this process, as ``extract_page`` runs it (the baseline: what ``add`` and ``fetch`` did),
   against ``PageReader`` with the default limits (child process, 10 s, 1 MiB).
2. The common path: ordinary article pages, in process against one reused child; the child's
   start (interpreter and imports) apart.
3. A fresh process reading one ordinary page, as ``newsreader add page.html`` does: in process
   (import and extract) against starting a child and reading in it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsreader.feeds.download import FetchOptions
from newsreader.feeds.extract import NotAnArticle, extract_page
from newsreader.feeds.pagereader import PageReader, reader_for
from tests.feeds.conftest import article_html, story


def slow_page(size: int) -> bytes:
    unit = "<div><span>word</span></div>"
    return f"<html><body>{unit * (size // len(unit))}</body></html>".encode()


def ordinary_page(n: int) -> bytes:
    """A news page of ~70 KB: navigation, related links, 32 paragraphs, an inline script."""
    paragraphs = [f"{p} Part {k}." for k in range(8) for p in story(n)]
    script = "<script>var config = {" + ",".join(f'"k{i}": {i}' for i in range(3000)) + "};"
    return (
        article_html(f"Story {n}", paragraphs)
        .replace("<head>", "<head>" + script + "</script>")
        .encode()
    )


def timed(call: object) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        call()  # type: ignore[operator]
        outcome = "article"
    except NotAnArticle as exc:
        outcome = str(exc)
    return time.perf_counter() - started, outcome


def pathological(sizes: list[float]) -> None:
    print("| page | in process s | child, 10 s / 1 MiB s | ratio | child's answer |")
    print("|---|--:|--:|--:|---|")
    opts = FetchOptions()
    for mb in sizes:
        page = slow_page(int(mb * 1_000_000))
        before, _ = timed(lambda page=page: extract_page(page))
        with reader_for(opts) as reader:
            reader.read(ordinary_page(0))  # child started, not timed
            after, outcome = timed(lambda page=page, reader=reader: reader.read(page))
        print(
            f"| {len(page) / 1e6:.1f} MB nested tags | {before:.1f} | {after:.1f} "
            f"| {before / after:.1f}x | {outcome} |"
        )


def common(n: int) -> None:
    pages = [ordinary_page(i) for i in range(n)]
    extract_page(pages[0])  # trafilatura's caches, as a running process has them
    inproc = []
    for page in pages:
        started = time.perf_counter()
        extract_page(page)
        inproc.append((time.perf_counter() - started) * 1000)
    child = []
    with PageReader(10.0, 1 << 20) as reader:
        started = time.perf_counter()
        reader.read(pages[0])
        first = (time.perf_counter() - started) * 1000
        for page in pages:
            started = time.perf_counter()
            reader.read(page)
            child.append((time.perf_counter() - started) * 1000)
    med_in, med_child = statistics.median(inproc), statistics.median(child)
    print(f"\n| {n} ordinary pages (~{len(pages[0]) // 1024} KB) | median ms | max ms |")
    print("|---|--:|--:|")
    print(f"| in process (baseline) | {med_in:.1f} | {max(inproc):.1f} |")
    print(f"| reused child | {med_child:.1f} ({med_child / med_in:.2f}x) | {max(child):.1f} |")
    print(f"| child start + first page | {first:.0f} | |")


def fresh_process(runs: int = 9) -> None:
    page = Path(os.environ.get("TMPDIR", "/tmp")) / "bench_extract_page.html"
    page.write_bytes(ordinary_page(5))
    root = str(Path(__file__).resolve().parents[1])
    codes = {
        "in process (baseline)": "from newsreader.feeds.extract import extract_page; "
        f"extract_page(open({str(page)!r}, 'rb').read())",
        "child process": "from newsreader.feeds.pagereader import PageReader; "
        f"r = PageReader(10, 1 << 20); r.read(open({str(page)!r}, 'rb')"
        ".read()); r.close()",
    }
    times: dict[str, list[float]] = {label: [] for label in codes}
    for _ in range(runs):  # alternated, so a busy moment on a shared machine hits both
        for label, code in codes.items():
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", code],
                check=True,
                cwd=root,
                env={**os.environ, "PYTHONPATH": root},
            )
            times[label].append(time.perf_counter() - started)
    results = {label: statistics.median(t) * 1000 for label, t in times.items()}
    base = results["in process (baseline)"]
    print(f"\n| fresh process, one page, median of {runs} | ms | ratio |")
    print("|---|--:|--:|")
    for label, ms in results.items():
        print(f"| {label} | {ms:.0f} | {ms / base:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1.1,2.2,4.4")
    parser.add_argument("--pages", type=int, default=30)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}\n")
    pathological([float(s) for s in args.sizes.split(",") if s])
    common(args.pages)
    fresh_process()


if __name__ == "__main__":
    main()
