"""Where the index lives on disk: generations swapped in atomically, and the writers' lock.

    index_dir/CURRENT        {"schema": 1, "whoosh": "2.7.5", "generation": "gen-..."}
                             (replaced with os.replace)
    index_dir/gen-.../       a complete Whoosh index
    index_dir/write.lock     flock held by whoever writes (an update or a rebuild)

A rebuild writes a new generation and then points CURRENT at it, so readers always see a
complete index: the last good one until the swap, the new one after. Old generations are
deleted by the next writer (one previous generation is kept for readers that still use it).
The Whoosh release that wrote a generation is recorded with it: another release may read
the files differently, so a generation it did not write counts as another schema and is
rebuilt. No Whoosh import here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

CURRENT = "CURRENT"
LOCK = "write.lock"
GEN_PREFIX = "gen-"
WHOOSH_VERSION = "2.7.5"
"""The whoosh-reloaded release the adapters are written against (pinned in pyproject.toml)."""
OTHER_WHOOSH = -1
"""The schema version ``read_current`` gives a generation another Whoosh release wrote."""


class LockBusy(Exception):
    """Another process or SearchIndex is writing this index."""


def read_current(index_dir: Path) -> tuple[int, Path] | None:
    """(schema version, generation folder) of the live index, or None when there is none;
    the version is ``OTHER_WHOOSH`` when another Whoosh release wrote it."""
    try:
        data = json.loads((index_dir / CURRENT).read_text(encoding="utf-8"))
        name = str(data["generation"])
        version = int(data["schema"])
        if data.get("whoosh") != WHOOSH_VERSION:
            version = OTHER_WHOOSH
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if "/" in name or not name.startswith(GEN_PREFIX):
        return None
    return version, index_dir / name


def new_generation(index_dir: Path) -> Path:
    """A fresh empty folder for a build."""
    index_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{GEN_PREFIX}{time.time_ns():x}-", dir=index_dir))


def publish(index_dir: Path, generation: Path, schema_version: int) -> None:
    """Make ``generation`` the live index in one atomic step."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    payload = json.dumps(
        {"schema": schema_version, "whoosh": WHOOSH_VERSION, "generation": generation.name}
    )
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)


def collect_garbage(index_dir: Path, keep: Path | None) -> None:
    """Delete generations other than ``keep`` and the newest older one. Call with the lock."""
    try:
        gens = [p for p in index_dir.iterdir() if p.name.startswith(GEN_PREFIX) and p.is_dir()]
    except OSError:
        return
    others = sorted((p for p in gens if p != keep), key=lambda p: p.stat().st_mtime)
    # The newest other one may still be open in another process (a reader of the last
    # snapshot); a killed build's leftovers are older and go.
    for path in others[:-1]:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def write_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """Hold the writers' lock; raise LockBusy after ``wait`` seconds. flock dies with its
    process, so a lock file left by a crash never blocks anyone."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
