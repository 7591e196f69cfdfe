"""The library's surface words with their article counts, read from the index's words field
(``schema.SurfaceWords``) and kept per segment.

Reading the term table is ~10 µs a term in Whoosh (about a second for 10k articles in a few
segments). Segments never change once written (only their deletions do, which a count for
spelling can ignore), so each segment's words are read once: kept in memory across searchers
and written beside the generation as ``vocab-<segment id>.txt`` for the next process.
Imports Whoosh only through the searcher it is given.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsreader.search.schema import WORDS
from newsreader.search.spelling import Vocabulary

PREFIX = "vocab-"
_SEGMENT_ID = re.compile(r"^[\w.-]{1,80}$")

SegmentCounts = tuple[tuple[str, ...], "array[int]"]
"""A segment's words (each string shared with every other segment's: ``sys.intern``) and
their article counts. Segments repeat most of the library's words: at 100k articles 42
segments held 852k words, 20k of them different, which as a dict a segment took ~64 MB and
this way ~12 MB."""
SegmentWords = dict[str, SegmentCounts]


def library_vocabulary(
    searcher: Any, folder: Path | None, memo: SegmentWords, previous: Vocabulary | None = None
) -> Vocabulary:
    """The vocabulary of every segment ``searcher`` reads; ``memo`` keeps each segment's
    words (segment id -> word -> articles) for the next searcher, ``previous`` lends its
    candidate index (and its sums, when it was summed from nearly the same segments)."""
    found: list[tuple[str | None, SegmentCounts]] = []
    stored = False
    for sub, _offset in searcher.leaf_searchers():
        reader = sub.reader()
        if WORDS not in reader.schema:
            continue  # an index from before the field: suggestions have no vocabulary
        seg_id = _segment_id(reader)
        words = memo.get(seg_id) if seg_id else None
        if words is None:
            read = _cached(folder, seg_id) if seg_id else None
            if read is None:
                read = _read(reader)
                if seg_id:
                    _store(folder, seg_id, read)
                    stored = True
            words = (tuple(map(sys.intern, read)), array("I", read.values()))
            if seg_id:
                memo[seg_id] = words
        found.append((seg_id, words))
    current = frozenset(seg_id for seg_id, _words in found if seg_id)
    # Sums can be carried from one vocabulary to the next only when every segment is named.
    named = current if len(current) == len(found) else None
    counts = _summed(found, named, memo, previous)
    for gone in [s for s in memo if s not in current]:
        del memo[gone]
    if stored and folder is not None:
        _forget_merged(folder, current)
    vocab = previous.rebased(counts) if previous is not None else Vocabulary(counts)
    if named is not None:
        vocab.segments = named
    return vocab


def _summed(
    found: list[tuple[str | None, SegmentCounts]],
    named: frozenset[str] | None,
    memo: SegmentWords,
    previous: Vocabulary | None,
) -> dict[str, int]:
    """Each word's articles over the ``found`` segments. From ``previous``'s sums when they
    were summed from segments most of which are still here (a commit adds one, a merge
    replaces a few): only the segments that came and went are counted. Summing every
    segment again cost seconds at 1M articles (829 segments, 20k words each)."""
    if previous is not None and previous.segments and named is not None:
        came, went = named - previous.segments, previous.segments - named
        if all(s in memo for s in went) and len(came) + len(went) < len(named) // 2:
            counts = dict(previous.counts)
            _add(counts, (words for seg_id, words in found if seg_id in came), 1)
            _add(counts, (memo[s] for s in went), -1)
            return counts
    counts = {}
    _add(counts, (words for _seg_id, words in found), 1)
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


def _forget_merged(folder: Path, current: frozenset[str]) -> None:
    """Remove the files of segments merged away since (they would only take space)."""
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{PREFIX}*.txt"):
            if path.name[len(PREFIX) : -len(".txt")] not in current:
                with contextlib.suppress(OSError):
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


def _store(folder: Path | None, seg_id: str, words: dict[str, int]) -> None:
    """Write the segment's words atomically; a read-only or full cache only costs speed."""
    if folder is None:
        return
    target = folder / f"{PREFIX}{seg_id}.txt"
    tmp = folder / f".{PREFIX}{seg_id}.{os.getpid()}.tmp"
    with contextlib.suppress(OSError):
        tmp.write_text("".join(f"{w}\t{n}\n" for w, n in words.items()), encoding="utf-8")
        os.replace(tmp, target)
    with contextlib.suppress(OSError):
        tmp.unlink()
