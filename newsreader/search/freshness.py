"""Which state of the library an index generation was last found to hold, so that an unchanged
library is known to be indexed without opening the index or reading any of its columns.

A generation's ``synced.json`` pairs a Whoosh commit (the number of its table of contents,
``_MAIN_<n>.toc``, and the size and time of each file it reads) with the catalog state of the
scan that commit was checked against (``LibraryScan.state``). Every commit writes a new table
of contents, so any other writer's commit (another process's update, a merge) voids the
record without having to know of it; a rebuild starts a new generation folder, which has no
record yet. A record that cannot be read only costs the full comparison. No Whoosh import here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

RECORD = "synced.json"
_TOC = re.compile(r"^_MAIN_([0-9]+)\.toc$")
"""Whoosh's table-of-contents files for the index name it uses by default."""
_FILES = re.compile(r"^(_MAIN_[0-9]+\.toc|MAIN_[0-9a-z]+\.[A-Za-z0-9_.]+)$")
"""The files a search reads: tables of contents and segments."""


def commit_number(folder: Path) -> int | None:
    """The newest table of contents' number in ``folder`` (the one Whoosh opens), or None."""
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    numbers = [int(m.group(1)) for m in map(_TOC.match, names) if m is not None]
    return max(numbers) if numbers else None


def _files(folder: Path) -> list[list[object]] | None:
    """(name, size, mtime_ns) of the index's own files in ``folder``, by name: a file cut
    short, deleted or rewritten since the record was made does not match it (a damaged index
    is then found and rebuilt by the full comparison, as before)."""
    try:
        with os.scandir(folder) as it:
            found = []
            for entry in it:
                if _FILES.match(entry.name):
                    st = entry.stat()
                    found.append([entry.name, st.st_size, st.st_mtime_ns])
    except OSError:
        return None
    found.sort()
    return found


def _stamp(folder: Path, state: bytes) -> dict[str, object] | None:
    number = commit_number(folder)
    files = _files(folder)
    if not state or number is None or not files:
        return None
    return {"commit": number, "state": state.hex(), "files": files}


def holds(folder: Path, state: bytes) -> bool:
    """True when the generation's newest commit, as its files are now, was found to agree
    with catalog ``state``."""
    if not state:
        return False
    try:
        with open(folder / RECORD, encoding="utf-8") as fh:
            recorded = json.load(fh)
    except (OSError, ValueError):
        return False
    return bool(recorded) and recorded == _stamp(folder, state)


def record(folder: Path, state: bytes) -> None:
    """Note that the generation's newest commit holds catalog ``state``. Call with the
    writers' lock held, after the commit. Not fsynced: a record lost in a crash is only a
    slower next check, and one that outlives a lost commit names files that are not there."""
    stamp = _stamp(folder, state)
    if stamp is None:
        forget(folder)
        return
    tmp = folder / f".{RECORD}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(stamp, fh)
        os.replace(tmp, folder / RECORD)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        forget(folder)


def forget(folder: Path) -> None:
    """Drop the record (the next check compares the index with the library in full)."""
    with contextlib.suppress(OSError):
        os.unlink(folder / RECORD)
