"""Find article files under library roots and keep their summaries in a stat-checked catalog."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from newsreader.errors import UserError
from newsreader.library.article import Article, ArticleSummary, Skipped, make_summary
from newsreader.library.catalog import Catalog, CatalogEntry
from newsreader.library.parse import MAX_BYTES, ParseError, parse_bytes, read_article_bytes
from newsreader.library.snapshot import Snapshot, decode, encode, stored_digest
from newsreader.library.walk import Walk, walk

Progress = Callable[[int, int], None]
"""Called with (done, total) while files are being parsed."""


@dataclass(frozen=True, slots=True)
class LibraryScan:
    """The articles found under the roots, newest first, and the files skipped with reasons."""

    articles: tuple[ArticleSummary, ...]
    skipped: tuple[Skipped, ...]
    parsed: int = 0
    """How many files had to be read this time (0 when nothing changed)."""
    by_id: dict[str, ArticleSummary] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.by_id:
            self.by_id.update((a.id, a) for a in self.articles)


class _Found(NamedTuple):
    path: str
    root_index: int
    rel: str
    size: int
    mtime_ns: int


class Library:
    """One or more folders of articles."""

    def __init__(
        self, roots: tuple[Path, ...], catalog_file: Path | None = None, max_bytes: int = MAX_BYTES
    ) -> None:
        self.roots = tuple(Path(os.path.abspath(r.expanduser())) for r in roots)
        self.catalog_file = catalog_file
        self.max_bytes = max_bytes
        # The previous scan in this process, so that polling an unchanged library (the TUI
        # does it every few seconds) builds no new objects.
        self._last: _Last | None = None
        self._reasons: dict[str, str] = {}
        """Why files of the last scan were skipped (not articles), by path."""

    def check_roots(self) -> None:
        """Raise a UserError when a root is missing or not a folder."""
        for root in self.roots:
            if not root.exists():
                raise UserError(f"library folder not found: {root}")
            if not root.is_dir():
                raise UserError(f"library path is not a folder: {root}")

    def scan(self, progress: Progress | None = None) -> LibraryScan:
        """Walk the roots; files whose (size, mtime_ns) match the catalog are not read."""
        # ~5 objects per file and no cycles among them: the cyclic collector would only
        # re-walk the process's whole heap several times (~10% of a 10k-file re-scan).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._scan(progress, enabled)
        finally:
            if enabled:
                gc.enable()

    def _scan(self, progress: Progress | None, gc_enabled: bool = False) -> LibraryScan:
        w = walk(self.roots)
        digest = w.digest(self.max_bytes)
        last = self._last
        if last is None:  # a start-up: the last run's result, if nothing changed since
            hit = self._from_snapshot(w, digest)
            if hit is not None:
                return hit
        elif last.digest == digest:
            return last.again(w.skipped)
        if w.has_duplicates():
            w.sort()
        signature = w.signature()
        last_signature = last.signature() if last is not None else None
        if last is not None and last_signature == signature:  # the same files in a new order
            last.digest = digest
            return last.again(w.skipped)
        w.sort()
        found = [_Found(*f) for f in zip(w.paths, w.root_of, w.rels(), w.sizes, w.mtimes,
                                         strict=True)]
        changed = found
        memo = last.memo() if last is not None else {}
        if last_signature is not None:
            reasons = self._reasons
            changed = [f for f in found if last_signature.get(f.path) != (f.size, f.mtime_ns)
                       or (f.path not in memo and f.path not in reasons)]
        # A running app re-scans every few seconds: when few files changed since its last
        # scan, only their catalog rows are read (at 100k files the whole catalog is ~1 s).
        few = last_signature is not None and len(changed) * 4 < len(found)
        with Catalog.open(self.catalog_file) as catalog:
            known = catalog.entries_for(f.path for f in changed) if few else catalog.entries()
            stale = [f for f in changed if not _fresh(known.get(f.path), f)]
            fresh_entries: list[CatalogEntry] = []
            if stale and gc_enabled:
                gc.enable()  # parsing can take minutes; the rest of the app makes garbage too
            for done, f in enumerate(stale, 1):
                fresh_entries.append(self._parse_entry(f))
                if progress is not None:
                    progress(done, len(stale))
            gc.disable()
            if few:
                assert last_signature is not None
                gone = [p for p in last_signature if p not in signature]
                if stale or gone:
                    catalog.replace(fresh_entries, gone=gone)
            elif stale or len(known) != len(found):
                catalog.replace(fresh_entries, keep={f.path for f in found})
            entries = {**known, **{e.path: e for e in fresh_entries}}
            if few:  # files with the stat of the last scan keep what that scan decided
                self._fill_from_last(found, entries, memo)
            ids = assign_ids(found, len(self.roots))
            articles: list[ArticleSummary] = []
            skips: list[CatalogEntry] = []
            for f in found:
                path = f.path
                entry = entries[path]
                if entry.reason is not None:
                    skips.append(entry)
                    continue
                article_id = ids[path]
                old = memo.get(path)
                if (old is None or old.id != article_id or old.size != entry.size
                        or old.mtime_ns != entry.mtime_ns):
                    old = entry.summary(article_id)
                articles.append(old)
            articles.sort(key=_newest_first)
            catalog_skips = tuple(Skipped(Path(e.path), e.reason or "") for e in skips)
            result = LibraryScan(tuple(articles), (*w.skipped, *catalog_skips),
                                 parsed=len(stale))
            catalog.set_snapshot(self._snapshot(digest, result.articles, skips))
        self._reasons = {e.path: e.reason or "" for e in skips}
        self._last = _Last(digest, LibraryScan(result.articles, catalog_skips, 0, result.by_id),
                           {e.path: (e.size, e.mtime_ns) for e in skips})
        return result

    def _fill_from_last(self, found: list[_Found], entries: dict[str, CatalogEntry],
                        memo: dict[str, ArticleSummary]) -> None:
        """Entries for the files whose stat is the last scan's, from that scan."""
        reasons = self._reasons
        for f in found:
            if f.path not in entries:
                reason = reasons.get(f.path)
                old = memo.get(f.path)
                if reason is not None or old is None:
                    entries[f.path] = CatalogEntry.skipped(f.path, f.size, f.mtime_ns,
                                                           reason or "not an article")
                else:
                    entries[f.path] = CatalogEntry(
                        f.path, f.size, f.mtime_ns, old.title,
                        old.date.isoformat() if old.date else None, old.dateline,
                        old.content_hash)

    def _snapshot(self, digest: bytes, articles: tuple[ArticleSummary, ...],
                  skips: list[CatalogEntry]) -> bytes | None:
        return encode(Snapshot(
            tuple(str(r) for r in self.roots), self.max_bytes, digest,
            [a.id for a in articles], [a.path_str for a in articles], [a.title for a in articles],
            [a.date.toordinal() if a.date else 0 for a in articles],
            [a.dateline for a in articles], [a.content_hash for a in articles],
            [a.size for a in articles], [a.mtime_ns for a in articles],
            [e.path for e in skips], [e.reason or "" for e in skips],
            [e.size for e in skips], [e.mtime_ns for e in skips],
        ))

    def _from_snapshot(self, w: Walk, digest: bytes) -> LibraryScan | None:
        """The stored result of the last scan, when the walk found exactly its files."""
        with Catalog.open(self.catalog_file, check=False) as catalog:
            blob = catalog.snapshot()
        if blob is None:
            return None
        same_walk = stored_digest(blob) == digest
        snap = decode(blob)
        if snap is None or snap.roots != w.roots or snap.max_bytes != self.max_bytes:
            return None
        skip_stats = dict(zip(snap.skip_paths, zip(snap.skip_sizes, snap.skip_mtimes,
                                                   strict=True), strict=True))
        signature = None
        if not same_walk:  # the same files in another order (a folder rewritten), or not
            if w.has_duplicates():
                w.sort()
            signature = dict(zip(snap.paths, zip(snap.sizes, snap.mtimes, strict=True),
                                 strict=True))
            signature.update(skip_stats)
            if len(signature) != len(w.paths) or signature != w.signature():
                return None
        days = dict.fromkeys(snap.days)  # one date object per day, shared
        days.update((d, date.fromordinal(d)) for d in days if d)
        days[0] = None
        articles = tuple(map(make_summary, snap.ids, snap.paths, snap.titles,
                             map(days.__getitem__, snap.days), snap.datelines, snap.sizes,
                             snap.mtimes, snap.hashes))
        catalog_skips = tuple(map(Skipped, map(Path, snap.skip_paths), snap.reasons))
        by_id = dict(zip(snap.ids, articles, strict=True))
        # What a re-scan in this process compares with (as if this scan had been a full one).
        self._reasons = dict(zip(snap.skip_paths, snap.reasons, strict=True))
        self._last = _Last(digest, LibraryScan(articles, catalog_skips, 0, by_id), skip_stats,
                           signature)
        return LibraryScan(articles, (*w.skipped, *catalog_skips), 0, by_id)

    def load(self, summary: ArticleSummary) -> Article:
        """Read the whole article; raises ParseError if the file is gone or no longer parses."""
        data, st = read_article_bytes(summary.path, self.max_bytes)
        return parse_bytes(data, summary.path, summary.id, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def _parse_entry(self, f: _Found) -> CatalogEntry:
        path = Path(f.path)
        try:
            data, st = read_article_bytes(path, self.max_bytes)
            art = parse_bytes(data, path, "", size=st.st_size, mtime_ns=st.st_mtime_ns)
        except ParseError as exc:
            return CatalogEntry.skipped(f.path, f.size, f.mtime_ns, str(exc))
        return CatalogEntry.from_article(art)


class _Last:
    """The last scan in this process: the digest of its walk, which a poll compares first,
    and its result (with only the skips found from the catalog: the walk's own are found
    again)."""

    __slots__ = ("_memo", "_signature", "digest", "scan", "skip_stats")

    def __init__(self, digest: bytes, scan: LibraryScan,
                 skip_stats: dict[str, tuple[int, int]],
                 signature: dict[str, tuple[int, int]] | None = None) -> None:
        self.digest, self.scan, self.skip_stats = digest, scan, skip_stats
        self._signature = signature
        self._memo: dict[str, ArticleSummary] | None = None

    def again(self, walk_skips: list[Skipped]) -> LibraryScan:
        """This result once more, with this walk's own skips."""
        last = self.scan
        return LibraryScan(last.articles, (*walk_skips, *last.skipped), 0, last.by_id)

    def signature(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) by path (built when a poll first sees a change)."""
        if self._signature is None:
            self._signature = {a.path_str: (a.size, a.mtime_ns) for a in self.scan.articles}
            self._signature.update(self.skip_stats)
        return self._signature

    def memo(self) -> dict[str, ArticleSummary]:
        """The summaries by path, so that unchanged files keep their objects."""
        if self._memo is None:
            self._memo = {a.path_str: a for a in self.scan.articles}
        return self._memo


def _fresh(entry: CatalogEntry | None, f: _Found) -> bool:
    return entry is not None and entry.size == f.size and entry.mtime_ns == f.mtime_ns


def _newest_first(a: ArticleSummary) -> tuple[int, str, str]:
    ordinal = a.date.toordinal() if a.date else 0
    return (-ordinal, a.title.casefold(), a.id)


def assign_ids(found: list[_Found], root_count: int) -> dict[str, str]:
    """Stable ids: the path relative to its root without suffix, made unique across roots."""
    stems = [f.rel[: f.rel.rfind(".")] for f in found]  # every found file has a suffix
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
            candidate = f.rel  # keep the suffix when a.txt and a.md collide
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
