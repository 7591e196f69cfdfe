"""Reading state and bookmarks as plain data; the store hands these out, widgets render them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ReadingState:
    """Per-article reading state."""

    article_id: str
    read: bool = False
    progress: int = 0
    """0-100 per cent."""
    paragraph: int = 0
    offset: int = 0
    """Character offset inside ``paragraph`` (or line offset, as the reader chooses)."""
    first_opened: datetime | None = None
    last_opened: datetime | None = None
    quote: str = ""
    """The first words of the text at ``paragraph``/``offset`` when it was saved ("" when
    unknown), to find the same passage again after the article changed."""
    starred: bool = False
    tags: tuple[str, ...] = ()
    """The user's own tags, as spelled, in the order added (never the article's source tags)."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a bookmark sits in the current text of its article."""

    paragraph: int
    start: int
    end: int
    pieces: tuple[tuple[int, int, int], ...] = ()
    """Every (paragraph, start, end) the passage covers now; more than one after a paragraph
    split. ``paragraph``/``start``/``end`` are the first piece. Empty means just that one."""
    confidence: float = 1.0
    """1.0 for an exact match of the saved quote; lower for a fuzzy re-attachment."""


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A saved passage with an optional note, anchored by its text and context."""

    uuid: str
    article_id: str
    article_title: str
    quote: str
    prefix: str
    """~32 characters before the quote, for re-anchoring."""
    suffix: str
    """~32 characters after the quote."""
    paragraph: int
    start: int
    end: int
    note: str
    created: datetime
    updated: datetime
    orphaned: bool = False
    """The passage could not be found in the article's current text with confidence."""


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query kept under a name: a list of the articles it matches, kept current."""

    name: str
    query: str
    sort: str
    """``relevance`` or ``date``."""
    seen: frozenset[str]
    """What it matched when the user last looked at it, by article id and by content hash
    (``app.saved_lists.seen_keys``); an article known by neither is new."""
    last_seen: datetime | None
    created: datetime
    updated: datetime
