"""The merge: what one article, bookmark or feed is, given every change known for it.

Each function here depends only on the *set* of changes (duplicates and order do not
matter), so every device that holds the same changes holds the same state, however they
arrived and however often. The rules:

- Article read mark, reading position and star, a saved search's query and sort, a setting:
  the change with the latest stamp wins, each on its own. First and last opened: the
  earliest and the latest seen.
- Bookmarks, feeds, saved searches and each user tag on an article are observed-remove sets:
  a removal takes away only the changes it had seen, so an add or an edit it had not seen
  keeps the thing (an edit on one device and a delete on the other keep the bookmark, with
  the edited note, and the saved search, with the edited query; a tag added on one device
  and removed on the other stays). A tag keeps the spelling of its latest add.
- A note is a multi-value register: an edit replaces the notes it had seen. Edits made apart
  are all kept, joined under a conflict line, until the next edit (which has seen them all)
  replaces them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from newsreader.sync.changes import TYPES, Change

CONFLICT_LINE = "──── note edited on two devices; both versions kept ────"
"""Put between the versions of a note edited apart: the user sees both and keeps what they
want by editing it once."""


_ARTICLE_KINDS = frozenset(k for k, t in TYPES.items() if t.entity == "article")
"""Compared by kind, not ``Change.entity``: this runs for every change of a merge."""


@dataclass(frozen=True, slots=True)
class ArticleState:
    """An article's synced state; None for what no change has said."""

    content_hash: str
    id: str
    path: str
    title: str
    read: bool | None
    position: tuple[int, int, int, str] | None
    """(paragraph, offset, progress, quote)."""
    first_opened: int | None
    last_opened: int | None
    """Milliseconds since the epoch."""
    updated: int
    starred: bool | None = None


@dataclass(frozen=True, slots=True)
class BookmarkState:
    """A bookmark's synced state."""

    uuid: str
    alive: bool
    fields: dict[str, Any]
    """The body of its latest ``bookmark`` change (the passage and the article)."""
    note: str
    conflict: bool
    updated: int


@dataclass(frozen=True, slots=True)
class FeedState:
    """A feed subscription's synced state."""

    key: str
    alive: bool
    url: str
    title: str | None
    category: str | None


@dataclass(frozen=True, slots=True)
class TagState:
    """One user tag on one article (by content hash)."""

    content_hash: str
    key: str
    alive: bool
    name: str
    """The spelling of its latest add."""
    identity: dict[str, Any]
    """The article as the latest add knew it: id, path, title."""


@dataclass(frozen=True, slots=True)
class SearchState:
    """A saved search, by its name's key."""

    key: str
    alive: bool
    name: str
    query: str
    sort: str
    updated: int


@dataclass(frozen=True, slots=True)
class SettingState:
    """A remembered setting (the list's sort order)."""

    key: str
    value: str


def distinct(changes: Iterable[Change]) -> list[Change]:
    """One change per stamp, in stamp order. Two different bodies under one stamp (a device
    that reused one) keep the one whose text sorts first, on every device alike."""
    best: dict[str, Change] = {}
    for c in changes:
        held = best.get(c.id)
        if held is None or (c.kind, c.key, c.encoded()) < (held.kind, held.key, held.encoded()):
            best[c.id] = c
    return [best[k] for k in sorted(best)]


def article(content_hash: str, changes: Iterable[Change]) -> ArticleState | None:
    """The merged state of the article with this content hash; None without changes."""
    mine = [c for c in distinct(changes) if c.kind in _ARTICLE_KINDS]
    if not mine:
        return None
    # One pass in stamp order (this runs once per article a sync touches): the last of each.
    read: Change | None = None
    pos: Change | None = None
    star: Change | None = None
    opened: list[int] = []
    for c in mine:
        kind = c.kind
        if kind == "read":
            read = c
        elif kind == "position":
            pos = c
        elif kind == "opened":
            opened.append(int(c.body["at"]))
        elif kind == "star":
            star = c
    last = mine[-1]
    body = last.body
    place = pos.body if pos is not None else None
    return ArticleState(
        content_hash=content_hash,
        id=str(body["id"]),
        path=str(body["path"]),
        title=str(body["title"]),
        read=bool(read.body["read"]) if read is not None else None,
        position=(
            (
                int(place["paragraph"]),
                int(place["offset"]),
                int(place["progress"]),
                str(place["quote"]),
            )
            if place is not None
            else None
        ),
        first_opened=min(opened) if opened else None,
        last_opened=max(opened) if opened else None,
        updated=last.wall,  # stamps sort by their wall clock first: the last is the latest
        starred=bool(star.body["starred"]) if star is not None else None,
    )


def bookmark(uuid: str, changes: Iterable[Change]) -> BookmarkState | None:
    """The merged bookmark; None while no change has said which passage it marks."""
    mine = [c for c in distinct(changes) if c.entity == "bookmark"]
    puts = [c for c in mine if c.kind == "bookmark"]
    if not puts:
        return None
    writes = [c for c in mine if c.kind in ("bookmark", "note")]
    removed = frozenset().union(*(c.seen for c in mine if c.kind == "unbookmark"))
    replaced = frozenset().union(*(c.seen for c in writes))
    alive = any(w.id not in removed for w in writes)
    current = [w for w in writes if w.id not in replaced]
    kept = [w for w in current if w.id not in removed] or current or writes[-1:]
    notes: list[str] = []
    for w in kept:  # stamp order: the same text on two devices is one version, not two
        text = str(w.body["note"])
        if text not in notes:
            notes.append(text)
    notes = [n for n in notes if n] or notes[:1]
    return BookmarkState(
        uuid=uuid,
        alive=alive,
        fields=dict(puts[-1].body),
        note=f"\n{CONFLICT_LINE}\n".join(notes),
        conflict=len(notes) > 1,
        updated=max(c.wall for c in mine),
    )


def feed(key: str, changes: Iterable[Change]) -> FeedState | None:
    """The merged subscription; None without an add."""
    mine = [c for c in distinct(changes) if c.entity == "feed"]
    adds = [c for c in mine if c.kind == "feed"]
    if not adds:
        return None
    removed = frozenset().union(*(c.seen for c in mine if c.kind == "unfeed"))
    live = [a for a in adds if a.id not in removed]
    body = (live or adds)[-1].body
    return FeedState(
        key=key,
        alive=bool(live),
        url=str(body["url"]),
        title=body.get("title"),
        category=body.get("category"),
    )


def _live(mine: list[Change], add: str, remove: str) -> tuple[list[Change], list[Change]]:
    """(adds, the adds no removal had seen), in stamp order."""
    adds = [c for c in mine if c.kind == add]
    removed = frozenset().union(*(c.seen for c in mine if c.kind == remove))
    return adds, [a for a in adds if a.id not in removed]


def tag(key: str, changes: Iterable[Change]) -> TagState | None:
    """The merged tag (``key``: ``changes.tag_key``); None without an add."""
    adds, live = _live([c for c in distinct(changes) if c.entity == "tag"], "tag", "untag")
    if not adds:
        return None
    body = (live or adds)[-1].body
    content_hash, _, tag_key = key.partition(" ")
    return TagState(
        content_hash=content_hash,
        key=tag_key,
        alive=bool(live),
        name=str(body["name"]),
        identity={k: str(body[k]) for k in ("id", "path", "title")},
    )


def search(key: str, changes: Iterable[Change]) -> SearchState | None:
    """The merged saved search; None without a save."""
    mine = [c for c in distinct(changes) if c.entity == "search"]
    adds, live = _live(mine, "search", "unsearch")
    if not adds:
        return None
    body = (live or adds)[-1].body
    return SearchState(
        key=key,
        alive=bool(live),
        name=str(body["name"]),
        query=str(body["query"]),
        sort=str(body["sort"]),
        updated=max(c.wall for c in mine),
    )


def setting(key: str, changes: Iterable[Change]) -> SettingState | None:
    """The merged setting; None without a change."""
    mine = [c for c in distinct(changes) if c.kind == "setting"]
    return SettingState(key, str(mine[-1].body["value"])) if mine else None


def writes_of(entity: str, changes: Iterable[Change]) -> list[str]:
    """The stamps a new edit or removal of this thing has seen: for a bookmark its adds and
    note edits, for a feed, a tag or a saved search its adds."""
    kinds = {
        "bookmark": ("bookmark", "note"),
        "feed": ("feed",),
        "tag": ("tag",),
        "search": ("search",),
    }.get(entity, ())
    return sorted(c.id for c in changes if c.kind in kinds)
