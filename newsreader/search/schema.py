"""The index schema: one document per article. Importing this imports Whoosh (~100 ms).

Stored: id, path, title, dateline, date and the body (paragraphs joined by blank lines), so
snippets and match positions come from the text that was indexed, without reading files.
Columns (fast to read for all documents at once): path and the change signature.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator
from struct import Struct
from typing import Any

from whoosh import fields, formats

from newsreader.search.analysis import index_positions, surface_words
from newsreader.search.neighbours import PREFIX as NEAR
from newsreader.search.neighbours import NearField
from newsreader.search.schema_version import SCHEMA_VERSION as SCHEMA_VERSION
from newsreader.search.tokenizer import NewsTokenizer
from newsreader.search.whoosh_read import bytes_column
from newsreader.search.word_pairs import PREFIX, PairField

_LITTLE = sys.byteorder == "little"
_UINT = Struct("!I")
"""Whoosh's big-endian 4-byte count before the positions (its ``pack_uint``)."""


def encode_positions(poslist: list[int]) -> bytes:
    """A posting's value: Whoosh's 4-byte count, then the positions as little-endian 16-bit
    (or, when one passes 65535, 32-bit) numbers; the width follows from the value's size."""
    arr = array("H" if poslist[-1] < 65536 else "I", poslist)
    if not _LITTLE:
        arr.byteswap()
    return _UINT.pack(len(poslist)) + arr.tobytes()


def decode_positions(value: bytes) -> array[int]:
    """The positions of ``encode_positions``, as an array (cheap to turn into a set)."""
    count = int.from_bytes(value[:4], "big")
    arr = array("H" if len(value) - 4 == 2 * count else "I", value[4:])
    if not _LITTLE:
        arr.byteswap()
    return arr


class NewsPositions(formats.Positions):  # type: ignore[misc]
    """Whoosh's ``Positions`` with the positions as a packed array instead of a pickle.

    Checking a phrase decodes the positions of every candidate article: ``pickle.loads`` of
    deltas was ~1 µs per posting plus a Python loop, an array is one C call; encoding at
    build time is ~3x cheaper and a single position takes 6 bytes instead of 13."""

    def encode(self, poslist: list[int]) -> bytes:
        return encode_positions(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring).tolist()


class NewsText(fields.TEXT):  # type: ignore[misc]
    """A TEXT field whose indexing skips Whoosh's per-token objects (~2x faster analysis).

    Produces exactly what ``Positions.word_values`` would with ``NewsTokenizer``.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(analyzer=NewsTokenizer(), phrase=True, **kwargs)
        self.format: formats.Format = NewsPositions(field_boost=self.format.field_boost)

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        encode = self.format.encode
        for term, poslist in index_positions(value).items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)


class SurfaceWords(fields.FieldType):  # type: ignore[misc]
    """Every word of the article as typed, unstemmed (``analysis.surface_words``): the
    vocabulary that did-you-mean and ``word~`` choose from, kept current by the index itself
    (a term's document frequency is how many articles use the word). Neither stored nor
    scored: a posting is just the article."""

    def __init__(self) -> None:
        super().__init__(formats.Existence(), None, scorable=False, stored=False)

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for word in surface_words(value):
            yield word.encode("utf-8"), 1, 1.0, b""


WORDS = "words"
"""The field of surface words (title, dateline and body)."""

PAIRED = ("body",)
"""Text fields whose adjacent common words are also indexed as pairs (``word_pairs.py``), and
whose other words' common neighbours are indexed too (``neighbours.py``). Not titles: their
posting lists are short (a common word is in at most ~half the titles)."""


def make_schema(common: frozenset[str] = frozenset(), near: bool = False) -> fields.Schema:
    """A fresh Schema object (Whoosh schemas are mutable; never share one). ``common``: the
    index generation's common words (``pairs.read_common``); none means no pairs. ``near``:
    with the neighbours field (``neighbours.indexed``)."""
    return fields.Schema(
        path=fields.ID(unique=True, stored=True, sortable=True),
        sig=fields.COLUMN(bytes_column()),
        id=fields.STORED(),
        title=NewsText(stored=True),
        dateline=NewsText(stored=True),
        body=NewsText(stored=True),
        date=fields.NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        words=SurfaceWords(),
        **{PREFIX + name: PairField(name, common) for name in PAIRED},
        **{NEAR + name: NearField(name, common) for name in PAIRED if near},
    )


def path_key(path: str) -> str:
    """The index's key of a file: its path, or, for a name that is not UTF-8 (Whoosh terms
    are), ``~`` and the name's bytes in hex (a real key is an absolute path: it starts with
    ``/``)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "~" + path.encode("utf-8", "surrogateescape").hex()
    return path


def key_path(key: str) -> str:
    """The path ``path_key`` made ``key`` from."""
    if key.startswith("~"):
        return bytes.fromhex(key[1:]).decode("utf-8", "surrogateescape")
    return key


def signature(size: int, mtime_ns: int, content_hash: str) -> bytes:
    """What the index remembers of a file to tell whether it changed."""
    return f"{size}:{mtime_ns}:{content_hash}".encode()


def date_number(day: Any) -> int | None:
    """A date as the sortable number yyyymmdd."""
    return None if day is None else day.year * 10000 + day.month * 100 + day.day
