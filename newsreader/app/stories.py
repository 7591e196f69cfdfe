"""Story groups for a scan: the store brought in line with the library, the groups read
from it, and each group's members and sources as the list and the CLI show them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from newsreader.app.story_map import StoryMap
from newsreader.context import AppContext
from newsreader.library import ArticleSummary, ParseError
from newsreader.library.scan_result import ScanChange
from newsreader.stories import StoryGroups, StoryStore, signature, story_groups, sync
from newsreader.stories.groups import Progress


class Story(NamedTuple):
    """One story told by more than one article: its id and its members, the newest first
    (the longest first among those of one day)."""

    id: str
    members: tuple[ArticleSummary, ...]
    sources: tuple[str, ...]


def refresh(
    ctx: AppContext,
    articles: Sequence[ArticleSummary],
    progress: Progress | None = None,
    signed: Mapping[str, bytes] | None = None,
    state: bytes = b"",
    hand_off: Callable[[int], bool] | None = None,
) -> tuple[StoryGroups, str | None]:
    """The groups among ``articles``, after signing the ones the store has not seen (but
    those ``signed`` already, ``stories.story_signature`` by content hash); with a one-line
    notice when the store could not be used (then every article is its own story).
    ``state``: the scan's catalog state, when known (the store synced with it last time is
    not compared with the scan again). ``hand_off``: as ``stories.sync`` takes it."""
    try:
        with StoryStore.open(ctx.stories_file) as store:
            sync(store, articles, ctx.library.load, progress, signed, state, hand_off)
            return story_groups(store, articles), None
    except sqlite3.Error as exc:  # another process holds it too long, a broken disk
        return StoryGroups((), ()), f"story groups unavailable: {exc}"


def sign(
    ctx: AppContext,
    articles: Sequence[ArticleSummary],
    state: bytes,
    progress: Progress | None = None,
    signed: Mapping[str, bytes] | None = None,
) -> str | None:
    """``refresh`` without reading the groups back, for a process that only keeps the
    store in line with the library (one ``index`` command); the notice, if any."""
    try:
        with StoryStore.open(ctx.stories_file) as store:
            sync(store, articles, ctx.library.load, progress, signed, state)
    except sqlite3.Error as exc:
        return f"story groups unavailable: {exc}"
    return None


def regroup(
    ctx: AppContext,
    groups: StoryGroups,
    articles: Sequence[ArticleSummary],
    since: ScanChange,
) -> StoryGroups | None:
    """``groups`` again for the scan of ``articles`` that changed only ``since`` from the one
    they were made for: the contents that left and no article has now are forgotten, those
    that came are signed and paired (the only new work), and when none of them pairs with
    anything and none that left was in a story, the groups are the same. None: group the
    whole scan again (``refresh``)."""
    if groups.touches(since.left):
        return None
    try:
        with StoryStore.open(ctx.stories_file) as store:
            try:
                if since.left:  # else a saved edit pairs with the version it replaced
                    present = {a.content_hash for a in articles}
                    for h in set(since.left).difference(present):
                        store.forget(h)
                for a in since.articles:
                    paired = store.paired(a.content_hash)
                    if paired is None:
                        try:
                            paragraphs: tuple[str, ...] = ctx.library.load(a).paragraphs
                        except (ParseError, OSError):
                            paragraphs = ()
                        paired = bool(store.add(a.content_hash, signature(paragraphs)))
                    if paired:
                        return None
            finally:
                store.commit()
    except sqlite3.Error:
        return None
    return groups


def source_name(summary: ArticleSummary) -> str:
    """Where an article came from: the feed (or site) that saved it, else its folder."""
    from newsreader.feeds.sources import source_of

    record = source_of(summary.path_str)
    if record is not None:
        address = record.feed or record.url
        host = urlsplit(address).hostname
        if host:
            return host.removeprefix("www.")
    return Path(summary.path_str).parent.name


def _order(a: ArticleSummary) -> tuple[int, int, str]:
    day = a.date.toordinal() if a.date else 0
    return (-day, -a.size, a.id)


def stories(groups: StoryGroups, articles: Sequence[ArticleSummary]) -> list[Story]:
    """The stories with more than one article, the one with the newest member first."""
    members: dict[str, list[ArticleSummary]] = {}
    for a in articles:
        members.setdefault(groups.story(a.content_hash), []).append(a)
    out = []
    for story_id, group in members.items():
        if len(group) < 2:
            continue
        group.sort(key=_order)
        sources = tuple(dict.fromkeys(source_name(a) for a in group))
        out.append(Story(story_id, tuple(group), sources))
    out.sort(key=lambda s: _order(s.members[0]))
    return out


def story_map(groups: StoryGroups, articles: Sequence[ArticleSummary]) -> StoryMap:
    """The list's view of ``groups`` over ``articles`` (in their order)."""
    grouped = {h for members in groups.grouped().values() for h in members}
    members: dict[str, list[ArticleSummary]] = {}
    for a in articles:
        if a.content_hash in grouped:
            members.setdefault(groups.story(a.content_hash), []).append(a)
    story_of: dict[str, str] = {}
    ordered: dict[str, tuple[str, ...]] = {}
    sources: dict[str, int] = {}
    for story_id, group in members.items():
        if len(group) < 2:  # a pair with a file gone from the scan
            continue
        ordered[story_id] = tuple(a.id for a in group)
        sources[story_id] = len({source_name(a) for a in group})
        story_of.update((a.id, story_id) for a in group)
    return StoryMap(story_of, ordered, sources)
