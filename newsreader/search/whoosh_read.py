"""Everything that reads Whoosh's internals, behind a small API of our own: opening an index
generation, a segment's term table, field lengths, deletions, a stored column's type and
BM25F's per-field ``B``. Imports Whoosh; besides this module only ``whoosh_blocks`` (posting
blocks) and ``whoosh_write`` (writing) touch a Whoosh internal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from newsreader.errors import UserError
from newsreader.search.generations import WHOOSH_VERSION


class WhooshVersionError(UserError, ImportError):
    """The installed Whoosh is not the release the adapters read and write: the user's to
    fix (one line, exit code 2 on the command line), never a traceback."""


def check_whoosh_version() -> None:
    """Refuse a Whoosh other than the pinned release: its private parts may differ."""
    # The package's own version, not importlib.metadata's (~15 ms to import and search
    # sys.path: a sizeable share of a whole ``newsreader search``).
    import whoosh

    found = ".".join(map(str, getattr(whoosh, "__version__", ("none",))))
    if found != WHOOSH_VERSION:
        raise WhooshVersionError(
            f"newsreader needs whoosh-reloaded=={WHOOSH_VERSION} (installed: {found}); "
            f"reinstall with: pip install 'whoosh-reloaded=={WHOOSH_VERSION}'"
        )


check_whoosh_version()

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as WHOOSH3_HEADER_MAGIC  # noqa: E402  (after the check)
from whoosh.columns import VarBytesColumn  # noqa: E402
from whoosh.matching import AndNotMatcher as AndNotMatcher  # noqa: E402
from whoosh.matching import IntersectionMatcher as IntersectionMatcher  # noqa: E402
from whoosh.matching import NullMatcher as NullMatcher  # noqa: E402
from whoosh.matching import WrappingMatcher as WrappingMatcher  # noqa: E402
from whoosh.query.spans import Span as Span  # noqa: E402
from whoosh.query.spans import SpanWrappingMatcher as SpanWrappingMatcher  # noqa: E402
from whoosh.reading import TermNotFound  # noqa: E402
from whoosh.util.numeric import byte_to_length  # noqa: E402


class TermInfo(Protocol):
    """What the engine asks of a term's entry in one segment's term table."""

    def doc_frequency(self) -> int: ...


class Weighting(Protocol):
    """The BM25F parameters the engine reproduces."""

    K1: float
    B: float


# --- the index as the rest of search/ sees it ----------------------------------------------
# Whoosh has no type hints, so its objects are untyped to mypy; these are the few parts we
# use, described as our own types. A Whoosh index, searcher, reader or query satisfies them.


class Field(Protocol):
    def to_bytes(self, value: str | bytes) -> bytes: ...


class Schema(Protocol):
    def __contains__(self, fieldname: object) -> bool: ...

    def __getitem__(self, fieldname: str) -> Field: ...

    def items(self) -> Iterable[tuple[str, Field]]: ...


class Reader(Protocol):
    """One segment's reader (or all segments' together: ``Searcher.reader``)."""

    schema: Schema

    def doc_count_all(self) -> int: ...

    def doc_frequency(self, fieldname: str, text: str | bytes) -> int: ...

    def __contains__(self, term: tuple[str, bytes]) -> bool: ...

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterable[bytes]: ...

    def __enter__(self) -> Reader: ...

    def __exit__(self, *exc: object) -> None: ...


class Matcher(Protocol):
    """Whoosh's matcher of one segment: the documents a query node matches, in order."""

    def is_active(self) -> bool: ...

    def id(self) -> int: ...

    def score(self) -> float: ...

    def next(self) -> object: ...

    def copy(self) -> Matcher: ...

    def value_as(self, astype: str) -> list[int]: ...


class Results(Protocol):
    """Whoosh's search results: (docnum, score) best first, and how many matched."""

    def items(self) -> Iterable[tuple[int, float]]: ...

    def __len__(self) -> int: ...


class WhooshQuery(Protocol):
    """A Whoosh query node: what its matchers and tree walks need."""

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher: ...

    def accept(self, fn: Callable[[WhooshQuery], WhooshQuery]) -> WhooshQuery: ...

    def normalize(self) -> WhooshQuery: ...


class Searcher(Protocol):
    """An open searcher over every segment of a generation (or, from ``leaf_searchers``, over
    one segment, numbered from its ``offset``)."""

    weighting: Weighting
    schema: Schema

    def leaf_searchers(self) -> list[tuple[Searcher, int]]: ...

    def reader(self) -> Reader: ...

    def get_parent(self) -> Searcher: ...

    def doc_count_all(self) -> int: ...

    def avg_field_length(self, fieldname: str) -> float: ...

    def context(self) -> object: ...

    def boolean_context(self) -> object: ...

    def stored_fields(self, docnum: int) -> dict[str, object]: ...

    def search(self, q: WhooshQuery, limit: int | None = 10) -> Results: ...

    def up_to_date(self) -> bool: ...

    def close(self) -> None: ...

    def __enter__(self) -> Searcher: ...

    def __exit__(self, *exc: object) -> None: ...


class Writer(Protocol):
    """The writer of an update (Whoosh's ``SegmentWriter``)."""

    def add_document(self, **fields: object) -> None: ...

    def update_document(self, **fields: object) -> None: ...

    def delete_by_term(self, fieldname: str, text: str) -> int: ...

    def commit(self, mergetype: object = None) -> None: ...

    def cancel(self) -> None: ...


class Segment(Protocol):
    """A segment's entry in the table of contents (what a merge policy weighs)."""

    def doc_count_all(self) -> int: ...


class Index(Protocol):
    """One open index generation."""

    def searcher(self) -> Searcher: ...

    def reader(self) -> Reader: ...

    def writer(self, timeout: float = 0.0) -> Writer: ...

    def latest_generation(self) -> int: ...

    def close(self) -> None: ...


LENGTHS = [byte_to_length(i) for i in range(256)]
"""Field length for each stored length byte (Whoosh keeps lengths as one lossy byte)."""


def term_info(reader: Reader, fieldname: str, btext: bytes) -> TermInfo | None:
    """The term's ``W3TermInfo`` in one segment, or None: one lookup in its term table
    (``(field, text) in reader``, ``doc_frequency`` and ``term_info`` are one each)."""
    segment: Any = reader  # a SegmentReader: its private term table
    try:
        info: TermInfo = segment._terms.term_info(fieldname, btext)
        return info
    except (KeyError, TermNotFound):
        return None


def field_length_bytes(reader: Reader, fieldname: str) -> bytes:
    """Each document's field length as Whoosh stores it (one byte), read in one go; 1 each
    when the segment has no lengths of the field."""
    held = stored_length_bytes(reader, fieldname)
    return b"\x01" * int(reader.doc_count_all()) if held is None else held


def stored_length_bytes(reader: Reader, fieldname: str) -> bytes | None:
    """Each document's stored length byte of the field (0: none), or None when the segment
    has no lengths of it (no document had the field)."""
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    segment: Any = reader  # a SegmentReader: its private per-document columns
    column = segment._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is None:
        return None
    lengths = bytes(column._dbfile.get(column._basepos, column._count))
    return lengths + bytes(int(reader.doc_count_all()) - len(lengths))


def doc_keys(reader: Reader) -> dict[str, int]:
    """The stored ``path`` key of every live document, with its docnum."""
    whole: Any = reader  # the public column API, which our Protocol leaves out
    paths = whole.column_reader("path")
    return {str(paths[docnum]): int(docnum) for docnum in whole.all_doc_ids()}


def doc_signatures(reader: Reader) -> list[tuple[str, bytes]]:
    """The stored ``path`` key and ``sig`` of every live document (two columns, no stored
    text)."""
    whole: Any = reader  # the public column API, which our Protocol leaves out
    paths = whole.column_reader("path")
    sigs = whole.column_reader("sig")
    return [(str(paths[docnum]), bytes(sigs[docnum])) for docnum in whole.all_doc_ids()]


def deleted_docs(reader: Reader) -> frozenset[int]:
    """The segment's deleted docnums (their postings are still in)."""
    segment: Any = reader  # a SegmentReader
    return frozenset(segment.deleted_docs_set) if segment.has_deletions() else frozenset()


def field_b(weighting: Weighting, fieldname: str) -> float:
    """BM25F's ``B`` for one field (a per-field override, else the model's)."""
    per_field: dict[str, float] = getattr(weighting, "_field_B", {})
    return float(per_field.get(fieldname, weighting.B))


def bytes_column() -> object:
    """The column type of a variable-length bytes value (stored per document, unindexed)."""
    return VarBytesColumn()


def open_generation(folder: Path) -> Index:
    """Open a Whoosh index generation with its own common words (``word_pairs.py``), with plain
    reads, not ``mmap``: a segment file truncated while mapped kills the whole process with
    SIGBUS, where a read raises and the index heals."""
    from whoosh.filedb.filestore import FileStorage

    from newsreader.search import neighbours
    from newsreader.search.schema import make_schema
    from newsreader.search.word_pairs import read_common

    schema = make_schema(read_common(folder), neighbours.indexed(folder))
    ix: Index = FileStorage(str(folder), supports_mmap=False).open_index(schema=schema)
    return ix


def more_like(
    searcher: Searcher, docnum: int, fieldname: str, text: str, top: int, numterms: int
) -> list[tuple[int, float]]:
    """Whoosh's more-like-this for one document over one field: the ``numterms`` key terms of
    ``text`` (the document's stored field: the schema keeps no term vectors) searched for,
    the document itself left out; (docnum, score) pairs, best first."""
    if not text.strip():
        return []
    results: Any = searcher.more_like(  # type: ignore[attr-defined]
        docnum, fieldname, text=text, top=top, numterms=numterms
    )
    return [(int(d), float(s)) for d, s in results.items()]


def document_number(searcher: Searcher, path_key: str) -> int | None:
    """The document number of the article indexed under ``path_key``, or None."""
    found: Any = searcher.document_number(path=path_key)  # type: ignore[attr-defined]
    return None if found is None else int(found)
