"""The filters of the search language that the index cannot answer: ``tag:NAME``,
``is:starred``, ``is:unread``, ``is:read`` and ``feed:NAME`` (each may be negated with ``-``;
a name with spaces is quoted: ``tag:"home office"``). They are taken out of the query here,
before ``search.query`` reads the rest as words, phrases and dates; ``shelves`` applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsreader.state.tags import key

_TOKEN = re.compile(
    r'"[^"]*"'  # a phrase, kept as it is (a "tag:x" inside one is a word)
    r'|(?<![\w:])(?P<neg>-?)(?P<name>tag|is|feed):(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s")]*))',
    re.IGNORECASE,
)
IS_VALUES = ("starred", "unread", "read", "unstarred")


@dataclass(frozen=True, slots=True)
class Filters:
    """What an article must be, besides matching the words. Names are compared by ``key``."""

    tags: tuple[str, ...] = ()
    without_tags: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    without_feeds: tuple[str, ...] = ()
    starred: bool | None = None
    read: bool | None = None

    def __bool__(self) -> bool:
        return bool(
            self.tags
            or self.without_tags
            or self.feeds
            or self.without_feeds
            or self.starred is not None
            or self.read is not None
        )

    def needs_state(self) -> bool:
        """Whether applying them reads the state file (stars, tags, read)."""
        return bool(
            self.tags or self.without_tags or self.starred is not None or self.read is not None
        )


@dataclass(frozen=True, slots=True)
class Split:
    """A query taken apart: the words for the index and the filters for the state."""

    words: str
    filters: Filters = field(default_factory=Filters)
    error: str | None = None


def split(text: str) -> Split:
    """Take the filters out of ``text``; the rest is left for the index. A bad filter
    (``is:banana``, an empty name) gives ``error``, a one-line message."""
    found: dict[str, list[str]] = {"tag": [], "-tag": [], "feed": [], "-feed": []}
    flags: dict[str, bool] = {}
    errors: list[str] = []
    words: list[str] = []
    last = 0
    for m in _TOKEN.finditer(text):
        if m["name"] is None:
            continue
        words.append(text[last : m.start()])
        last = m.end()
        name, negated = m["name"].lower(), bool(m["neg"])
        value = " ".join((m["quoted"] if m["quoted"] is not None else m["bare"]).split())
        if not value:
            errors.append(f'{name}: needs a name (e.g. {name}:"home office")')
        elif name == "is":
            _flag(value.lower(), negated, flags, errors)
        else:
            found[("-" if negated else "") + name].append(key(value))
    words.append(text[last:])
    filters = Filters(
        tags=tuple(found["tag"]),
        without_tags=tuple(found["-tag"]),
        feeds=tuple(found["feed"]),
        without_feeds=tuple(found["-feed"]),
        starred=flags.get("starred"),
        read=flags.get("read"),
    )
    rest = " ".join("".join(words).split())
    return Split(rest, filters, errors[0] if errors else None)


def _flag(value: str, negated: bool, flags: dict[str, bool], errors: list[str]) -> None:
    if value not in IS_VALUES:
        errors.append(f"unknown filter is:{value} (try is:starred, is:unread or is:read)")
        return
    which = "starred" if "starred" in value else "read"
    wanted = value in ("starred", "read")
    flags[which] = wanted != negated
