"""A term's posting blocks in one segment, as Whoosh 3's codec writes them: read whole
(``read_postings``, ``read_fixed``) or known from their headers first (``PostingBlocks``),
so a long list can be decompressed only where it matters. Imports Whoosh; with
``whoosh_read`` and ``whoosh_write`` the only modules that touch its internals.

``W3LeafMatcher`` reads the same bytes one posting at a time through Python method calls;
here each block is one read slice, one ``zlib.decompress`` and one ``pickle.loads``.
"""

from __future__ import annotations

import io
import os
import pickle
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, compress, islice
from typing import Any

from newsreader.search.whoosh_read import WHOOSH3_HEADER_MAGIC, Reader, TermInfo

HEAD_BYTES = 48
"""More than a block header takes: six small numbers pickled (~30 bytes). ``pickle.loads``
stops at the header's end, so a slice this long reads it without knowing its length."""


def read_postings(
    reader: Reader, info: TermInfo, values: bool, wanted: list[int] | None = None, offset: int = 0
) -> tuple[list[int], list[float], list[bytes]]:
    """All (docnum + ``offset``, weight[, value]) of a term in one segment (``info`` is its
    term info there), a block at a time; with ``wanted`` (sorted docnums of the segment),
    only the blocks whose range holds one of them, and only those documents.

    Reads Whoosh 3 codec blocks directly (``W3LeafMatcher`` reads the same bytes one posting
    at a time); deleted documents are still in."""
    ids: list[int] = []
    weights: list[float] = []
    out_values: list[bytes] = []
    for block_ids, count, block_weights, block_values in _blocks(reader, info, wanted, offset):
        ids.extend(block_ids)
        _add_weights(weights, block_weights, count)
        if values:
            out_values.extend(block_values)
    if wanted is not None and ids:  # the other documents of the blocks read: not asked for
        # One mask and C loops: a tuple a posting cost ~1.4 ms a segment's list at 1M.
        mask = list(map({d + offset for d in wanted}.__contains__, ids))
        ids, weights = list(compress(ids, mask)), list(compress(weights, mask))
        out_values = list(compress(out_values, mask)) if values else []
    return ids, weights, out_values


def _add_weights(weights: list[float], block_weights: Any, count: int) -> None:
    """A block's weights as it stores them: None (all 1.0), one float (all the same) or one
    each."""
    if block_weights is None:
        weights.extend([1.0] * count)
    elif isinstance(block_weights, float):
        weights.extend([block_weights] * count)
    else:
        weights.extend(block_weights)


def read_copy(
    reader: Reader, info: TermInfo, offset: int, value_size: int | None
) -> tuple[list[int], list[float], list[Any]]:
    """Every (docnum + ``offset``, weight, value) of a term in one segment, a value per
    posting whatever the format (``value_size``: its ``fixed_value_size()``; None for none),
    to be written into another segment (``whoosh_merge``)."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[Any] = []
    for block_ids, count, block_weights, block_values in _blocks(reader, info, None, offset):
        ids.extend(block_ids)
        _add_weights(weights, block_weights, count)
        if block_values is None or value_size == 0:
            values.extend([None] * count)
        elif isinstance(block_values, bytes) and value_size:
            values.extend(
                block_values[k : k + value_size] for k in range(0, len(block_values), value_size)
            )
        else:
            values.extend(block_values)
    return ids, weights, values


def read_fixed(reader: Reader, info: TermInfo, offset: int = 0) -> tuple[list[int], bytes]:
    """The docnums (+ ``offset``) of a term in one segment and its fixed-size values, joined."""
    ids: list[int] = []
    blobs: list[bytes] = []
    for block_ids, _count, _weights, block_values in _blocks(reader, info, None, offset):
        ids.extend(block_ids)
        blobs.append(block_values if isinstance(block_values, bytes) else b"".join(block_values))
    return ids, b"".join(blobs)


def _blocks(
    reader: Reader, term: TermInfo, wanted: list[int] | None = None, offset: int = 0
) -> Iterator[tuple[Iterable[int], int, Any, Any]]:
    """(docnums + ``offset``, count, weights, values) of each block, as the block stores
    them; with ``wanted``, blocks whose docnums (after the last block's, up to their header's
    last one) hold none of those are skipped without being decompressed or unpickled."""
    info: Any = term  # a W3TermInfo
    if info.is_inlined():
        ids, weights, vals = info.inlined_postings()
        yield [d + offset for d in ids], len(ids), list(weights), vals
        return
    data = _posting_list(reader, info)
    stream = io.BytesIO(data)
    pos = 4
    after = -1  # the previous block's last docnum
    while True:
        blocklength = int.from_bytes(data[pos : pos + 4], "big", signed=True)
        end = pos + 4 + abs(blocklength)
        stream.seek(pos + 4)
        count, maxid, _maxweight, compression, _minlen, _maxlen = pickle.load(stream)
        if wanted is not None:
            i = bisect_right(wanted, after)
            after = maxid
            if i == len(wanted) or wanted[i] > maxid:
                if blocklength < 0 or i == len(wanted):
                    break
                pos = end
                continue
        raw = data[stream.tell() : end]
        block_ids, block_weights, block_values = pickle.loads(
            zlib.decompress(raw) if compression else raw
        )
        # each block is delta-coded from 0: the running sum from ``offset``, less its start
        yield (
            islice(accumulate(block_ids, initial=offset), 1, None),
            count,
            block_weights,
            block_values,
        )
        if blocklength < 0:
            break
        pos = end


def _posting_list(reader: Reader, info: Any) -> bytes:
    """The bytes of a term's posting list in one segment (not inlined), in one read."""
    start, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct's 1-tuple
        length = length[0]
    segment: Any = reader  # a SegmentReader: its private postings file
    data: bytes = segment._terms._postfile.get(start, length)
    if data[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh 3 posting list")
    return data


def _list_reader(reader: Reader, info: Any) -> Callable[[int, int], bytes]:
    """Reads ``(pos, n)`` of a term's posting list in one segment: ``os.pread`` on the
    segment's file, which moves no shared file position; the whole list read once where the
    storage is not a plain file."""
    segment: Any = reader  # a SegmentReader: its private postings file
    sub = segment._terms._postfile.file  # a SubFile of the segment's compound file
    whole, base = getattr(sub, "_file", None), getattr(sub, "_offset", None)
    start, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps struct's 1-tuple
        length = length[0]
    if isinstance(whole, io.BufferedReader) and isinstance(base, int):
        fd, at = whole.fileno(), base + start
        if os.pread(fd, 4, at) != WHOOSH3_HEADER_MAGIC:
            raise ValueError("not a Whoosh 3 posting list")
        return lambda pos, n: os.pread(fd, max(0, min(n, length - pos)), at + pos)
    data = _posting_list(reader, info)
    return lambda pos, n: data[pos : pos + n]


class PostingBlocks:
    """One term's posting blocks in one segment, known from their headers: each block's last
    document (global docnum), its heaviest weight and its shortest field length (a length
    byte), which together bound the score of every document in it. ``postings(i)``
    decompresses block ``i``; a block holds the documents after the previous one's last.

    Only the headers are read (one small ``pread`` each, where the segment is a plain file):
    a common word's list carries every position, tens of kilobytes a block."""

    __slots__ = ("_ends", "_inlined", "_offset", "_read", "_starts", "lasts", "lengths", "weights")

    def __init__(self, reader: Reader, term: TermInfo, offset: int) -> None:
        info: Any = term  # a W3TermInfo
        self._offset = offset
        self._inlined: tuple[list[int], list[float]] | None = None
        if info.is_inlined():
            ids, inlined_weights, _values = info.inlined_postings()
            found = ([d + offset for d in ids], [float(w) for w in inlined_weights])
            self._inlined = found
            # length byte 0: the shortest there is, so the bound holds whatever its length
            self.lasts, self.weights, self.lengths = [found[0][-1]], [max(found[1])], [0]
            self._starts, self._ends = [], []
            return
        read = self._read = _list_reader(reader, info)
        lasts: list[int] = []
        weights: list[float] = []
        lengths: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        loads, from_bytes = pickle.loads, int.from_bytes
        pos = 4
        while True:
            head = read(pos, 4 + HEAD_BYTES)
            blocklength = from_bytes(head[:4], "big", signed=True)
            _count, maxid, maxweight, _comp, minlength, _maxlength = loads(head[4:])
            lasts.append(maxid + offset)
            weights.append(maxweight)
            lengths.append(minlength)
            starts.append(pos + 4)
            pos += 4 + abs(blocklength)
            ends.append(pos)
            if blocklength < 0:
                break
        self.lasts, self.weights, self.lengths = lasts, weights, lengths
        self._starts, self._ends = starts, ends

    def postings(self, i: int) -> tuple[list[int], list[float]]:
        """Block ``i``'s global docnums, ascending, and their weights (deleted ones still in)."""
        if self._inlined is not None:
            return self._inlined
        start = self._starts[i]
        stream = io.BytesIO(self._read(start, self._ends[i] - start))
        count, _maxid, _maxweight, compression, _minlength, _maxlength = pickle.load(stream)
        raw = stream.read()
        gaps, weights, _values = pickle.loads(zlib.decompress(raw) if compression else raw)
        ids = list(islice(accumulate(gaps, initial=self._offset), 1, None))
        if weights is None:
            return ids, [1.0] * count
        if isinstance(weights, float):
            return ids, [weights] * count
        return ids, list(weights)
