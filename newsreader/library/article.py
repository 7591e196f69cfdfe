"""The Article model: what a parsed file is, and the light summary the list needs."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from datetime import date
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from newsreader.library.blocks import PLAIN, Block


class _SummaryFields(NamedTuple):
    id: str
    path_str: str
    """``str(self.path)`` without building the ``Path``."""
    title: str
    date: _dt.date | None
    dateline: str | None
    size: int
    mtime_ns: int
    content_hash: str


class ArticleSummary(_SummaryFields):
    """An article without its body: enough for the list, the index's change checks and the state.

    ``id`` is stable and human-friendly: the path relative to its library root, without suffix.

    Immutable and compared and hashed by value, but a tuple underneath: a start-up builds one
    per article straight from the last scan's columns in C (``summaries``), far faster than
    through Python setters, and ``path`` is built only when asked for (``path_str`` is the
    same path as a string, for free).
    """

    __slots__ = ()
    __match_args__ = ("id", "path", "title", "date", "dateline", "size", "mtime_ns", "content_hash")

    def __new__(
        cls,
        id: str,
        path: Path | str,
        title: str,
        date: _dt.date | None,
        dateline: str | None,
        size: int,
        mtime_ns: int,
        content_hash: str,
    ) -> ArticleSummary:
        return _new(cls, (id, str(Path(path)), title, date, dateline, size, mtime_ns, content_hash))

    @property
    def path(self) -> Path:
        """The article's file (a new ``Path`` each time: hot loops use ``path_str``)."""
        return _child_path(self.path_str)

    def __repr__(self) -> str:
        values = (self.id, self.path, *self[2:])
        inner = ", ".join(f"{n}={v!r}" for n, v in zip(self.__match_args__, values, strict=True))
        return f"ArticleSummary({inner})"

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError  # only a bug gets here

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[ArticleSummary], tuple[object, ...]]:
        return (ArticleSummary, tuple(self))

    def __copy__(self) -> ArticleSummary:
        return self

    def __deepcopy__(self, memo: object) -> ArticleSummary:
        return self


_new = tuple.__new__
_folders: dict[str, Path] = {}


def _child_path(path: str) -> Path:
    """``Path(path)`` for an absolute, normalised path (the scanner's), ~2x cheaper: built as
    a child of its (cached) folder, the way ``Path.iterdir`` builds its results."""
    folder, sep, name = path.rpartition("/")
    parent = _folders.get(folder)
    if parent is None:
        if len(_folders) > 10_000:
            _folders.clear()
        parent = _folders[folder] = Path(folder or "/")
    make = getattr(parent, "_make_child_relpath", None)  # CPython 3.11-3.13; else the slow way
    if not sep or not name or make is None:
        return Path(path)
    child = make(name)
    return child if isinstance(child, Path) and str(child) == path else Path(path)


def make_summary(
    id: str,
    path: str,
    title: str,
    date: _dt.date | None,
    dateline: str | None,
    size: int,
    mtime_ns: int,
    content_hash: str,
) -> ArticleSummary:
    """An ``ArticleSummary`` from an absolute, normalised path string (the scanner's)."""
    return _new(ArticleSummary, (id, path, title, date, dateline, size, mtime_ns, content_hash))


def summaries(*columns: Iterable[object]) -> tuple[ArticleSummary, ...]:
    """Summaries from parallel columns (id, path string, title, date, dateline, size,
    mtime_ns, hash), as ``make_summary`` would make them one by one, without a Python call
    per article."""
    return tuple(map(_new, repeat(ArticleSummary), zip(*columns, strict=True)))


class Article(NamedTuple):
    """A parsed article. ``paragraphs`` are the body paragraphs, title/date/noise removed."""

    id: str
    path: Path
    title: str
    date: date | None
    dateline: str | None
    paragraphs: tuple[str, ...]
    size: int
    mtime_ns: int
    content_hash: str
    truncated: str | None = None
    """What of a very long file was left out (shown and searched: its beginning), or None."""
    blocks: tuple[Block, ...] = ()
    """How each paragraph is shown (heading, list item, quote, code; emphasis and links),
    one per paragraph; empty when every paragraph is plain text."""

    def block(self, index: int) -> Block:
        """How paragraph ``index`` is shown."""
        return self.blocks[index] if self.blocks else PLAIN

    @property
    def summary(self) -> ArticleSummary:
        """This article without its body."""
        return ArticleSummary(
            id=self.id,
            path=self.path,
            title=self.title,
            date=self.date,
            dateline=self.dateline,
            size=self.size,
            mtime_ns=self.mtime_ns,
            content_hash=self.content_hash,
        )

    @property
    def text(self) -> str:
        """The body as one string, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)


class Skipped(NamedTuple):
    """A file that was not read as an article, and why (one line, for people)."""

    path: Path
    reason: str
