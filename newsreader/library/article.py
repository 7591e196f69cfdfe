"""The Article model: what a parsed file is, and the light summary the list needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article without its body: enough for the list, the index's change checks and the state.

    ``id`` is stable and human-friendly: the path relative to its library root, without suffix.
    """

    id: str
    path: Path
    title: str
    date: date | None
    dateline: str | None
    size: int
    mtime_ns: int
    content_hash: str


@dataclass(frozen=True, slots=True)
class Article:
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


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not read as an article, and why (one line, for people)."""

    path: Path
    reason: str
