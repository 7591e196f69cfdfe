"""What a scan of the library found, and what the last one keeps for the next: the result
type, the article ids, and the small helpers both a full scan and a patched one use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import NamedTuple

from newsreader.library.article import ArticleSummary, Skipped
from newsreader.library.catalog import CatalogEntry
from newsreader.library.names import inert, inert_all

_path_str = attrgetter("path_str")
_size = attrgetter("size")
_mtime = attrgetter("mtime_ns")


class ScanChange(NamedTuple):
    """How a scan differs from the one it patched (this process's last)."""

    state: bytes
    """That scan's catalog state."""
    articles: tuple[ArticleSummary, ...]
    """The articles that came or changed since."""
    gone: tuple[str, ...]
    """The paths that went (or are skipped now)."""
    left: tuple[str, ...]
    """The content hashes of the articles that changed or went, as they were."""


class LibraryScan:
    """The articles found under the roots, newest first, and the files skipped with reasons.
    Compared (and hashed) by ``articles``, ``skipped`` and ``parsed``."""

    __slots__ = ("articles", "by_id", "parsed", "since", "skipped", "state")

    def __init__(
        self,
        articles: Sequence[ArticleSummary],
        skipped: tuple[Skipped, ...],
        parsed: int = 0,
        by_id: Mapping[str, ArticleSummary] | None = None,
        state: bytes = b"",
        since: ScanChange | None = None,
    ) -> None:
        self.articles = articles
        """A tuple, or (the last run's list at start) ``PackedSummaries``: built when asked
        for."""
        self.skipped = skipped
        self.parsed = parsed
        """How many files had to be read this time (0 when nothing changed)."""
        if not by_id and articles:
            by_id = {a.id: a for a in articles}
        self.by_id: Mapping[str, ArticleSummary] = {} if by_id is None else by_id
        self.state = state
        """The catalog state this result is (``snapshot.state_of``): equal states, equal
        results. Empty when unknown (never equal to anything)."""
        self.since = since
        """What changed since the last scan, when this one was patched from it: an index or
        a story store known to hold that scan need only look at these."""

    def _compared(self) -> tuple[Sequence[ArticleSummary], tuple[Skipped, ...], int]:
        return self.articles, self.skipped, self.parsed

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LibraryScan):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        shown = f"articles={self.articles!r}, skipped={self.skipped!r}, parsed={self.parsed!r}"
        return f"LibraryScan({shown})"


class WalkedFile(NamedTuple):
    """A file the walk found under one of the roots, with what its stat said."""

    path: str
    root_index: int
    rel: str
    size: int
    mtime_ns: int


class LastScan:
    """The last scan in this process: the digest of its walk, which a poll compares first,
    and its result (with only the skips found from the catalog: the walk's own are found
    again)."""

    __slots__ = ("_memo", "_signature", "digest", "scan", "skip_stats")

    def __init__(
        self,
        digest: bytes,
        scan: LibraryScan,
        skip_stats: dict[str, tuple[int, int]],
        signature: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        self.digest, self.scan, self.skip_stats = digest, scan, skip_stats
        self._signature = signature
        self._memo: dict[str, ArticleSummary] | None = None

    def again(self, walk_skips: list[Skipped]) -> LibraryScan:
        """This result once more, with this walk's own skips."""
        last = self.scan
        return LibraryScan(last.articles, (*walk_skips, *last.skipped), 0, last.by_id, last.state)

    def signature(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) by path (built when a poll first sees a change)."""
        if self._signature is None:
            arts = self.scan.articles
            stats = zip(map(_size, arts), map(_mtime, arts), strict=True)
            self._signature = dict(zip(map(_path_str, arts), stats, strict=True))
            self._signature.update(self.skip_stats)
        return self._signature

    def memo(self) -> dict[str, ArticleSummary]:
        """The summaries by path, so that unchanged files keep their objects."""
        if self._memo is None:
            arts = self.scan.articles
            self._memo = dict(zip(map(_path_str, arts), arts, strict=True))
        return self._memo


def same_stat(entry: CatalogEntry | None, size: int, mtime_ns: int) -> bool:
    return entry is not None and entry.size == size and entry.mtime_ns == mtime_ns


def skip_entry(skip: Skipped, stats: dict[str, tuple[int, int]]) -> CatalogEntry:
    path = str(skip.path)
    size, mtime_ns = stats[path]
    return CatalogEntry.skipped(path, size, mtime_ns, skip.reason)


def newest_first(a: ArticleSummary) -> tuple[int, str, str]:
    ordinal = a.date.toordinal() if a.date else 0
    return (-ordinal, a.title.casefold(), a.id)


def stems_of(rels: list[str]) -> list[str]:
    """Each relative path without its suffix (every found file has one), printable: the
    article ids before two files that share one are told apart."""
    return inert_all([r[: r.rfind(".")] for r in rels])


def assign_ids(found: list[WalkedFile], root_count: int) -> dict[str, str]:
    """Stable ids: the path relative to its root without suffix, made unique across roots."""
    stems = stems_of([f.rel for f in found])
    if len(set(stems)) == len(stems):  # no two files share a name: the usual case
        return dict(zip([f.path for f in found], stems, strict=True))
    counts: dict[str, int] = {}
    for base in stems:
        counts[base] = counts.get(base, 0) + 1
    ids: dict[str, str] = {}
    used: set[str] = set()
    for f, base in zip(found, stems, strict=True):
        candidate = base
        if counts[base] > 1:
            candidate = inert(f.rel)  # keep the suffix when a.txt and a.md collide
            if candidate in used and root_count > 1:
                candidate = f"{f.root_index + 1}:{f.rel}"
        n = 2
        unique = candidate
        while unique in used:
            unique = f"{candidate}~{n}"
            n += 1
        used.add(unique)
        ids[f.path] = unique
    return ids
