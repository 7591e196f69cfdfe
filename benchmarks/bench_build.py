"""A full index build as whole processes, the way a user runs it, against an FTS5 build.

    python benchmarks/bench_build.py [--sizes 10000] [--runs 3] [--workdir DIR]
                                        [--before TREE] [--no-rebuild]

For each size, each run, alternating (so that the machine's noise hits all of them alike):

- ``newsreader index`` on a new library: an empty cache (no catalog, no index), so the
  process scans, parses every file for the catalog and builds the index (2 processes);
- ``newsreader index --rebuild``: the catalog is warm, the index is built again;
- the FTS5 baseline: a ``python -c`` process that scans the same folder with a new catalog,
  parses every article the same way (``Library.load``) and inserts title and body into an
  FTS5 table (``porter unicode61``).

``--no-rebuild`` leaves the second row out. ``--before TREE`` adds the first row once more
with the package of another checkout (say a ``git archive`` of the commit before a change),
in the same alternation, for an A/B.

Each figure is the median wall time of the whole process (interpreter start included), its
CPU time (user + system, children included) and the peak RSS of its largest process. Prints
a Markdown table; the ratio to FTS5 in the same run is what counts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402

FTS5_PROCESS = """
import sqlite3, sys
from pathlib import Path
from newsreader.library import Library
folder, catalog, db = (Path(a) for a in sys.argv[1:4])
library = Library((folder,), catalog)
scan = library.scan()
conn = sqlite3.connect(db)
conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
with conn:
    for summary in scan.articles:
        article = library.load(summary)
        conn.execute(
            "INSERT INTO docs(title, body) VALUES (?, ?)",
            (article.title, "\\n\\n".join(article.paragraphs)),
        )
conn.close()
"""


def _newsreader() -> str:
    """The installed console script beside this interpreter (what a user types)."""
    script = Path(sys.executable).parent / "newsreader"
    return str(script) if script.exists() else shutil.which("newsreader") or "newsreader"


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one whole process and its children."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} exited {proc.returncode}: {err[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench(
    workdir: Path, n: int, runs: int, before: Path | None = None, no_rebuild: bool = False
) -> dict[str, list[tuple[float, float, float]]]:
    folder = workdir / f"corpus-{n}"
    if len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, n)
    base = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    nr = [_newsreader(), "--library", str(folder), "index"]
    results: dict[str, list[tuple[float, float, float]]] = {
        "newsreader index, new library": [],
        **({f"the same, before ({before.name})": []} if before else {}),
        **({} if no_rebuild else {"newsreader index --rebuild": []}),
        "FTS5 build process": [],
    }
    for i in range(runs):
        home = workdir / f"home-{n}-{i}"
        shutil.rmtree(home, ignore_errors=True)
        env = {
            **base,
            **{f"XDG_{k}_HOME": str(home / k.lower()) for k in ("DATA", "CACHE", "CONFIG")},
        }
        results["newsreader index, new library"].append(run(nr, env))
        if before is not None:
            old = workdir / f"home-{n}-{i}-before"
            shutil.rmtree(old, ignore_errors=True)
            old_env = {
                **env,
                "PYTHONPATH": str(before),
                **{f"XDG_{k}_HOME": str(old / k.lower()) for k in ("DATA", "CACHE", "CONFIG")},
            }
            results[f"the same, before ({before.name})"].append(run(nr, old_env))
            shutil.rmtree(old, ignore_errors=True)
        fts = home / "fts"
        fts.mkdir()
        results["FTS5 build process"].append(
            run(
                [sys.executable, "-c", FTS5_PROCESS, str(folder), str(fts / "c.sqlite3"),
                 str(fts / "fts5.sqlite3")],
                base,
            )
        )  # fmt: skip
        if not no_rebuild:
            results["newsreader index --rebuild"].append(run([*nr, "--rebuild"], env))
        shutil.rmtree(home, ignore_errors=True)
    return results


def table(n: int, results: dict[str, list[tuple[float, float, float]]]) -> str:
    fts = statistics.median(w for w, _c, _r in results["FTS5 build process"])
    lines = [
        f"full build as whole processes, {n} articles",
        "",
        "| process | wall s (median) | vs FTS5 | CPU s | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, samples in results.items():
        wall = statistics.median(w for w, _c, _r in samples)
        cpu = statistics.median(c for _w, c, _r in samples)
        rss = max(r for _w, _c, r in samples)
        lines.append(f"| {name} | {wall:.2f} | {wall / fts:.2f}x | {cpu:.1f} | {rss:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary one")
    parser.add_argument("--before", type=Path, default=None, help="another checkout to A/B")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the --rebuild row")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsreader-build-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for n in args.sizes:
        print(table(n, bench(workdir, n, args.runs, args.before, args.no_rebuild)))
        print()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
