"""Everything that writes Whoosh's internals: the segment writer of full builds (postings
gathered per term, written a block at a time, through hooks into Whoosh's posting writer) and
the merge policy of updates. No other module of ours touches a Whoosh internal for writing.

Whoosh's ``SegmentWriter`` turns every posting into a tuple, sorts them all, then hands them one
by one to the postings writer (~12 µs per posting, most of a full build). Here each term keeps
its own lists while documents are added, and a flush writes each term's postings in blocks of
128 through Whoosh's own block writer. The files are Whoosh's (``test_bulk_writer`` compares
them posting by posting with Whoosh's writer). Relies on private parts of whoosh-reloaded
2.7.5's ``W3PostingsWriter``: the release is pinned exactly in pyproject.toml and checked when
``whoosh_read`` loads (imported with the schema). Imports Whoosh.
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Callable, Iterable
from itertools import chain, repeat
from operator import sub
from types import MethodType
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import MERGE_SMALL, SegmentWriter

from newsreader.search.analysis import index_positions, index_sequence, surface_words
from newsreader.search.schema import NewsText, SurfaceWords, encode_positions
from newsreader.search.whoosh_read import Index, Segment
from newsreader.search.word_pairs import DerivedField

_Postings = tuple[list[int], list[Any], list[bytes]]


Restore = Callable[[Any], Iterable[dict[str, Any]]]
"""The fields to add each live document of a segment again with, from its reader."""


class BulkWriter(SegmentWriter):  # type: ignore[misc]
    """``SegmentWriter`` for a new segment: ``add_document``, then ``_finalize_segment()``
    (or ``commit()``). No field boosts, term vectors or spelling fields (the schema has none).

    ``restore`` lets a commit merge segments (``add_reader``): their documents are added
    again from what they stored."""

    def __init__(self, ix: Index, restore: Restore | None = None, **kwargs: object) -> None:
        super().__init__(ix, **kwargs)
        self._restore = restore
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: term vectors and spelling need Whoosh's writer")
        self._terms: dict[str, dict[bytes, _Postings]] = {}
        self._text_terms: dict[str, dict[str, _Postings]] = {}
        self._lengths: dict[str, dict[int, int]] = {}
        self._analyzed: dict[str, tuple[str, dict[str, list[int]], list[tuple[str, ...]]]] = {}
        self._paired = {
            field.source
            for _name, field in self.schema.items()
            if isinstance(field, DerivedField) and field.common
        }
        """Text fields whose token sequence the pairs and neighbours need."""
        self._derived = {
            name: field.source
            for name, field in self.schema.items()
            if isinstance(field, DerivedField)
        }
        """Fields made from another one (``add_document`` fills them in from it)."""
        self.postings = 0
        """Postings held in memory (the caller starts a new segment past a limit)."""

    def add_document(self, **fields: object) -> None:
        self._check_state()
        if any(name.startswith("_") for name in fields):
            raise ValueError("boosts and custom stored values need Whoosh's writer")
        schema = self.schema
        for name, source in self._derived.items():
            if source in fields:
                fields.setdefault(name, fields[source])
        self._check_fields(schema, fields)
        docnum = self.docnum
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            # Pairs and neighbours last: they reuse the analysis of their text field.
            for name in sorted(fields, key=lambda n: (isinstance(schema[n], DerivedField), n)):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    length = self._add_postings(name, field, docnum, value)
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader: Any) -> None:
        """Take a segment being merged away (a merge policy calls this): its live documents
        indexed again from their stored fields. Whoosh's own ``add_reader`` copies postings
        through a pool this writer never flushes, and at ~50 ms of CPU per document merged
        (a reader and a matcher per term) cost more than indexing them again (~5 ms)."""
        if self._restore is None:
            raise ValueError("merging needs the restore function of the documents")
        for doc in self._restore(reader):
            self.add_document(**doc)

    def _add_postings(self, name: str, field: Any, docnum: int, value: Any) -> int:
        if isinstance(field, NewsText):
            return self._add_text(name, docnum, value)
        if isinstance(field, DerivedField):
            self._add_derived(name, field, docnum, value)
            return 0
        if isinstance(field, SurfaceWords):
            self._add_words(name, docnum, value)
            return 0
        terms = self._terms.setdefault(name, {})
        length = 0
        for btext, freq, weight, vbytes in field.index(value):
            length += freq
            self.postings += 1
            postings = terms.get(btext)
            weight = float(weight)  # SegmentWriter multiplies by a 1.0 field boost
            if postings is None:
                terms[btext] = ([docnum], [weight], [vbytes])
            else:
                postings[0].append(docnum)
                postings[1].append(weight)
                postings[2].append(vbytes)
        return self._length(name, field, docnum, length)

    def _add_text(self, name: str, docnum: int, value: str) -> int:
        """``NewsText.index`` inlined: terms stay ``str`` until the flush (same sort order as
        their UTF-8 bytes); weights are the frequencies as ints (no boosts), made floats when
        a block is written."""
        terms = self._text_terms.setdefault(name, {})
        get = terms.get
        seq: list[tuple[str, ...]] = []
        if name in self._paired:
            positions, seq = index_sequence(value)
        else:
            positions = index_positions(value)
        for term, poslist in positions.items():
            postings = get(term)
            value_bytes = _single(poslist[0]) if len(poslist) == 1 else encode_positions(poslist)
            if postings is None:
                terms[term] = ([docnum], [len(poslist)], [value_bytes])
            else:
                postings[0].append(docnum)
                postings[1].append(len(poslist))
                postings[2].append(value_bytes)
        self.postings += len(positions)
        if name in self._paired:
            self._analyzed[name] = (value, positions, seq)
        length = sum(map(len, positions.values()))
        return self._length(name, self.schema[name], docnum, length)

    def _add_derived(self, name: str, field: DerivedField, docnum: int, value: str) -> None:
        """A pair or neighbour field's postings: one each, of weight 1, with a fixed value."""
        analyzed = self._analyzed.get(field.source)
        if analyzed and analyzed[0] is value:
            positions, seq = analyzed[1], analyzed[2]
        else:
            positions, seq = index_sequence(value)
        found = field.values(positions, seq)
        self._add_unscored(name, docnum, found.items())
        # About half the memory of a word posting: no positions of its own.
        self.postings += len(found) // 2

    def _add_words(self, name: str, docnum: int, value: str) -> None:
        """``SurfaceWords.index`` inlined: one unscored posting and no value per word (kept
        as ``str`` until the flush, like the text fields' terms)."""
        words = surface_words(value)
        self._add_unscored(name, docnum, zip(words, repeat(b"")))
        self.postings += len(words)

    def _add_unscored(self, name: str, docnum: int, found: Iterable[tuple[str, bytes]]) -> None:
        """A posting of weight 1 for each (term, value), in this document."""
        terms = self._text_terms.setdefault(name, {})
        for term, value_bytes in found:
            postings = terms.get(term)
            if postings is None:
                terms[term] = ([docnum], [1], [value_bytes])
            else:
                postings[0].append(docnum)
                postings[1].append(1)
                postings[2].append(value_bytes)

    def _length(self, name: str, field: Any, docnum: int, length: int) -> int:
        if not field.scorable:
            return 0
        if length:
            # What the postings writer would read back from the length column.
            self._lengths.setdefault(name, {})[docnum] = byte_to_length(length_to_byte(length))
        return length

    def close_share(self) -> Segment:
        """End this writer's segment and return it for a table of contents written elsewhere.

        Not ``_finish()``: that deletes the temporary folder every writer of this index shares
        (MAIN.tmp), under the other build processes' feet; ``write_contents`` does it once."""
        segment: Segment = self._finalize_segment()
        self.is_closed = True
        return segment

    def write_contents(self, segments: list[Segment]) -> None:
        """Publish ``segments`` (from ``close_share``) as the index's table of contents; this
        writer has added nothing of its own."""
        try:
            self._close_segment()
            self._commit_toc(segments)
        finally:
            self._finish()

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        for name in sorted({*self._terms, *self._text_terms}):
            if name in self._text_terms:
                terms: Any = self._text_terms.pop(name)  # freed as we go
                keys = [(t.encode("utf-8"), t) for t in sorted(terms)]
            else:
                terms = self._terms.pop(name)
                keys = [(b, b) for b in sorted(terms)]
            field = FieldTerms(fw, name, self.schema[name], self._lengths.get(name, {}))
            for btext, key in keys:
                field.write(btext, *terms[key])
            fw.finish_field()
        fw.close()


class FieldTerms:
    """Writes one field's terms, in order, into a segment's field writer: a short list inside
    its term entry (``INLINE``), a longer one a block at a time."""

    def __init__(self, fw: Any, name: str, field: Any, lengths: dict[int, int]) -> None:
        """``lengths``: each document's field length as its length byte gives it back."""
        fw.start_field(name, field)
        self._fw = fw
        self._pw = pw = fw._postwriter
        pw._write_block = MethodType(_write_block, pw)
        self._lengths = lengths
        self._inline = INLINE if isinstance(field, (DerivedField, NewsText, SurfaceWords)) else 0
        self._scored = lengths if field.scorable else None
        # A format without values (the surface words) reads back None for each posting.
        self._valueless = field.format.fixed_value_size() == 0

    def write(self, btext: bytes, ids: list[int], weights: list[Any], values: list[Any]) -> None:
        """One term's postings, its documents in order."""
        fw = self._fw
        if len(ids) <= self._inline:
            if self._valueless:
                values = [None] * len(ids)
            _write_inlined(fw, btext, ids, weights, values, self._scored)
            return
        fw.start_term(btext)
        _write_postings(self._pw, ids, weights, values, self._lengths)
        fw.finish_term()


INLINE = 8
"""Terms of the text, pair and surface-word fields with at most this many postings are kept
inside their term entry instead of a posting list of their own. Most terms are rare (one to
eight articles), and writing a one-block list per term (its header, two pickles, the
postings file) was most of what a build spent per term and nearly all of what an update's
one-article segment cost. Whoosh reads inlined postings (``W3TermInfo.inlined_postings``),
and so does ``whoosh_blocks._blocks``; Whoosh's own writer never inlines (its
``finish_postings`` calls ``set_inline``, a method ``W3TermInfo`` lacks)."""


def _write_inlined(
    fw: Any,
    btext: bytes,
    ids: list[int],
    weights: list[Any],
    values: list[bytes] | list[None],
    lengths: dict[int, int] | None,
) -> None:
    """The term entry ``W3FieldWriter.finish_term`` would write for this posting list (what
    ``W3TermInfo.add_block`` records of its one block), with the postings inside.
    ``lengths``: the field's document lengths, for a scored field."""
    floats = [float(w) for w in weights]
    known = [x for x in map(lengths.get, ids) if x] if lengths is not None else []
    info = W3TermInfo(
        weight=float(sum(floats)),
        df=len(ids),
        minlength=min(known) if known else None,
        maxlength=max(known) if known else 0,
        maxweight=max(floats),
        minid=ids[0],
        maxid=ids[-1],
    )
    info.set_inlined(ids, floats, values)
    fw._tindex.add(pack_ushort(fw._fieldid) + btext, info.to_bytes())


def _write_postings(
    pw: Any, ids: list[int], weights: list[Any], values: list[bytes], lengths: dict[int, int]
) -> None:
    """What ``W3PostingsWriter.add_posting`` does per posting, a block at a time; the last
    block stays buffered for ``finish_postings``."""
    limit = pw._blocklimit
    n = len(ids)
    for start in range(0, n, limit):
        end = min(start + limit, n)
        block_ids = ids[start:end]
        pw._ids = array("I", block_ids)
        pw._weights = array("f", weights[start:end])
        block_values = values[start:end]
        pw._values = block_values if all(block_values) else [v for v in block_values if v]
        heaviest = max(pw._weights)
        pw._maxweight = float(heaviest) if heaviest > 0 else 0
        block_lengths = [x for x in map(lengths.get, block_ids) if x]
        pw._minlength = min(block_lengths) if block_lengths else None
        pw._maxlength = max(block_lengths) if block_lengths else 0
        if end < n:
            pw._write_block()


_singles: list[bytes] = []


def _single(pos: int) -> bytes:
    """The value of a term seen once, at ``pos`` (most postings): made once per position."""
    if pos >= len(_singles):
        if pos > 100_000:
            return encode_positions([pos])
        _singles.extend(encode_positions([p]) for p in range(len(_singles), pos + 1))
    return _singles[pos]


COMPRESS_MIN = 256
"""Blocks smaller than this are stored uncompressed: a ``zlib.compress`` call costs ~20 µs
whatever the size and saves nothing on the one-posting blocks of rare words (most terms)."""
COMPRESSION = 1
"""zlib level: 1 is ~30% faster than Whoosh's 3 and, on packed arrays, as small."""


def _write_block(pw: Any, last: bool = False) -> None:
    """``W3PostingsWriter._write_block`` with its per-posting loops done in C.

    Same block layout, with three differences the reader does not see: document number gaps
    and weights are pickled as packed arrays rather than tuples of Python numbers (the reader
    only iterates and indexes them), with pickle protocol 4, and blocks are compressed at
    level 1 and only when worth it (the reader follows each block's compression flag).
    Measured on a 3,000-article flush: 4.4 -> 2.4 CPU s, postings 17.5 -> 10.9 MB."""
    if not pw._blockcount:
        pw._postfile.write(WHOOSH3_HEADER_MAGIC)
    pw._terminfo.add_block(pw)
    ids = pw._ids
    count = len(ids)
    gaps = array("I", map(sub, ids, chain((0,), ids)))  # numlists.delta_encode
    if count > 1 and max(gaps) < 65536:
        gaps = array("H", gaps)
    weights = pw._weights
    mini_weights: Any
    if weights.count(1.0) == count:
        mini_weights = None
    elif weights.count(weights[0]) == count:
        mini_weights = weights[0]
    else:
        mini_weights = weights
    databytes = pickle.dumps((gaps, mini_weights, pw._mini_values()), 4)
    comp = COMPRESSION if len(databytes) >= COMPRESS_MIN else 0
    if comp:
        databytes = zlib.compress(databytes, comp)
    infobytes = pickle.dumps(
        (
            count,
            ids[-1],
            pw._maxweight,
            comp,
            length_to_byte(pw._minlength),
            length_to_byte(pw._maxlength),
        ),
        2,
    )
    blocklength = len(infobytes) + len(databytes)
    # One write of what write_int and two writes would give (three Python calls per block).
    pw._postfile.write(pack_int(-blocklength if last else blocklength) + infobytes + databytes)
    pw._blockcount += 1
    pw._new_block()


def merge_small(writer: object, segments: list[Segment], limit: int) -> list[Segment]:
    """Whoosh's ``MERGE_SMALL`` over the segments of fewer than ``limit`` documents only."""
    big = [seg for seg in segments if seg.doc_count_all() >= limit]
    small = [seg for seg in segments if seg.doc_count_all() < limit]
    return big + list(MERGE_SMALL(writer, small))
