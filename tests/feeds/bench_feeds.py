"""Measure what getting articles in costs (not collected by pytest; run by hand):

    python tests/feeds/bench_feeds.py [DIR_OF_REAL_HTML_PAGES]

1. import time of trafilatura, feedparser, urllib3 (fresh interpreter each, median of 5);
2. trafilatura extraction per page, median over the fixture pages (and over real saved pages
   from DIR when given);
3. fetch throughput against a local server: a summary feed (each entry's page fetched and
   extracted) and a full-content feed (no page requests), no politeness delay.
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from newsreader.feeds import add_subscription, fetch_all
from newsreader.feeds.extract import extract_page
from tests.feeds.conftest import FAST, Server, _handler, article_html, rss, story


def import_ms(module: str, runs: int = 5) -> float:
    code = (
        f"import time; t = time.perf_counter(); import {module}; "
        "print((time.perf_counter() - t) * 1000)"
    )
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def extraction_ms(pages: list[bytes]) -> tuple[float, float]:
    extract_page(pages[0])  # first call builds trafilatura's caches
    times = []
    for page in pages:
        started = time.perf_counter()
        with contextlib.suppress(Exception):
            extract_page(page)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def throughput(n: int) -> None:
    server = Server(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        summary, full = [], []
        for i in range(n):
            link = server.page(f"/s/{i}", article_html(f"Story {i}", story(i)))
            summary.append({"title": f"Story {i}", "link": link, "description": "Short."})
            full.append(
                {
                    "title": f"Full {i}",
                    "link": server.url(f"/f/{i}"),
                    "content": "".join(f"<p>{p}</p>" for p in story(i)),
                }
            )
        cases = {
            "summary feed (page fetched + extracted)": rss("S", summary),
            "full-content feed (no page requests)": rss("F", full),
        }
        for label, body in cases.items():
            with tempfile.TemporaryDirectory() as tmp:
                feeds = Path(tmp) / "feeds.json"
                add_subscription(feeds, server.feed(f"/{len(label)}.xml", body), None)
                started = time.perf_counter()
                report = fetch_all(feeds, Path(tmp) / "a", options=replace(FAST, max_new=n))
                secs = time.perf_counter() - started
                print(
                    f"  {label}: {report.new} articles in {secs:.2f} s "
                    f"= {report.new / secs:.0f} articles/s"
                )
    finally:
        httpd.shutdown()


def main() -> None:
    print("import time, median of 5 fresh interpreters:")
    for module in ("trafilatura", "feedparser", "urllib3", "newsreader.feeds"):
        print(f"  {module}: {import_ms(module):.0f} ms")
    fixtures = [article_html(f"Story {i}", story(i)).encode() for i in range(20)]
    med, worst = extraction_ms(fixtures)
    print(f"extraction, {len(fixtures)} fixture pages: median {med:.1f} ms, max {worst:.1f} ms")
    if len(sys.argv) > 1:
        real = [p.read_bytes() for p in sorted(Path(sys.argv[1]).glob("*.html"))]
        med, worst = extraction_ms(real)
        print(f"extraction, {len(real)} real pages: median {med:.1f} ms, max {worst:.1f} ms")
    print("fetch throughput, local server, 50 entries:")
    throughput(50)


if __name__ == "__main__":
    main()
