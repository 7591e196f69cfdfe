"""The library's surface words with their article counts, read from the index's words field
(``schema.SurfaceWords``) and kept per segment.

Reading the term table is ~10 µs a term in Whoosh (about a second for 10k articles in a few
segments). Segments never change once written (only their deletions do, which a count for
spelling can ignore), so each segment's words are read once and written beside the
generation as ``vocab-<segment id>.txt``. A vocabulary keeps only their sums; a merge that
takes segments away reads their files again to subtract them.
Imports Whoosh only through the searcher it is given.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsreader.search.schema import WORDS
from newsreader.search.spelling import Vocabulary

PREFIX = "vocab-"
STALE_S = 3600.0
"""Seconds after which a words file of a segment no searcher reads is removed."""
_SEGMENT_ID = re.compile(r"^[\w.-]{1,80}$")

SegmentCounts = tuple[tuple[str, ...], "array[int]"]
"""A segment's words (each string shared with every other segment's: ``sys.intern``) and
their article counts."""
SegmentWords = dict[str, SegmentCounts | None]
"""The segments counted so far. None: the words are in the segment's file beside the
generation, read again only when the segment goes. Held in memory only when no file could
be written. Segments repeat most of the library's words: at 100k articles 42 segments held
852k words, 20k of them different; even as interned tuples and arrays that was ~12 MB of the
app's memory, for a read that happens once per merge."""


def library_vocabulary(
    searcher: Any, folder: Path | None, memo: SegmentWords, previous: Vocabulary | None = None
) -> Vocabulary:
    """The vocabulary of every segment ``searcher`` reads; ``memo`` records the segments
    counted (``SegmentWords``) for the next searcher, ``previous`` lends its candidate index
    (and its sums, when it was summed from nearly the same segments)."""
    segments: list[tuple[str | None, Any]] = []
    for sub, _offset in searcher.leaf_searchers():
        reader = sub.reader()
        if WORDS in reader.schema:  # (an index from before the field has no vocabulary)
            segments.append((_segment_id(reader), reader))
    current = frozenset(seg_id for seg_id, _reader in segments if seg_id)
    # Sums can be carried from one vocabulary to the next only when every segment is named.
    named = current if len(current) == len(segments) else None
    words = _Words(folder, memo)
    counts = _carried(segments, named, words, previous)
    if counts is None:
        counts = {}
        _add(counts, (words.of(seg_id, reader) for seg_id, reader in segments), 1)
    went = [s for s in memo if s not in current]
    for gone in went:
        del memo[gone]
    if (words.stored or went) and folder is not None:
        _forget_merged(folder, current, went)
    vocab = previous.rebased(counts) if previous is not None else Vocabulary(counts)
    if named is not None:
        vocab.segments = named
    return vocab


class _Words:
    """Reads segments' words: from the memo, the segment's file, or the segment itself
    (then writing its file)."""

    def __init__(self, folder: Path | None, memo: SegmentWords) -> None:
        self.folder = folder
        self.memo = memo
        self.stored = False
        """Was a segment's file written (files of merged segments may be left to remove)?"""

    def of(self, seg_id: str | None, reader: Any) -> SegmentCounts:
        """The words of a segment of the open generation."""
        held = self.memo.get(seg_id) if seg_id else None
        if held is not None:
            return held
        read = _cached(self.folder, seg_id) if seg_id else None
        on_disk = read is not None
        if read is None:
            read = _read(reader)
            on_disk = bool(seg_id) and store_words(self.folder, str(seg_id), read)
            self.stored |= on_disk
        if seg_id and on_disk:
            self.memo[seg_id] = None
            return tuple(read), array("I", read.values())
        words = (tuple(map(sys.intern, read)), array("I", read.values()))
        if seg_id:
            self.memo[seg_id] = words
        return words

    def gone(self, seg_id: str) -> SegmentCounts | None:
        """The words of a segment no longer read; None when they are lost (another process
        removed its file)."""
        held = self.memo.get(seg_id)
        if held is not None:
            return held
        read = _cached(self.folder, seg_id) if seg_id in self.memo else None
        return None if read is None else (tuple(read), array("I", read.values()))


def _carried(
    segments: list[tuple[str | None, Any]],
    named: frozenset[str] | None,
    words: _Words,
    previous: Vocabulary | None,
) -> dict[str, int] | None:
    """Each word's articles from ``previous``'s sums when they were summed from segments
    most of which are still here (a commit adds one, a merge replaces a few): only the
    segments that came and went are counted. Summing every segment again cost seconds at 1M
    articles (829 segments, 20k words each). None: sum them all."""
    if previous is None or not previous.segments or named is None:
        return None
    came, went = named - previous.segments, previous.segments - named
    if len(came) + len(went) >= len(named) // 2:
        return None
    taken = [words.gone(s) for s in went]
    if not all(taken):
        return None
    counts = dict(previous.counts)
    _add(counts, (words.of(s, r) for s, r in segments if s in came), 1)
    _add(counts, (t for t in taken if t is not None), -1)
    return counts


def _add(counts: dict[str, int], segments: Iterable[SegmentCounts], sign: int) -> None:
    get = counts.get
    for words, numbers in segments:
        for word, n in zip(words, numbers, strict=True):
            total = get(word, 0) + sign * n
            if total > 0:
                counts[word] = total
            else:
                counts.pop(word, None)


def _forget_merged(folder: Path, current: frozenset[str], went: list[str]) -> None:
    """Remove the files of segments merged away since (they would only take space): those
    this searcher saw go, and others' not read for ``STALE_S``. A file newer than that may
    be a segment this searcher is too old to know (a join's, written before it is
    published)."""
    gone = set(went)
    stale = time.time() - STALE_S
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{PREFIX}*.txt"):
            seg_id = path.name[len(PREFIX) : -len(".txt")]
            if seg_id in current:
                continue
            with contextlib.suppress(OSError):
                if seg_id in gone or path.stat().st_mtime < stale:
                    path.unlink()


def _segment_id(reader: Any) -> str | None:
    try:
        seg_id = str(reader.segment().segment_id())
    except Exception:  # a reader without segments (an empty index): nothing to keep
        return None
    return seg_id if _SEGMENT_ID.match(seg_id) else None


def _read(reader: Any) -> dict[str, int]:
    words: dict[str, int] = {}
    for btext, info in reader.iter_field(WORDS):
        word = btext.decode("utf-8", "replace") if isinstance(btext, bytes) else str(btext)
        words[word] = int(info.doc_frequency())
    return words


def _cached(folder: Path | None, seg_id: str) -> dict[str, int] | None:
    if folder is None:
        return None
    try:
        text = (folder / f"{PREFIX}{seg_id}.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    words: dict[str, int] = {}
    try:
        for line in text.splitlines():
            word, _, n = line.rpartition("\t")
            words[word] = int(n)
    except ValueError:
        return None  # damaged: read the segment again
    return words


def store_words(folder: Path | None, seg_id: str, words: dict[str, int]) -> bool:
    """Write a segment's words file atomically (a join's too, which counts its words as it
    writes them); False when it could not be (a read-only or full cache only costs speed and
    memory)."""
    if folder is None:
        return False
    target = folder / f"{PREFIX}{seg_id}.txt"
    tmp = folder / f".{PREFIX}{seg_id}.{os.getpid()}.tmp"
    stored = False
    with contextlib.suppress(OSError):
        tmp.write_text("".join(f"{w}\t{n}\n" for w, n in words.items()), encoding="utf-8")
        os.replace(tmp, target)
        stored = True
    with contextlib.suppress(OSError):
        tmp.unlink()
    return stored
