"""What a feed fetch reports: progress events while it runs, and the per-feed results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

FeedStatus = Literal["ok", "not modified", "failed", "cancelled"]


@dataclass(frozen=True, slots=True)
class SavedArticle:
    """A new article file written by a fetch."""

    path: Path
    title: str
    url: str
    """The entry's address."""
    feed_url: str
    from_summary: bool = False
    """True when the page could not be fetched and the feed's summary was saved instead."""
    note: str | None = None
    """Why the summary was used (one line), when it was."""


@dataclass(frozen=True, slots=True)
class EntryFailure:
    """An entry that was not saved, with a one-line reason."""

    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class FeedResult:
    """The outcome for one feed."""

    url: str
    title: str | None
    status: FeedStatus
    saved: tuple[SavedArticle, ...] = ()
    known: int = 0
    """Entries already in the library (skipped without a request)."""
    failures: tuple[EntryFailure, ...] = ()
    error: str | None = None
    """Why the whole feed failed (status "failed")."""
    limited: bool = False
    """Some new entries were left for the next run by the per-run limit."""
    notice: str | None = None
    """A warning for a feed that was read anyway (e.g. broken XML, partly salvaged)."""
    site: str | None = None
    """The feed's web site, when the feed names one."""

    @property
    def name(self) -> str:
        """The feed's title, or its address."""
        return self.title or self.url

    @property
    def new(self) -> int:
        """How many articles this feed added."""
        return len(self.saved)

    @property
    def from_summary(self) -> int:
        """How many of them are the feed's summary because the page failed."""
        return sum(1 for a in self.saved if a.from_summary)


@dataclass(frozen=True, slots=True)
class FetchReport:
    """The outcome of ``fetch_all``, feeds in subscription order."""

    results: tuple[FeedResult, ...]
    limit_reached: bool = False
    cancelled: bool = False
    seconds: float = 0.0
    notices: tuple[str, ...] = ()
    """Warnings about the articles folder (e.g. a broken ``.sources.json`` set aside)."""

    @property
    def saved(self) -> tuple[SavedArticle, ...]:
        """Every new article, feed by feed."""
        return tuple(a for r in self.results for a in r.saved)

    @property
    def new(self) -> int:
        """How many articles the run added."""
        return sum(r.new for r in self.results)

    @property
    def failed(self) -> tuple[FeedResult, ...]:
        """Feeds that could not be fetched or read at all."""
        return tuple(r for r in self.results if r.status == "failed")


@dataclass(frozen=True, slots=True)
class FeedStarted:
    """A feed is being requested."""

    feed_url: str
    title: str | None


@dataclass(frozen=True, slots=True)
class ArticleSaved:
    """A new article file exists (the library can be re-scanned to show it)."""

    article: SavedArticle
    total_new: int
    """Articles saved so far in this run."""


@dataclass(frozen=True, slots=True)
class EntryFailed:
    """An entry of a feed could not be saved; the fetch goes on."""

    feed_url: str
    failure: EntryFailure


@dataclass(frozen=True, slots=True)
class FeedFinished:
    """A feed is done (any status); ``done`` of ``total`` feeds are finished."""

    result: FeedResult
    done: int
    total: int


FeedEvent = FeedStarted | ArticleSaved | EntryFailed | FeedFinished
"""Everything ``fetch_all`` tells its ``progress`` callback."""
