"""``feeds.sources.source_of``: the first call on a folder, a call on an unchanged sidecar and
one after an append, against reading the sidecar afresh each time (a new ``ArticleFolder``).

    python benchmarks/bench_sources.py [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.feeds import sources
from newsreader.feeds.articles_folder import SIDECAR, ArticleFolder


def _sidecar(folder: Path, n: int) -> list[Path]:
    lines = []
    for i in range(n):
        record = {
            "url": f"https://news.example.org/2024/05/story-{i}",
            "file": f"story-{i}-{i:010x}.txt",
            "title": f"Story number {i} about the talks",
            "origin": "page",
            "saved": f"2024-05-06T08:{i // 60 % 60:02}:{i % 60:02}+00:00",
            "feed": f"https://news.example.org/feed-{i % 20}.xml",
        }
        lines.append(json.dumps(record))
    (folder / SIDECAR).write_text("\n".join(lines) + "\n", "utf-8")
    return [folder / f"story-{i}-{i:010x}.txt" for i in range(n)]


def _ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _row(n: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _sidecar(folder, n)
        sources._folders.clear()
        start = time.perf_counter()
        sources.source_of(paths[0])
        first = (time.perf_counter() - start) * 1000
        unchanged = _ms(lambda: sources.source_of(paths[n // 2]), 200)
        new = {"url": "https://x.example/new", "file": "new.txt", "title": "New"}
        line = json.dumps({**new, "origin": "page", "saved": "2025-01-01T00:00:00+00:00"})

        def append_then_look() -> None:
            with (folder / SIDECAR).open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            sources.source_of(paths[-1])

        appended = _ms(append_then_look, 20)
        fresh = _ms(lambda: ArticleFolder(folder).records(), 5)
    return f"| {n} | {first:.1f} | {unchanged:.3f} | {appended:.2f} | {fresh:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load: {os.getloadavg()[0]:.2f}\n")
    print("| records | first call ms | unchanged ms | after an append ms | re-read each time ms |")
    print("|---:|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        print(_row(n))


if __name__ == "__main__":
    main()
