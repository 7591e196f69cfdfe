"""Tag and saved-search names as the user types them: any Unicode, one line, compared without
regard to case but kept as spelled. No SQLite here: the CLI checks a name before it opens
the store."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

NAME_MAX = 80
"""The longest name, in characters: a tag is a label, not a note."""

# C0 and C1 controls, DEL, bidi overrides and isolates, and surrogates: a name is shown on
# screen and typed back, so none of these can be part of one.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def normalise(name: str, what: str = "tag") -> str:
    """``name`` in NFC with every run of whitespace one space, ends trimmed. Raises
    ValueError (one line) for an empty name, a control character or one too long."""
    if _CONTROL.search(name):
        raise ValueError(f"{what} name contains a control character")
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise ValueError(f"{what} name is empty")
    if len(cleaned) > NAME_MAX:
        raise ValueError(f"{what} name is longer than {NAME_MAX} characters")
    return cleaned


@lru_cache(maxsize=8192)  # a list of 10k articles asks for the same few tags' keys
def key(name: str) -> str:
    """What two spellings of one name have in common: ``Économie`` and ``économie`` match."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def merged(current: Iterable[str], add: Iterable[str], remove: Iterable[str]) -> tuple[str, ...]:
    """``current`` with ``remove`` taken out and ``add`` put in (at the end, in order); a tag
    already there keeps its first spelling, and each appears once."""
    gone = {key(t) for t in remove}
    out: dict[str, str] = {}
    for tag in current:
        if key(tag) not in gone:
            out.setdefault(key(tag), tag)
    for tag in add:
        out.setdefault(key(tag), tag)
    return tuple(out.values())


def split_tags(text: str) -> list[str]:
    """The tags of a line of comma-separated values, read as a CSV line is: a tag with a
    comma in it is quoted (``"Gaza, north"``), a quote inside a quoted tag doubled; empty
    pieces dropped."""
    rows = list(csv.reader([text], skipinitialspace=True))
    return [piece for piece in (rows[0] if rows else []) if piece.strip()]


def join_tags(tags: Iterable[str]) -> str:
    """Tags as one line that ``split_tags`` reads back to the same tags."""
    return ", ".join('"' + t.replace('"', '""') + '"' if "," in t or '"' in t else t for t in tags)
