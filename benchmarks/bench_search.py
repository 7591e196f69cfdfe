"""Benchmark newsreader's search against SQLite FTS5 on the same generated articles.

    python benchmarks/bench_search.py [--sizes 1000 10000] [--queries 200] [--procs 2]

For each size: full build time (both engines read and parse every file the same way), index
size, search median/p95 for single words, two words and phrases (newsreader's numbers include
snippets, paragraph mapping and every match position; FTS5's include ``snippet()``), and the
time for one changed file to be searchable again. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from newsreader.library import Library, LibraryScan
from newsreader.search import SearchIndex

LIMIT = 10


def corpus(workdir: Path, n: int) -> tuple[Library, LibraryScan]:
    """The generated library of ``n`` articles (written once, reused) and its scan."""
    folder = workdir / f"corpus-{n}"
    if len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, n)
    library = Library((folder,), workdir / f"catalog-{n}.sqlite3")
    return library, library.scan()


def make_queries(library: Library, scan: LibraryScan, count: int) -> dict[str, list[str]]:
    """Deterministic queries drawn from the articles' own words."""
    rng = random.Random(42)
    kinds: dict[str, list[str]] = {"single": [], "two words": [], "phrase": []}
    summaries = list(scan.articles)
    while any(len(v) < count for v in kinds.values()):
        article = library.load(rng.choice(summaries))
        words = [w for w in " ".join(article.paragraphs).split() if w.isalpha() and len(w) > 3]
        if len(words) < 3:
            continue
        i = rng.randrange(len(words) - 1)
        if len(kinds["single"]) < count:
            kinds["single"].append(words[i].lower())
        if len(kinds["two words"]) < count:
            kinds["two words"].append(f"{words[i].lower()} {rng.choice(words).lower()}")
        para = rng.choice(article.paragraphs).split()
        j = rng.randrange(max(1, len(para) - 1))
        pair = [w.strip(".,;:“”\"'’") for w in para[j : j + 2]]
        if (
            len(pair) == 2
            and all(w.isalpha() and len(w) > 3 for w in pair)
            and len(kinds["phrase"]) < count
        ):
            kinds["phrase"].append(f'"{pair[0].lower()} {pair[1].lower()}"')
    return kinds


def build_fts5(db: Path, library: Library, scan: LibraryScan) -> sqlite3.Connection:
    """An FTS5 table of the same articles (read and parsed the same way)."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
    with conn:
        for summary in scan.articles:
            article = library.load(summary)
            conn.execute(
                "INSERT INTO docs(title, body) VALUES (?, ?)",
                (article.title, "\n\n".join(article.paragraphs)),
            )
    return conn


def fts5_query(q: str) -> str:
    if q.startswith('"'):
        return q
    return " ".join(f'"{w}"' for w in q.split())


def fts5_search(conn: sqlite3.Connection, q: str) -> object:
    """FTS5's answer to a query as ours is asked: the top ``LIMIT`` by rank, with a snippet."""
    return conn.execute(
        "SELECT rowid, title, snippet(docs, 1, '[', ']', '…', 24) FROM docs "
        "WHERE docs MATCH ? ORDER BY rank LIMIT ?",
        (fts5_query(q), LIMIT),
    ).fetchall()


def timed(fn: Callable[[], object], queries: list[str]) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    samples = []
    for q in queries:
        t = time.perf_counter()
        fn(q)  # type: ignore[call-arg]
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and p95 of ``samples`` (the same rule as ``timed``)."""
    samples = sorted(samples)
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def full_scan_command(query: str, folder: Path) -> list[str]:
    """``rg -i`` (or ``grep -ri`` when ripgrep is missing) listing the files with ``query``."""
    text = query.strip('"')
    if shutil.which("rg"):
        return ["rg", "-i", "-l", "-F", "--", text, str(folder)]
    return ["grep", "-r", "-i", "-l", "-F", "--", text, str(folder)]


def full_scan_ms(query: str, folder: Path) -> float:
    """Milliseconds for a full scan of the folder, process start included."""
    t = time.perf_counter()
    subprocess.run(
        full_scan_command(query, folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return (time.perf_counter() - t) * 1000


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def bench(workdir: Path, n: int, count: int, procs: int) -> list[dict[str, object]]:
    library, scan = corpus(workdir, n)
    queries = make_queries(library, scan, count)
    ix_dir = workdir / f"index-{n}"
    shutil.rmtree(ix_dir, ignore_errors=True)
    index = SearchIndex(ix_dir)
    t = time.perf_counter()
    index.update(scan, library, rebuild=True, procs=procs)
    whoosh_build = time.perf_counter() - t

    db = workdir / f"fts5-{n}.sqlite3"
    db.unlink(missing_ok=True)
    t = time.perf_counter()
    conn = build_fts5(db, library, scan)
    fts_build = time.perf_counter() - t

    def fts_search(q: str) -> object:
        return fts5_search(conn, q)

    def our_search(q: str) -> object:
        return index.search(q, limit=LIMIT)

    for q in queries["single"][:10]:  # warm caches and lazy imports
        our_search(q)
        fts_search(q)
    rows: list[dict[str, object]] = []
    ours: dict[str, object] = {
        "articles": n,
        "engine": "newsreader (Whoosh)",
        "build s": whoosh_build,
        "size MB": size_mb(ix_dir),
    }
    theirs: dict[str, object] = {
        "articles": n,
        "engine": "SQLite FTS5",
        "build s": fts_build,
        "size MB": size_mb(db),
    }
    for kind, qs in queries.items():
        ours[kind] = timed(our_search, qs)
        theirs[kind] = timed(fts_search, qs)
    ours["1 change s"] = one_change(index, library, scan)
    rows += [ours, theirs]
    conn.close()
    index.close()
    return rows


def one_change(index: SearchIndex, library: Library, scan: LibraryScan) -> float:
    """Seconds from saving a changed article to finding it by its new word (scan included).

    Like a running TUI: the library was listed and the index checked once before the edit."""
    index.update(library.scan(), library)
    path = scan.articles[len(scan.articles) // 2].path
    original = path.read_text(encoding="utf-8")
    try:
        lines = original.split("\n\n")
        lines[3] = lines[3] + " Quuxbenchword appears here."
        path.write_text("\n\n".join(lines), encoding="utf-8")
        t = time.perf_counter()
        fresh = library.scan()
        index.update(fresh, library)
        found = index.search("quuxbenchword").total
        elapsed = time.perf_counter() - t
        assert found == 1, f"changed article not found ({found})"
        return elapsed
    finally:
        path.write_text(original, encoding="utf-8")
        index.update(library.scan(), library)


def table(rows: list[dict[str, object]]) -> str:
    head = [
        "articles",
        "engine",
        "build s",
        "size MB",
        "single med/p95 ms",
        "two words med/p95 ms",
        "phrase med/p95 ms",
        "1 change s",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r["articles"]), str(r["engine"]), f"{r['build s']:.1f}", f"{r['size MB']:.1f}"]
        for kind in ("single", "two words", "phrase"):
            med, p95 = r[kind]  # type: ignore[misc]
            cells.append(f"{med:.1f} / {p95:.1f}")
        cells.append(f"{r['1 change s']:.2f}" if "1 change s" in r else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratios(rows: list[dict[str, object]]) -> str:
    out = []
    for ours, theirs in zip(rows[::2], rows[1::2], strict=True):
        p95 = max(
            ours[k][1] / max(theirs[k][1], 1e-6)  # type: ignore[index]
            for k in ("single", "two words", "phrase")
        )
        build = ours["build s"] / max(theirs["build s"], 1e-6)  # type: ignore[operator]
        out.append(
            f"- {ours['articles']} articles: worst search p95 ratio {p95:.1f}x "
            f"(target <= 3x), build ratio {build:.1f}x (target <= 10x)"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--procs", type=int, default=2, help="processes for the full build")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where corpora and indexes go (default: a temporary folder)",
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsreader-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for n in args.sizes:
        rows += bench(workdir, n, args.queries, args.procs)
    print(table(rows))
    print()
    print(ratios(rows))
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
