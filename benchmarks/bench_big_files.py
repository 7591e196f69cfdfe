"""Big files within the size cap: wall time and peak RSS of whole CLI processes.

    python benchmarks/bench_big_files.py [--workdir DIR]

Three libraries of one file each (the shapes that cost most per byte): ~580k paragraphs of
two words, 8 MiB of ``b b b …``, one 7.9 MiB line of varied words, and as the baseline a
library of one ordinary article. Each is indexed, searched and shown by ``newsreader`` in a
fresh process; peak RSS is the child's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024


def _words(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def make(folder: Path) -> dict[str, tuple[Path, str]]:
    """The three libraries, each with the query to search it by."""
    rng = random.Random(1)
    words = _words(rng, 50_000)
    libs: dict[str, tuple[Path, str]] = {}
    lib = folder / "baseline"
    lib.mkdir(parents=True, exist_ok=True)
    paragraphs = [" ".join(rng.choice(words) for _ in range(60)) + "." for _ in range(10)]
    (lib / "normal.txt").write_text(
        "A normal article\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8"
    )
    libs["baseline: one 4 kB article"] = (lib, paragraphs[0].split()[0])
    lib = folder / "paragraphs"
    lib.mkdir(parents=True, exist_ok=True)
    with open(lib / "paragraphs.txt", "w", encoding="utf-8") as fh:
        fh.write("Many paragraphs\n\n")
        for _ in range(580_000):
            fh.write(f"{rng.choice(words)} {rng.choice(words)[:2]}\n\n")
    libs["580k paragraphs (6.4 MB)"] = (lib, words[7])
    lib = folder / "bbb"
    lib.mkdir(exist_ok=True)
    (lib / "bees.txt").write_text("Bees\n\n" + "b " * (4 * MIB - 4), "utf-8")
    libs["8 MiB of 'b b b'"] = (lib, "b")
    lib = folder / "line"
    lib.mkdir(exist_ok=True)
    line: list[str] = []
    size = 0
    while size < int(7.9 * MIB):
        word = rng.choice(words)
        line.append(word)
        size += len(word) + 1
    (lib / "line.txt").write_text("One line\n\n" + " ".join(line) + "\n", "utf-8")
    libs["one 7.9 MiB line"] = (lib, words[7])
    return libs


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="nr-big-"))
    exe = Path(sys.executable).with_name("newsreader")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "newsreader"]
    print(f"cores: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f}\n")
    print("| file | command | seconds | peak RSS MB | exit |")
    print("|---|---|--:|--:|--:|")
    for name, (lib, query) in make(work / "libs").items():
        home = work / "home" / lib.name
        shutil.rmtree(home, ignore_errors=True)
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
        }
        commands = {
            "index": ["index"],
            f"search {query}": ["search", query],
            f'search "{query} {query}"': ["search", f'"{query} {query}"'],
            "show": ["show", next(lib.iterdir()).stem],
        }
        for label, extra in commands.items():
            seconds, rss, code = run([*base, "--library", str(lib), *extra], env)
            print(f"| {name} | {label} | {seconds:.2f} | {rss:.0f} | {code} |")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
