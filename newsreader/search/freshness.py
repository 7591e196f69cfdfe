"""Which state of the library an index generation was last found to hold, so that an unchanged
library is known to be indexed without opening the index or reading any of its columns.

A generation's ``synced.json`` pairs a Whoosh commit (the number of its table of contents,
``_MAIN_<n>.toc``, and the size and time of each file it reads) with the catalog state of the
scan that commit was checked against (``LibraryScan.state``). Every commit writes a new table
of contents, so any other writer's commit (another process's update, a merge) voids the
record without having to know of it; a rebuild starts a new generation folder, which has no
record yet. A record that cannot be read only costs the full comparison. The record also
keeps the commit's document signatures, so that a changed library is compared with the index
without reading a column of it. No Whoosh import here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zlib
from pathlib import Path

RECORD = "synced.json"
SIGNATURES = "synced.sigs"
"""Beside the record: each document's path and signature (``_encode_signatures``)."""
_SIGS_MAGIC = b"NRSIGS2\n"
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


def _read(folder: Path) -> dict[str, object] | None:
    """The record, when it names the generation's newest commit as its files are now."""
    try:
        with open(folder / RECORD, encoding="utf-8") as fh:
            recorded = json.load(fh)
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict):
        return None
    if recorded.get("commit") != commit_number(folder) or recorded.get("files") != _files(folder):
        return None
    return recorded


def holds(folder: Path, state: bytes) -> bool:
    """True when the generation's newest commit, as its files are now, was found to agree
    with catalog ``state``."""
    if not state:
        return False
    recorded = _read(folder)
    return recorded is not None and recorded.get("state") == state.hex()


def signatures(folder: Path) -> dict[str, bytes] | None:
    """path -> signature of every document of the newest commit, as the record keeps them
    (``SIGNATURES``), or None when there is no record of this very commit: reading them from
    the index's columns costs a read per document."""
    recorded = _read(folder)
    if recorded is None or not isinstance(recorded.get("signatures"), int):
        return None
    try:
        data = (folder / SIGNATURES).read_bytes()
    except OSError:
        return None
    if zlib.crc32(data) != recorded["signatures"]:
        return None
    return _decode_signatures(data)


def _encode_signatures(sigs: dict[str, bytes]) -> bytes:
    """The paths, NUL-separated, then the signatures, NUL-separated, each list joined in one
    call rather than a pair at a time (this is written after every update). ValueError for a
    path with a NUL, which no file name has."""
    paths = "\0".join(sigs)
    values = b"\0".join(sigs.values())
    if sigs and (paths.count("\0") != len(sigs) - 1 or values.count(b"\0") != len(sigs) - 1):
        raise ValueError("a NUL in a path or a signature")
    encoded = os.fsencode(paths)
    return _SIGS_MAGIC + len(encoded).to_bytes(8, "little") + encoded + values


def _decode_signatures(data: bytes) -> dict[str, bytes] | None:
    """What ``_encode_signatures`` wrote; None for anything else (an older layout included)."""
    head = len(_SIGS_MAGIC) + 8
    if len(data) < head or not data.startswith(_SIGS_MAGIC):
        return None
    size = int.from_bytes(data[len(_SIGS_MAGIC) : head], "little")
    if head + size > len(data):
        return None
    encoded, values = data[head : head + size], data[head + size :]
    if not encoded and not values:
        return {}
    paths = os.fsdecode(encoded).split("\0")
    sigs = values.split(b"\0")
    if len(paths) != len(sigs):
        return None
    return dict(zip(paths, sigs, strict=True))


def record(folder: Path, state: bytes, sigs: dict[str, bytes] | None = None) -> None:
    """Note that the generation's newest commit holds catalog ``state`` (and, when given,
    these documents' signatures). Call with the writers' lock held, after the commit. Not
    fsynced: a record lost in a crash is only a slower next check, and one that outlives a
    lost commit names files that are not there."""
    _write(folder, _stamp(folder, state), sigs)


def current(folder: Path) -> dict[str, object] | None:
    """The record, when it holds for the generation's newest commit (for ``carry``)."""
    return _read(folder)


def carry(folder: Path, before: dict[str, object] | None) -> None:
    """After a commit that changed no document (segments joined): what the commit before it
    held, as recorded (``current`` then), this one holds. Call with the writers' lock held."""
    state = before.get("state") if before is not None else None
    stamp = _stamp(folder, bytes.fromhex(state)) if isinstance(state, str) else None
    kept = before.get("signatures") if before is not None else None
    # The same documents: the signatures file already written stays theirs.
    _write(folder, stamp, kept=kept if isinstance(kept, int) else None)


def _write(
    folder: Path,
    stamp: dict[str, object] | None,
    sigs: dict[str, bytes] | None = None,
    kept: int | None = None,
) -> None:
    """Write the record ``stamp`` (None: forget it), with ``sigs`` written beside it or the
    checksum of the signatures file ``kept`` there."""
    from newsreader.filewrite import replace_unsynced

    if stamp is None:
        forget(folder)
        return
    try:
        if sigs is not None:
            data = _encode_signatures(sigs)
            replace_unsynced(folder / SIGNATURES, data)
            stamp["signatures"] = zlib.crc32(data)
        elif kept is not None:
            stamp["signatures"] = kept
        replace_unsynced(folder / RECORD, json.dumps(stamp).encode("utf-8"))
    except (OSError, ValueError):  # ValueError: a path with a NUL, which no file name has
        forget(folder)


def forget(folder: Path) -> None:
    """Drop the record (the next check compares the index with the library in full)."""
    with contextlib.suppress(OSError):
        os.unlink(folder / RECORD)
