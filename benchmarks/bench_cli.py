"""The command line timed as whole processes, the way a shell runs them, beside its peers.

    python benchmarks/bench_cli.py [--sizes 10000] [--runs 20] [--workdir DIR]

Per size, alternated run by run so that every command sees the same machine load:

- ``newsreader search W --json`` (the installed entry point, bytecode compiled) handed to the
  search server, and run in its own process (``NEWSREADER_SEARCH_SERVER=0``), against
  ``rg -l -i -w -F W folder`` and an FTS5 query in a ``python -c`` process;
- the first served search after a file changed (the server walks the library again);
- a misspelled word (the did-you-mean answers) against the same plain search, both served;
- ``newsreader index`` with nothing to do against an FTS5 freshness check (a stat of every
  file against a table of (path, size, mtime_ns));
- ``newsreader index`` after one file changed against the FTS5 check that re-indexes it;
- both ``index`` rows again, handed to the search server.

Every per-user file (catalog, index) is under the work folder (``XDG_*``). Before timing, a
search for a word just written into a file checks that the command does not answer from
stale data.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from newsreader.cli.search_server import stop_all  # noqa: E402

FTS_QUERY = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute(
    "SELECT rowid, title, snippet(docs, 1, '[', ']', '...', 24) FROM docs "
    "WHERE docs MATCH ? ORDER BY rank LIMIT 20", ('"' + sys.argv[2] + '"',)).fetchall()
print(len(rows))
"""

FTS_FRESH = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
known = {p: (s, m) for p, s, m in conn.execute("SELECT path, size, mtime_ns FROM files")}
seen = {}
pending = [sys.argv[2]]
while pending:
    with os.scandir(pending.pop()) as it:
        for e in it:
            if e.is_dir():
                pending.append(e.path)
            elif e.name.endswith(".txt"):
                st = e.stat()
                seen[e.path] = (st.st_size, st.st_mtime_ns)
changed = [p for p, s in seen.items() if known.get(p) != s]
gone = [p for p in known if p not in seen]
with conn:
    for p in changed + gone:
        row = conn.execute("SELECT id FROM files WHERE path = ?", (p,)).fetchone()
        if row is not None:
            conn.execute("DELETE FROM docs WHERE rowid = ?", row)
            conn.execute("DELETE FROM files WHERE id = ?", row)
    for p in changed:
        with open(p, encoding="utf-8") as f:
            title, _, body = f.read().partition("\\n")
        cur = conn.execute("INSERT INTO docs(title, body) VALUES (?, ?)", (title, body))
        conn.execute("INSERT INTO files VALUES (?, ?, ?, ?)", (cur.lastrowid, p, *seen[p]))
print(len(changed), len(gone))
"""


def newsreader_command() -> str:
    """The installed ``newsreader`` script next to this interpreter."""
    script = Path(sys.executable).parent / "newsreader"
    if not script.exists():
        raise SystemExit(f"no newsreader entry point at {script} (pip install -e . first)")
    return str(script)


def workdir_env(workdir: Path) -> dict[str, str]:
    """The environment of every child: per-user folders under ``workdir``."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_LIBRARY"}
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ):
        env[var] = str(workdir / "xdg" / sub)
    return env


def build_fts5(db: Path, folder: Path) -> None:
    """An FTS5 table of the folder's files (title line and the rest) with their stats."""
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
    conn.execute(
        "CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT UNIQUE, size INT, mtime_ns INT)"
    )
    with conn:
        for path in sorted(folder.rglob("*.txt")):
            text = path.read_text(encoding="utf-8")
            title, _, body = text.partition("\n")
            cur = conn.execute("INSERT INTO docs(title, body) VALUES (?, ?)", (title, body))
            st = path.stat()
            conn.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?)",
                (cur.lastrowid, str(path), st.st_size, st.st_mtime_ns),
            )
    conn.close()


def pick_words(folder: Path, count: int) -> list[str]:
    """Words of the corpus in a few dozen articles (not in all: rg must read every file)."""
    seen: dict[str, int] = {}
    for path in sorted(folder.glob("*.txt"))[:50]:
        for raw in path.read_text(encoding="utf-8").split():
            word = raw.strip(".,;:“”\"'’()").lower()
            if word.isalpha() and word.isascii() and len(word) >= 6:
                seen[word] = seen.get(word, 0) + 1
    ranked = sorted((n, w) for w, n in seen.items() if 2 <= n <= 4)
    return [w for _n, w in ranked[:count]] or ["market"]


def misspell(word: str) -> str:
    """The word with two inner letters swapped (what a quick typist makes of it)."""
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Milliseconds of one whole process (start to exit) and its stdout."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = (time.perf_counter() - t) * 1000
    if proc.returncode not in (0, 1):  # rg exits 1 when nothing matched
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def percentiles(samples: list[float]) -> tuple[float, float]:
    """Median and p95."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def touch_one(path: Path, k: int) -> None:
    """Change one file's text (and so its size and mtime), as an editor's save does."""
    text = path.read_text(encoding="utf-8").rstrip("\n").rsplit("\n\n", 1)[0]
    path.write_text(f"{text}\n\nEdited {k} times{'!' * (k % 3)}.\n", encoding="utf-8")


def bench(folder: Path, workdir: Path, runs: int) -> list[tuple[str, str, str, str, str]]:
    """Rows (measure, newsreader p50 / p95, peer p50 / p95, ratio of p50s, target)."""
    runtime = Path(tempfile.mkdtemp(prefix="nr-bench-"))  # a socket path has ~100 bytes
    try:
        return _bench(folder, workdir, runs, runtime)
    finally:
        stop_all(runtime)
        shutil.rmtree(runtime, ignore_errors=True)


def _bench(
    folder: Path, workdir: Path, runs: int, runtime: Path
) -> list[tuple[str, str, str, str, str]]:
    served_env = workdir_env(workdir)
    served_env.pop("NEWSREADER_SEARCH_SERVER", None)
    served_env["XDG_RUNTIME_DIR"] = str(runtime)
    env = dict(served_env, NEWSREADER_SEARCH_SERVER="0")
    nr = newsreader_command()
    compileall.compile_dir(str(REPO / "newsreader"), quiet=1)
    run([nr, "--library", str(folder), "index"], env)  # builds when there is no index
    db = workdir / f"fts5-cli-{folder.name}.sqlite3"
    if not db.exists():
        build_fts5(db, folder)
    words = pick_words(folder, 5)
    # Not stale: a word written into a file a moment ago is found by the next search.
    target = sorted(folder.glob("*.txt"))[0]
    original = target.read_text(encoding="utf-8")
    search = [nr, "--library", str(folder), "search"]
    run([*search, "warm", "--json"], served_env)  # starts the server
    wait_for_server(runtime)
    try:
        for word, environment in (("zyzzogeton", env), ("zyzzogetonb", served_env)):
            target.write_text(original + f"\n{word.title()} appears.\n", encoding="utf-8")
            _, out = run([*search, word, "--json"], environment)
            if len(json.loads(out)) != 1:
                raise RuntimeError("newsreader search answered from stale data")
    finally:
        target.write_text(original, encoding="utf-8")
    run([nr, "--library", str(folder), "index"], env)
    run([sys.executable, "-c", FTS_FRESH, str(db), str(folder)], env)

    samples: dict[str, list[float]] = {}

    def timed(name: str, cmd: list[str], environment: dict[str, str] = env) -> None:
        samples.setdefault(name, []).append(run(cmd, environment)[0])

    edited = sorted(folder.glob("*.txt"))[len(words)]
    saved = edited.read_text(encoding="utf-8")
    try:
        for i in range(runs):
            w = words[i % len(words)]
            touch_one(edited, i)  # both sides see the same one change
            timed("index1", [nr, "--library", str(folder), "index"])
            timed("fresh1", [sys.executable, "-c", FTS_FRESH, str(db), str(folder)])
            timed("index", [nr, "--library", str(folder), "index"])
            timed("fresh", [sys.executable, "-c", FTS_FRESH, str(db), str(folder)])
            timed("search", [*search, w, "--json"])
            timed("served1", [*search, w, "--json"], served_env)  # first since the change
            timed("served", [*search, w, "--json"], served_env)
            timed("rg", ["rg", "-l", "-i", "-w", "-F", "--", w, str(folder)])
            timed("fts", [sys.executable, "-c", FTS_QUERY, str(db), w])
            timed("misspelled", [*search, misspell(w), "--json"], served_env)
            touch_one(edited, runs + i)
            timed("index1s", [nr, "--library", str(folder), "index"], served_env)
            timed("fresh1s", [sys.executable, "-c", FTS_FRESH, str(db), str(folder)])
            timed("indexs", [nr, "--library", str(folder), "index"], served_env)
            timed("freshs", [sys.executable, "-c", FTS_FRESH, str(db), str(folder)])
    finally:
        edited.write_text(saved, encoding="utf-8")
        run([nr, "--library", str(folder), "index"], env)
    p = {k: percentiles(v) for k, v in samples.items()}

    def pair(k: str) -> str:
        return f"{p[k][0]:.0f} / {p[k][1]:.0f}"

    def ratio(a: str, b: str) -> str:
        return f"{p[a][0] / p[b][0]:.2f}x"

    rows = (
        ("`search W --json`, served, vs `rg -l -i -w -F`", "served", "rg", "<= 1x rg"),
        ("  same vs FTS5 query (`python -c`)", "served", "fts", ""),
        ("  same, in its own process, vs rg", "search", "rg", ""),
        ("  same, the first since a file changed, vs rg", "served1", "rg", ""),
        ("misspelled word (did-you-mean) vs plain search, served", "misspelled", "served", "~1x"),
        ("`index`, nothing changed vs FTS5 freshness check", "index", "fresh", "<= 2x"),
        ("`index`, one file changed vs FTS5 update", "index1", "fresh1", "<= 2x"),
        ("`index`, nothing changed, served, vs FTS5 check", "indexs", "freshs", "<= 2x"),
        ("`index`, one file changed, served, vs FTS5 update", "index1s", "fresh1s", "<= 2x"),
    )
    return [(name, pair(a), pair(b), ratio(a, b), target) for name, a, b, target in rows]


def table(n: int, rows: list[tuple[str, str, str, str, str]], runs: int) -> str:
    head = (
        f"### {n:,} articles, whole processes, ms p50 / p95 ({runs} alternated runs)\n\n"
        "| measure | newsreader | peer | ratio (p50) | target |\n|---|---|---|---|---|"
    )
    return "\n".join([head, *(f"| {' | '.join(r)} |" for r in rows)])


def wait_for_server(runtime: Path) -> None:
    deadline = time.monotonic() + 60
    while not list(runtime.glob("newsreader/*.sock")):
        if time.monotonic() > deadline:
            raise RuntimeError("the search server did not start")
        time.sleep(0.05)
    time.sleep(0.5)  # and has loaded what a search uses


def ensure_corpus(workdir: Path, n: int) -> Path:
    sys.path.insert(0, str(HERE))
    from corpus import write_corpus

    folder = workdir / f"corpus-{n}"
    if len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, n)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated article counts")
    parser.add_argument("--runs", type=int, default=20, help="alternated runs per command")
    parser.add_argument("--workdir", type=Path, required=True, help="corpora and indexes here")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; load average {load()} (at start)\n",
        flush=True,
    )
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        folder = ensure_corpus(workdir, n)
        rows = bench(folder, workdir, args.runs)
        print(table(n, rows, args.runs) + f"\n\nload average {load()} (after)\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
