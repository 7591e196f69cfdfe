"""The last scan's whole result in one packed blob, so an unchanged library is listed from a
single catalog read: no per-file rows, no parsing of dates, no sorting.

It applies when a walk finds what the last one found: the digest of every file's path, size
and mtime_ns in walk order (with the roots and the size limit) says so without comparing
100k strings; when only the order differs, the stats stored per file do. Columns are kept
in list order (the articles newest first), so a start-up reads them front to back: gathering
them in walk order costs cache misses on a big library. The format is plain
text and integer arrays (never ``pickle`` or ``marshal``: a damaged cache file must not be
able to do more than miss).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from itertools import accumulate, repeat
from operator import add
from typing import NamedTuple

from newsreader.library.packed import PackedSummaries, string_starts

_MAGIC = b"NRSNAP4" + (b"<" if sys.byteorder == "little" else b">")
# magic, walk digest, roots, articles, skips, max_bytes, integers, the width of a string's
# start, crc of the rest. The body: the integers, where each string starts (so a start-up
# does not split 500k strings to find them, ~45 ms at 100k articles), the strings.
_HEADER = struct.Struct("<8s16s7Q")
HEADER_SIZE = _HEADER.size
"""The bytes of a blob's header (``state_of``)."""
_CODES = {4: "I", 8: "Q"}
"""An array's type code for each width of a string's start."""
_NONE = ""  # a dateline is never empty (the parser needs two letters): "" stands for None


class Snapshot(NamedTuple):
    """A scan's result and the digest of the walk it came from."""

    roots: tuple[str, ...]
    max_bytes: int
    walk_digest: bytes
    """``Walk.digest()`` of the walk this scan listed."""
    ids: list[str]
    """The articles, newest first: ids, paths, ... as parallel lists."""
    paths: list[str]
    titles: list[str]
    days: list[int]
    """Each article's date as ``date.toordinal()``, 0 for none."""
    datelines: list[str | None]
    hashes: list[str]
    sizes: list[int]
    mtimes: list[int]
    skip_paths: list[str]
    """Files that are not articles (in walk order), why, and their stats."""
    reasons: list[str]
    skip_sizes: list[int]
    skip_mtimes: list[int]


def encode(snap: Snapshot) -> bytes | None:
    """The blob for ``snap``; None when a text holds a NUL (cannot happen for parsed text)."""
    if any(d == _NONE for d in snap.datelines) or len(snap.walk_digest) != 16:
        return None
    texts = [
        *snap.roots,
        *snap.ids,
        *snap.paths,
        *snap.titles,
        *[_NONE if d is None else d for d in snap.datelines],
        *snap.hashes,
        *snap.skip_paths,
        *snap.reasons,
    ]
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:
        return None
    ints = array("q", snap.days)
    for part in (snap.sizes, snap.mtimes, snap.skip_sizes, snap.skip_mtimes):
        ints.extend(part)
    text = joined.encode("utf-8", "surrogatepass")
    before = _HEADER.size + 8 * len(ints)
    width = 4 if before + 8 * (len(texts) + 1) + len(text) < 1 << 32 else 8
    text_at = before + width * (len(texts) + 1)
    if len(text) == len(joined):  # ASCII: a string's bytes are its characters
        lengths = map(add, map(len, texts), repeat(1))  # with the NUL after each
        starts = array(_CODES[width], accumulate(lengths, initial=text_at))
    else:
        starts = array(_CODES[width], string_starts(text, 0, len(text), text_at))
    body = ints.tobytes() + starts.tobytes() + text
    header = _HEADER.pack(
        _MAGIC,
        snap.walk_digest,
        len(snap.roots),
        len(snap.ids),
        len(snap.skip_paths),
        snap.max_bytes,
        len(ints),
        width,
        zlib.crc32(body),
    )
    return header + body


def stored_digest(blob: bytes) -> bytes | None:
    """The walk digest in ``blob`` (read before deciding to decode the rest)."""
    if len(blob) < _HEADER.size or blob[: len(_MAGIC)] != _MAGIC:
        return None
    digest: bytes = _HEADER.unpack_from(blob)[1]
    return digest


def state_of(blob: bytes) -> bytes:
    """What identifies the scan in ``blob``: its header (the walk's digest, the counts and the
    checksum of every listed path, id, title and content hash). Two scans with the same state
    listed the same files with the same stats and found the same articles in them."""
    return bytes(blob[: _HEADER.size])


def _layout(
    blob: bytes,
) -> tuple[bytes, int, int, int, int, array[int], array[int], int] | None:
    """(digest, roots, articles, skips, max_bytes, the integers, the strings' starts, where
    the strings start) of an intact blob this version wrote, else None."""
    if stored_digest(blob) is None:
        return None
    _magic, digest, n_roots, n_rows, n_skips, max_bytes, n_ints, width, crc = _HEADER.unpack_from(
        blob
    )
    n_starts = n_roots + 5 * n_rows + 2 * n_skips + 1
    ints_at = _HEADER.size
    starts_at = ints_at + 8 * n_ints
    text_at = starts_at + width * n_starts
    if n_ints != 3 * n_rows + 2 * n_skips or width not in _CODES or len(blob) < text_at:
        return None
    body = memoryview(blob)[_HEADER.size :]
    if zlib.crc32(body) != crc:
        return None
    ints = array("q")
    ints.frombytes(body[: 8 * n_ints])
    starts = array(_CODES[width])
    starts.frombytes(memoryview(blob)[starts_at:text_at])
    if starts[0] != text_at or starts[-1] != len(blob) + 1:
        return None
    return digest, n_roots, n_rows, n_skips, max_bytes, ints, starts, text_at


def decode(blob: bytes) -> Snapshot | None:
    """The snapshot in ``blob``, or None when it is not one this version wrote, intact."""
    laid = _layout(blob)
    if laid is None:
        return None
    digest, n_roots, n_rows, n_skips, max_bytes, ints, _starts, text_at = laid
    try:
        texts = str(memoryview(blob)[text_at:], "utf-8", "surrogatepass").split("\0")
    except UnicodeDecodeError:
        return None
    if len(texts) != n_roots + 5 * n_rows + 2 * n_skips:
        return None
    numbers = []
    at = 0
    for n in (n_rows, n_rows, n_rows, n_skips, n_skips):
        numbers.append(ints[at : at + n].tolist())
        at += n
    days, sizes, mtimes, skip_sizes, skip_mtimes = numbers
    parts = []
    at = 0
    for n in (n_roots, n_rows, n_rows, n_rows, n_rows, n_rows, n_skips, n_skips):
        parts.append(texts[at : at + n])
        at += n
    roots, ids, paths, titles, datelines, hashes, skip_paths, reasons = parts
    return Snapshot(
        tuple(roots),
        max_bytes,
        digest,
        ids,
        paths,
        titles,
        days,
        [None if d == _NONE else d for d in datelines],
        hashes,
        sizes,
        mtimes,
        skip_paths,
        reasons,
        skip_sizes,
        skip_mtimes,
    )


class PackedSnapshot(NamedTuple):
    """A snapshot whose articles stay packed (``packed.py``); the skips are plain lists."""

    roots: tuple[str, ...]
    max_bytes: int
    walk_digest: bytes
    articles: PackedSummaries
    skip_paths: list[str]
    reasons: list[str]
    skip_sizes: list[int]
    skip_mtimes: list[int]


def decode_packed(blob: bytes) -> PackedSnapshot | None:
    """``decode``, with the articles left in ``blob`` (read when asked for), or None."""
    laid = _layout(blob)
    if laid is None:
        return None
    digest, n_roots, n_rows, n_skips, max_bytes, ints, starts, _text_at = laid
    days, sizes, mtimes = (ints[i * n_rows : (i + 1) * n_rows] for i in range(3))
    at = 3 * n_rows
    skip_sizes, skip_mtimes = ints[at : at + n_skips].tolist(), ints[at + n_skips :].tolist()

    def texts(first: int, count: int) -> list[str]:
        return [
            blob[starts[k] : starts[k + 1] - 1].decode("utf-8", "surrogatepass")
            for k in range(first, first + count)
        ]

    try:
        roots = tuple(texts(0, n_roots))
        skips = n_roots + 5 * n_rows
        skip_paths, reasons = texts(skips, n_skips), texts(skips + n_skips, n_skips)
        # The magic and crc say ``encode`` wrote these bytes: every string in them decodes.
        articles = PackedSummaries(blob, starts, n_roots, n_rows, days, sizes, mtimes)
    except (UnicodeDecodeError, ValueError):
        return None
    return PackedSnapshot(
        roots, max_bytes, digest, articles, skip_paths, reasons, skip_sizes, skip_mtimes
    )
