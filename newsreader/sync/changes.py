"""Changes as they travel between devices, and the kinds of record they may carry.

A change is one JSON object: its stamp (``id``, see ``hlc``), its ``kind``, the ``key`` of the
thing it changes and a ``body``. Each kind belongs to an entity (an article by content hash,
a bookmark by uuid, a feed by normalized address) and lists the fields its body must have.
A new kind of record is one more ``RecordType`` here and a rule in ``merge``; kinds this
version does not know are kept in the ledger, and what they touch stays pending, so a
version that knows them applies them (``REFILED``: the ledger files them under their entity
then).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from newsreader.sync.hlc import stamp_device

_PLACE_MAX = 2**31 - 1
_TIME_MAX = 253_402_300_799_999
"""The last millisecond of the year 9999, the last the state file's times can hold."""
_INT_MAX = {"at": _TIME_MAX, "created": _TIME_MAX}
"""Times are milliseconds since the epoch; every other integer is a place in an article."""
_NULLABLE_STR = (str, type(None))


@dataclass(frozen=True, slots=True)
class RecordType:
    """One kind of change: which entity it belongs to and the fields of its body."""

    kind: str
    entity: str
    fields: dict[str, tuple[type, ...]] = field(default_factory=dict)


_IDENTITY = {"id": (str,), "path": (str,), "title": (str,)}
"""What a device knows of an article besides its content hash: the id and path it has there
(the other device may keep it elsewhere), and its title."""

TYPES: dict[str, RecordType] = {
    t.kind: t
    for t in (
        RecordType("read", "article", {**_IDENTITY, "read": (bool,)}),
        RecordType(
            "position",
            "article",
            {
                **_IDENTITY,
                "paragraph": (int,),
                "offset": (int,),
                "progress": (int,),
                "quote": (str,),
            },
        ),
        RecordType("opened", "article", {**_IDENTITY, "at": (int,)}),
        RecordType("star", "article", {**_IDENTITY, "starred": (bool,)}),
        RecordType(
            "bookmark",
            "bookmark",
            {
                "article_hash": (str,),
                "article_id": (str,),
                "article_path": (str,),
                "article_title": (str,),
                "quote": (str,),
                "prefix": (str,),
                "suffix": (str,),
                "paragraph": (int,),
                "start": (int,),
                "end": (int,),
                "note": (str,),
                "created": (int,),
                "seen": (list,),
            },
        ),
        RecordType("note", "bookmark", {"note": (str,), "seen": (list,)}),
        RecordType("unbookmark", "bookmark", {"seen": (list,)}),
        RecordType(
            "feed", "feed", {"url": (str,), "title": _NULLABLE_STR, "category": _NULLABLE_STR}
        ),
        RecordType("unfeed", "feed", {"seen": (list,)}),
        # A user tag on an article: key "<content hash> <tag key>", one element of the set.
        RecordType("tag", "tag", {**_IDENTITY, "name": (str,)}),
        RecordType("untag", "tag", {"seen": (list,)}),
        # A saved search, keyed by its name's key; what the user has looked at stays local.
        RecordType("search", "search", {"name": (str,), "query": (str,), "sort": (str,)}),
        RecordType("unsearch", "search", {"seen": (list,)}),
        RecordType("setting", "setting", {"value": (str,)}),
    )
}


REFILED: dict[str, str] = {k: t.entity for k, t in TYPES.items() if t.entity != k}
"""Kinds whose entity is not their own name: a version that did not know one filed its
changes under the kind's name, and this version files them again under the entity."""


def tag_key(content_hash: str, tag_key: str) -> str:
    """The key of one tag on one article (a content hash has no space)."""
    return f"{content_hash} {tag_key}"


def record_type(kind: str) -> RecordType | None:
    """The record type of ``kind``; None for a kind this version does not know."""
    return TYPES.get(kind)


@dataclass(slots=True)
class Change:
    """One change made on one device; never changed once made (not frozen only because a
    merge makes one per record read, and a frozen one costs a third more to make)."""

    id: str
    """Its hybrid-logical-clock stamp, which names the device too; unique."""
    kind: str
    key: str
    body: dict[str, Any]
    line: str = field(default="", compare=False, repr=False)
    """The record's text as read from a segment ("" when made here)."""

    @property
    def device(self) -> str:
        """The device that made it."""
        return self.id.rsplit(".", 1)[-1]

    @property
    def wall(self) -> int:
        """Its wall-clock part, milliseconds since the epoch (as that device saw it)."""
        return int(self.id.split(".", 1)[0])

    @property
    def entity(self) -> str:
        """What it changes: "article", "bookmark", "feed", "tag", "search", "setting", or
        its kind when unknown."""
        t = TYPES.get(self.kind)
        return t.entity if t is not None else self.kind

    @property
    def seen(self) -> frozenset[str]:
        """The changes it replaces or removes, for the kinds that say so."""
        seen = self.body.get("seen")
        return (
            frozenset(s for s in seen if isinstance(s, str))
            if isinstance(seen, list)
            else frozenset()
        )

    def to_json(self) -> dict[str, Any]:
        """The change as written to a segment."""
        return {"id": self.id, "kind": self.kind, "key": self.key, "body": self.body}

    def encoded(self) -> str:
        """The body as text: compact, keys sorted, so equal changes have equal text."""
        return json.dumps(self.body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def record_text(self) -> str:
        """The whole record as one line of text: as read, or written compact."""
        return self.line or json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))


def checked(item: object, device: str, line: str = "") -> Change:
    """A change read from ``device``'s segment (``line``: its text there); ValueError with one
    line when it is not one."""
    # Called once per record of every segment taken in: kept to plain look-ups.
    if type(item) is not dict:
        raise ValueError("a record is not an object")
    stamp, kind, key, body = item.get("id"), item.get("kind"), item.get("key"), item.get("body")
    made_by = stamp_device(stamp)
    if made_by is None:
        raise ValueError(f"a record has no valid stamp: {str(stamp)[:40]!r}")
    if made_by != device:
        raise ValueError(f"record {stamp} was made by another device")
    if type(kind) is not str or not kind or type(key) is not str or not key:
        raise ValueError(f"record {stamp} has no kind or key")
    if type(body) is not dict:
        raise ValueError(f"record {stamp} has no body")
    shape = _SHAPES.get(kind)
    if shape is not None:
        names, exact, numbers, lists = shape
        # Exact types, as JSON decodes them (a bool is not an int here), all in one go.
        if tuple(map(type, map(body.get, names))) != exact:
            _check_fields(str(stamp), kind, body)
        for name, limit in numbers:
            if not 0 <= body[name] <= limit:
                raise ValueError(f"record {stamp}: {name!r} is out of range")
        for name in lists:
            if not all(stamp_device(s) for s in body[name]):
                raise ValueError(f"record {stamp}: 'seen' holds something not a stamp")
    return Change(str(stamp), kind, key, body, line)


def _check_fields(stamp: str, kind: str, body: dict[str, Any]) -> None:
    """Each field of the body one by one: raises for the first wrong one (a field that may
    be one of two types, as a feed's title, is checked only here)."""
    for name, types, limit in _CHECKS.get(kind, ()):
        value: Any = body.get(name)
        kind_of = type(value)
        if kind_of not in types:
            raise ValueError(f"record {stamp}: {name!r} is missing or has the wrong type")
        if kind_of is int and not 0 <= value <= limit:
            raise ValueError(f"record {stamp}: {name!r} is out of range")
        if kind_of is list and not all(stamp_device(s) for s in value):
            raise ValueError(f"record {stamp}: 'seen' holds something not a stamp")


def _limit(name: str) -> int:
    return 100 if name == "progress" else _INT_MAX.get(name, _PLACE_MAX)


_CHECKS: dict[str, tuple[tuple[str, tuple[type, ...], int], ...]] = {
    kind: tuple((name, types, _limit(name)) for name, types in t.fields.items())
    for kind, t in TYPES.items()
}

_SHAPES: dict[
    str, tuple[tuple[str, ...], tuple[type, ...], tuple[tuple[str, int], ...], tuple[str, ...]]
] = {
    kind: (
        tuple(t.fields),
        # A field of two types stands as None here: any other value goes field by field.
        tuple(types[0] if len(types) == 1 else type(None) for types in t.fields.values()),
        tuple((n, _limit(n)) for n, types in t.fields.items() if types == (int,)),
        tuple(n for n, types in t.fields.items() if types == (list,)),
    )
    for kind, t in TYPES.items()
}
"""Per kind: its fields, their types, the integers and their limits, the lists of stamps."""
