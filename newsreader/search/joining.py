"""Fewer, bigger segments for a built index, joined in the background (``whoosh_merge.py``).

A run of segments is copied into a scratch folder inside the generation without any lock
(a copy of 50k articles takes about a minute), then put in place under the writers' lock,
which an update takes for a moment: it waits for the swap, not the copy. An update that
deleted or merged one of the run's segments meanwhile makes the copy moot; it is dropped
and the next run chosen from the new table of contents. The commit changes no document, so
the freshness record and the did-you-mean words carry over to it. No Whoosh import here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from newsreader.search import freshness, generations
from newsreader.search.schema_version import SCHEMA_VERSION

SCRATCH = ".join-"
"""A copy's scratch folder in the generation: this prefix and the copying process's id
(Whoosh's clean-up passes over names that start with a dot)."""
ATTEMPTS = 3
"""Copies dropped in a row (updates kept changing the run) before the join gives up."""
LOCK_WAIT = 60.0
"""Seconds a copy waits for the writers' lock to be swapped in: an update holds it for a
moment, a feed refresh for longer, and a copy waited for is a minute of work kept."""


def joinable(index_dir: Path) -> bool:
    """Has the current generation a run of segments to join (one read of its table of
    contents)?"""
    from newsreader.search import whoosh_merge

    current = generations.read_current(index_dir)
    if current is None or current[0] != SCHEMA_VERSION:
        return False
    try:
        return whoosh_merge.has_run(current[1])
    except Exception:  # an unreadable index: its next search heals it, not this
        return False


def join_segments(index_dir: Path, stop: Callable[[], bool] = lambda: False) -> int:
    """Join the current generation's runs of small segments, a run at a time, until none is
    left, ``stop()`` says so, the writers' lock stays busy, or a rebuild replaces the
    generation; returns how many segments fewer there are."""
    from newsreader.search import whoosh_merge

    fewer = dropped = 0
    while not stop() and dropped < ATTEMPTS:
        opened = generations.open_current(index_dir)
        if opened is None:
            break
        version, folder, hold = opened  # held: a rebuild's clean-up leaves the folder be
        scratch = folder / f"{SCRATCH}{os.getpid()}"
        try:
            if version != SCHEMA_VERSION:
                break
            _clear_stale(folder)
            joined = whoosh_merge.copy_run(folder, scratch)
            if joined is None:
                break
            with generations.write_lock(index_dir, LOCK_WAIT):
                current = generations.read_current(index_dir)
                if current is None or current[1] != folder:
                    break  # rebuilt meanwhile: the new generation is joined next time
                before = freshness.current(folder)
                if not whoosh_merge.publish(folder, joined):
                    dropped += 1
                    continue
                freshness.carry(folder, before)
            fewer += len(joined.parts) - 1
            dropped = 0
        except generations.LockBusy:
            break
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            hold.release()
    return fewer


def _clear_stale(folder: Path) -> None:
    """Remove the scratch folders of copies whose process is gone (ended mid-copy)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(SCRATCH)]
    except OSError:
        return
    for name in names:
        pid = name[len(SCRATCH) :]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder / name, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
