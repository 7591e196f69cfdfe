"""A separate process that damages a library's search index and checks it recovers, so a
crash (even SIGBUS from a memory-mapped file) costs one mutation, not the test run.

Run as ``python index_damage_child.py WORKDIR FIRST LAST SEED``: mutations FIRST..LAST-1 of
the fixed plan on ``WORKDIR/index`` (library ``WORKDIR/lib``, answers compared with the clean
index ``WORKDIR/ref``). Prints one JSON line per mutation, flushed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsreader.library import Library
from newsreader.search import SearchIndex
from newsreader.search.generations import CURRENT, LOCK, read_current

QUERIES = (
    "quokkabridge",
    "ceasefire",
    "hospital",
    "talks",
    '"security council"',
    "minister",
    "title:beijing",
    "date:2021",
)


def answers(index: SearchIndex) -> dict[str, list[str]]:
    """Every query's hits, as sorted ids (all of them, not just the first page)."""
    return {q: sorted(h.id for h in index.search(q, limit=500).hits) for q in QUERIES}


def _files(index_dir: Path) -> list[Path]:
    current = read_current(index_dir)
    assert current is not None, "no live index to damage"
    return sorted(p for p in current[1].iterdir() if p.is_file() and p.stat().st_size > 0)


def truncate(index_dir: Path, rng: random.Random) -> str:
    path = rng.choice(_files(index_dir))
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # in place, as a crashed copy or a full disk leaves it
        fh.truncate(rng.randrange(size))
    return path.name


def garble(index_dir: Path, rng: random.Random) -> str:
    path = rng.choice(_files(index_dir))
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # in place: the file keeps its length
        for _ in range(rng.choice((1, 8, 64))):
            at = rng.randrange(size)
            fh.seek(at)
            fh.write(bytes([rng.randrange(256)]))
    return path.name


def delete(index_dir: Path, rng: random.Random) -> str:
    path = rng.choice(_files(index_dir))
    path.unlink()
    return path.name


def delete_generation(index_dir: Path, rng: random.Random) -> str:
    current = read_current(index_dir)
    assert current is not None
    shutil.rmtree(current[1])
    return current[1].name


def zero_all(index_dir: Path, rng: random.Random) -> str:
    for path in _files(index_dir):
        with open(path, "r+b") as fh:
            fh.write(b"\0" * path.stat().st_size)
    return "every file"


def current_garbage(index_dir: Path, rng: random.Random) -> str:
    (index_dir / CURRENT).write_bytes(bytes(rng.randrange(256) for _ in range(rng.randrange(80))))
    return CURRENT


def current_missing(index_dir: Path, rng: random.Random) -> str:
    (index_dir / CURRENT).unlink()
    return CURRENT


def current_elsewhere(index_dir: Path, rng: random.Random) -> str:
    target = rng.choice(["gen-missing", "../../etc", "gen-../x", ""])
    (index_dir / CURRENT).write_text(json.dumps({"schema": 2, "generation": target}))
    return f"{CURRENT} -> {target!r}"


def current_schema(index_dir: Path, rng: random.Random) -> str:
    data = json.loads((index_dir / CURRENT).read_text())
    data["schema"] = rng.choice([0, -1, 999, "two", None])
    (index_dir / CURRENT).write_text(json.dumps(data))
    return f"schema {data['schema']!r}"


def stale_locks(index_dir: Path, rng: random.Random) -> str:
    # Lock files left by a killed writer, a half-written generation and pointer.
    (index_dir / LOCK).write_text(f"{rng.randrange(1, 99999)}\n")
    current = read_current(index_dir)
    assert current is not None
    (current[1] / "MAIN_WRITELOCK").write_text("stale")
    leftover = index_dir / "gen-0000000000000000-stale"
    leftover.mkdir(exist_ok=True)
    (leftover / "MAIN_x.seg").write_bytes(os.urandom(2000))
    (index_dir / f".{CURRENT}.{rng.randrange(99999)}.tmp").write_text('{"schema"')
    return "write.lock, MAIN_WRITELOCK, leftover generation, temp pointer"


MUTATIONS: dict[str, Callable[[Path, random.Random], str]] = {
    "truncate": truncate,
    "garble": garble,
    "delete": delete,
    "delete generation": delete_generation,
    "zero all": zero_all,
    "CURRENT garbage": current_garbage,
    "CURRENT missing": current_missing,
    "CURRENT elsewhere": current_elsewhere,
    "CURRENT schema": current_schema,
    "stale locks": stale_locks,
}


def plan(i: int) -> tuple[str, bool]:
    """Mutation ``i``: (kind, while the app has the index open)."""
    kinds = list(MUTATIONS)
    return kinds[i % len(kinds)], (i // len(kinds)) % 2 == 0


def main() -> None:
    work, first, last, seed = (
        Path(sys.argv[1]),
        int(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    library = Library((work / "lib",), work / "catalog.sqlite3")
    scan = library.scan()
    ref = SearchIndex(work / "ref")
    want = answers(ref)
    ref.close()
    index_dir = work / "index"
    live = SearchIndex(index_dir)
    for i in range(first, last):
        rng = random.Random(seed * 10_000 + i)
        kind, open_now = plan(i)
        out: dict[str, Any] = {"i": i, "kind": kind, "open": open_now, "ok": False}
        try:
            live.update(scan, library)  # start each mutation from a sound index, open
            live.search("quokkabridge")
            out["what"] = MUTATIONS[kind](index_dir, rng)
            if open_now:  # the app is running: its next search must heal or answer
                out["at_once"] = answers(live) == want
            else:  # the next start: a search before the update must not fail either
                live.close()
                live = SearchIndex(index_dir)
                live.search("quokkabridge")
            report = live.update(scan, library)
            out["notice"] = report.notice
            got = answers(live)
            out["ok"] = got == want
            if not out["ok"]:
                out["wrong"] = [q for q in QUERIES if got[q] != want[q]]
        except Exception as exc:
            out["error"] = "".join(traceback.format_exception(exc))[-1500:]
        print(json.dumps(out), flush=True)
    live.close()


if __name__ == "__main__":
    main()
