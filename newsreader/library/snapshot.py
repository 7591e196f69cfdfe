"""The last scan's whole result in one packed blob, so an unchanged library is listed from a
single catalog read: no per-file rows, no parsing of dates, no sorting.

It is checked against what a walk finds (every file's path, size and mtime_ns, the roots and
the size limit); anything else in it is only trusted after its checksum. The format is plain
text and integer arrays (never ``pickle`` or ``marshal``: a damaged cache file must not be
able to do more than miss).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from typing import NamedTuple

_MAGIC = b"NRSNAP1" + (b"<" if sys.byteorder == "little" else b">")
_HEADER = struct.Struct("<8s7Q")  # magic, roots, files, articles, skips, max_bytes, ints, crc
_NONE = ""  # a dateline is never empty (the parser needs two letters): "" stands for None


class Snapshot(NamedTuple):
    """A scan's result against the walk it came from. Lists are parallel per their prefix."""

    roots: tuple[str, ...]
    max_bytes: int
    paths: list[str]
    """Every file the walk found, in walk order; sizes and mtimes beside."""
    sizes: list[int]
    mtimes: list[int]
    rows: list[int]
    """The articles, newest first, as indexes into ``paths``."""
    ids: list[str]
    titles: list[str]
    days: list[int]
    """Each article's date as ``date.toordinal()``, 0 for none."""
    datelines: list[str | None]
    hashes: list[str]
    skip_rows: list[int]
    """Files that are not articles, as indexes into ``paths``, and why."""
    reasons: list[str]


def encode(snap: Snapshot) -> bytes | None:
    """The blob for ``snap``; None when a text holds a NUL (cannot happen for parsed text)."""
    if any(d == _NONE for d in snap.datelines):
        return None
    texts = [*snap.roots, *snap.paths, *snap.ids, *snap.titles,
             *[_NONE if d is None else d for d in snap.datelines], *snap.hashes, *snap.reasons]
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return None
    ints = array("q", snap.sizes)
    for part in (snap.mtimes, snap.rows, snap.days, snap.skip_rows):
        ints.extend(part)
    body = ints.tobytes() + joined.encode("utf-8", "surrogatepass")
    header = _HEADER.pack(_MAGIC, len(snap.roots), len(snap.paths), len(snap.rows),
                          len(snap.skip_rows), snap.max_bytes, len(ints), zlib.crc32(body))
    return header + body


def decode(blob: bytes) -> Snapshot | None:
    """The snapshot in ``blob``, or None when it is not one this version wrote, intact."""
    if len(blob) < _HEADER.size:
        return None
    magic, n_roots, n_files, n_rows, n_skips, max_bytes, n_ints, crc = _HEADER.unpack_from(blob)
    body = memoryview(blob)[_HEADER.size:]
    if (magic != _MAGIC or n_ints != 2 * n_files + 2 * n_rows + n_skips
            or len(body) < 8 * n_ints or zlib.crc32(body) != crc):
        return None
    ints = array("q")
    ints.frombytes(body[: 8 * n_ints])
    try:
        texts = str(body[8 * n_ints:], "utf-8", "surrogatepass").split("\0")
    except UnicodeDecodeError:
        return None
    if len(texts) != n_roots + n_files + 4 * n_rows + n_skips:
        return None
    numbers = []
    at = 0
    for n in (n_files, n_files, n_rows, n_rows, n_skips):
        numbers.append(ints[at : at + n].tolist())
        at += n
    sizes, mtimes, rows, days, skip_rows = numbers
    for part in (rows, skip_rows):
        if part and (min(part) < 0 or max(part) >= n_files):
            return None
    cuts = [n_roots, n_files, n_rows, n_rows, n_rows, n_rows, n_skips]
    parts = []
    at = 0
    for n in cuts:
        parts.append(texts[at : at + n])
        at += n
    roots, paths, ids, titles, datelines, hashes, reasons = parts
    return Snapshot(tuple(roots), max_bytes, paths, sizes, mtimes, rows, ids, titles, days,
                    [None if d == _NONE else d for d in datelines], hashes, skip_rows, reasons)
