"""Adjacent segments joined into one by copying what they hold, not by indexing their
articles again.

A full build writes a segment per ``build.SEGMENT_POSTINGS`` (what fits in its memory, ~2,400
articles a process), so 1M articles made 415 segments, and every word a query looks up costs
a term-table lookup in each (~200 µs with a cold page cache). Whoosh's own merge copies
postings one at a time through matchers (~50 ms a document) and an update's merge indexes
the documents again from what they stored (~5 ms). Here each term's postings are read a
block at a time from every segment and written as the bulk writer writes them, and each
document's stored fields, columns and length bytes are copied: the joined segment holds what
a build of the same live documents into one segment would. Deleted documents are left out;
their exact field lengths, which the totals BM25 averages still count, are had from their
stored text analysed again. Imports Whoosh.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader

from newsreader.search import whoosh_blocks as blocks
from newsreader.search.schema import WORDS
from newsreader.search.vocab import store_words
from newsreader.search.whoosh_read import (
    LENGTHS,
    Segment,
    deleted_docs,
    open_generation,
    stored_length_bytes,
)
from newsreader.search.whoosh_write import BulkWriter, FieldTerms

JOIN_DOCS = 50_000
"""Documents a joined segment holds at most: 1M articles in ~20 segments. The join holds one
term's postings at a time and each field's length per document, so its memory does not grow
with this; a bigger segment only takes longer to write again."""


def runs(segments: Sequence[Segment], most: int = JOIN_DOCS) -> list[range]:
    """Positions of adjacent segments to join, two or more at a time, each run holding at
    most ``most`` documents and none holding more than half of it. Only segments of under a
    quarter of ``most`` documents (a build's): a bigger joined one is not written again to
    take in the one-article segments of later updates (their own merge policy takes those)."""
    found: list[range] = []
    start, docs = 0, 0
    for i, seg in enumerate([*segments, None]):
        size = None if seg is None else seg.doc_count_all()
        if size is not None and size >= most // 4:
            size = None
        if size is not None and docs + size <= most:
            docs += size
            continue
        run = range(start, i)
        # A part holding most of the run (a segment joined before, beside what updates
        # added since) waits for as much again: each document is written again only a few
        # times, not at every session.
        if len(run) >= 2 and 2 * max(segments[j].doc_count_all() for j in run) <= docs:
            found.append(run)
        start, docs = (i, size) if size is not None else (i + 1, 0)
    return found


def _deleted(seg: Segment) -> frozenset[int]:
    whole: Any = seg  # a W3Segment
    return frozenset(whole.deleted_docs())


def has_run(folder: Path) -> bool:
    """Has the generation in ``folder`` segments to join (``runs``)?"""
    ix: Any = open_generation(folder)
    try:
        return bool(runs(ix._read_toc().segments))
    finally:
        ix.close()


def copy_run(folder: Path, scratch: Path) -> Joined | None:
    """Write the first run of the generation's segments (``runs``) joined, into ``scratch``
    (a new folder inside ``folder``), without any lock: segment files never change, and a
    commit meanwhile only removes them, which open readers do not notice. None: no run."""
    ix: Any = open_generation(folder)
    try:
        toc = ix._read_toc()
        found = runs(toc.segments)
        if not found:
            return None
        parts = [toc.segments[i] for i in found[0]]
        scratch.mkdir()
        writer = _JoinWriter(_Scratch(FileStorage(str(scratch)), ix), ix.storage, parts)
        segment = writer.write()
        ids = [seg.segment_id() for seg in parts]
        empty = not segment.doc_count_all()  # every document deleted: the parts just go
        return Joined(None if empty else segment, ids, [_deleted(seg) for seg in parts], scratch)
    finally:
        ix.close()


class Joined(NamedTuple):
    """A joined segment waiting in its scratch folder for ``publish``."""

    segment: Any
    """None when every document of the parts was deleted."""
    parts: list[str]
    """The segment ids it replaces, in order."""
    deleted: list[frozenset[int]]
    """Each part's deleted documents when it was copied (left out of the joined one)."""
    scratch: Path


def publish(folder: Path, joined: Joined) -> bool:
    """Put ``joined`` in its parts' place in a new table of contents. Call with the writers'
    lock held. False (nothing changed) when the parts are no longer there side by side with
    the deletions they had: an update deleted from or merged one meanwhile."""
    ix: Any = open_generation(folder)
    try:
        toc = ix._read_toc()
        ids = [seg.segment_id() for seg in toc.segments]
        try:
            at = ids.index(joined.parts[0])
        except ValueError:
            return False
        span = toc.segments[at : at + len(joined.parts)]
        if ids[at : at + len(joined.parts)] != joined.parts:
            return False
        if [_deleted(seg) for seg in span] != joined.deleted:
            return False
        joined_one = []
        if joined.segment is not None:
            for name in os.listdir(joined.scratch):
                os.replace(joined.scratch / name, folder / name)
            joined_one.append(joined.segment)
        kept = [*toc.segments[:at], *joined_one, *toc.segments[at + len(joined.parts) :]]
        generation = toc.generation + 1
        TOC(toc.schema, kept, generation).write(ix.storage, ix.indexname)
        clean_files(ix.storage, ix.indexname, generation, kept)
        return True
    finally:
        ix.close()


class _Scratch:
    """What a segment writer reads of an index, with its files going to another storage."""

    def __init__(self, storage: Any, ix: Any) -> None:
        self.storage = storage
        self.indexname = ix.indexname
        self._toc = ix._read_toc()

    def _read_toc(self) -> Any:
        return self._toc


class _JoinWriter(BulkWriter):
    """A segment writer whose one segment is ``parts`` joined, in their order."""

    def __init__(self, ix: Any, storage: Any, parts: list[Segment]) -> None:
        """``ix``: where the segment is written; ``storage``: where ``parts`` are."""
        super().__init__(ix, _lk=False)
        unstored = [n for n, f in self.schema.items() if f.scorable and not f.stored]
        if unstored and any(map(_deleted, parts)):
            raise ValueError(f"a deleted document's {unstored[0]} length cannot be known")
        self._parts = [SegmentReader(storage, self.schema, seg) for seg in parts]
        self._renumbered: list[list[int] | None] = []
        """Per part: its documents' numbers here (``_renumbering``)."""
        self._bases: list[int] = []
        """Per part: the number here of its first live document."""

    def write(self) -> Any:
        """The joined segment, its files written."""
        try:
            self._copy_documents()
            return self._finalize_segment()
        finally:
            for reader in self._parts:
                reader.close()
            self._finish()

    def _copy_documents(self) -> None:
        schema = self.schema
        perdoc = self.perdocwriter
        stored = [name for name, field in schema.items() if field.stored]
        columns = [(name, field.column_type) for name, field in schema.items() if field.column_type]
        scored = [name for name, field in schema.items() if field.scorable]
        totals = dict.fromkeys(scored, 0)
        self._lengths = {name: {} for name in scored}
        for reader in self._parts:
            found = [(name, stored_length_bytes(reader, name)) for name in scored]
            lengths = [(name, column) for name, column in found if column is not None]
            readers = [(n, t, reader.column_reader(n, translate=False)) for n, t in columns]
            for name in scored:
                totals[name] += reader.field_length(name)
            deleted = deleted_docs(reader)
            self._bases.append(self.docnum)
            self._renumbered.append(_renumbering(reader.doc_count_all(), deleted, self.docnum))
            for docnum in range(reader.doc_count_all()):
                values = reader.stored_fields(docnum)
                if docnum in deleted:
                    # Its exact lengths, from its text analysed again, leave the totals.
                    for name in scored:
                        totals[name] -= _length_of(schema[name], values.get(name))
                    continue
                perdoc.start_doc(self.docnum)
                for name in stored:
                    if name in values:
                        perdoc.add_field(name, schema[name], values[name], 0)
                for name, column_bytes in lengths:
                    length = LENGTHS[column_bytes[docnum]] if column_bytes[docnum] else 0
                    if length:
                        perdoc.add_field(name, schema[name], None, length)
                        self._lengths[name][self.docnum] = length
                for name, column, values_of in readers:
                    perdoc.add_column_value(name, column, values_of[docnum])
                perdoc.finish_doc()
                self.docnum += 1
        # The exact totals, not the sums of the rounded lengths added above.
        perdoc._fieldlengths.clear()
        perdoc._fieldlengths.update({name: n for name, n in totals.items() if n})
        self._added = True

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        names = sorted({n for reader in self._parts for n in reader.indexed_field_names()})
        words: dict[str, int] = {}
        for name in names:
            if name not in self.schema:
                continue
            field = self.schema[name]
            writer = FieldTerms(fw, name, field, self._lengths.get(name, {}))
            size = field.format.fixed_value_size()
            for btext, found in groupby(self._terms_of(name), key=itemgetter(0)):
                ids: list[int] = []
                weights: list[float] = []
                values: list[Any] = []
                for _btext, i, info, reader, base in found:
                    renumbered = self._renumbered[i]
                    if renumbered is None:
                        more = blocks.read_copy(reader, info, base, size)
                    else:
                        more = _renumber(blocks.read_copy(reader, info, 0, size), renumbered)
                    ids += more[0]
                    weights += more[1]
                    values += more[2]
                if ids:  # (a term only deleted documents had is gone)
                    writer.write(btext, ids, weights, values)
                    if name == WORDS:
                        words[btext.decode("utf-8", "replace")] = len(ids)
            fw.finish_field()
        fw.close()
        # The did-you-mean words of the joined segment, exact: its surface words' lists.
        store_words(Path(self.storage.folder), self.newsegment.segment_id(), words)

    def _terms_of(self, name: str) -> Iterator[tuple[bytes, int, Any, Any, int]]:
        """(term, part, its term info there, the part's reader, its first docnum here) for
        every term of the field in every part, by term, then part."""
        bases = self._bases

        def of(i: int, reader: Any) -> Iterator[tuple[bytes, int, Any, Any, int]]:
            if name not in reader.indexed_field_names():
                return
            # The term table itself: ``iter_field`` makes its prefix through the field's
            # ``to_bytes``, which a number field refuses for "".
            for (fieldname, btext), info in reader._terms.items_from(name, b""):
                if fieldname != name:
                    return
                yield btext, i, info, reader, bases[i]

        return heapq.merge(*(of(i, r) for i, r in enumerate(self._parts)), key=itemgetter(0, 1))


def _renumbering(count: int, deleted: frozenset[int], first: int) -> list[int] | None:
    """Each of a part's documents' number in the joined segment (-1: deleted, left out), or
    None when none is deleted (its numbers are then its own plus ``first``)."""
    if not deleted:
        return None
    numbers = []
    for docnum in range(count):
        if docnum in deleted:
            numbers.append(-1)
        else:
            numbers.append(first)
            first += 1
    return numbers


def _renumber(
    postings: tuple[list[int], list[float], list[Any]], numbers: list[int]
) -> tuple[list[int], list[float], list[Any]]:
    """A part's postings without its deleted documents, numbered as in the joined segment."""
    kept = [(numbers[d], w, v) for d, w, v in zip(*postings, strict=True) if numbers[d] >= 0]
    return [k[0] for k in kept], [k[1] for k in kept], [k[2] for k in kept]


def _length_of(field: Any, value: object) -> int:
    """The exact length a build gave a document's field: the frequencies of its terms."""
    if not value:
        return 0
    return sum(freq for _btext, freq, _weight, _value in field.index(value))
