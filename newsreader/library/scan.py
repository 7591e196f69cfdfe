"""Find article files under library roots and keep their summaries in a stat-checked catalog."""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from newsreader.errors import UserError
from newsreader.library.article import Article, ArticleSummary, Skipped
from newsreader.library.catalog import Catalog, CatalogEntry
from newsreader.library.parse import (
    MAX_BYTES,
    SUFFIXES,
    ParseError,
    parse_bytes,
    read_article_bytes,
)

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
        # Summaries from the previous scan in this process, so that polling an unchanged
        # library (the TUI does it every few seconds) builds no new objects.
        self._memo: dict[str, ArticleSummary] = {}
        self._last: tuple[dict[str, tuple[int, int]], LibraryScan] | None = None
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
        found, skipped = self._walk()
        signature = {f.path: (f.size, f.mtime_ns) for f in found}
        last_signature = self._last[0] if self._last is not None else None
        if last_signature == signature and self._last is not None:
            last = self._last[1]
            return LibraryScan(last.articles, (*skipped, *last.skipped), 0, last.by_id)
        changed = found
        if last_signature is not None:
            memo, reasons = self._memo, self._reasons
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
            reasons = self._reasons
            for f in found:
                if f.path not in entries:
                    reason = reasons.get(f.path)
                    old = self._memo.get(f.path)
                    if reason is not None or old is None:
                        entries[f.path] = CatalogEntry.skipped(f.path, f.size, f.mtime_ns,
                                                               reason or "not an article")
                    else:
                        entries[f.path] = CatalogEntry(
                            f.path, f.size, f.mtime_ns, old.title,
                            old.date.isoformat() if old.date else None, old.dateline,
                            old.content_hash)
        self._reasons = {p: e.reason for p, e in entries.items() if e.reason is not None}
        ids = assign_ids(found, len(self.roots))
        articles: list[ArticleSummary] = []
        memo = self._memo
        new_memo: dict[str, ArticleSummary] = {}
        for f in found:
            path = f.path
            entry = entries[path]
            if entry.reason is not None:
                skipped.append(Skipped(Path(path), entry.reason))
                continue
            article_id = ids[path]
            old = memo.get(path)
            if (old is None or old.id != article_id or old.size != entry.size
                    or old.mtime_ns != entry.mtime_ns):
                old = entry.summary(article_id)
            articles.append(old)
            new_memo[path] = old
        self._memo = new_memo
        articles.sort(key=_newest_first)
        result = LibraryScan(tuple(articles), tuple(skipped), parsed=len(stale))
        # Walk-time skips (broken links, FIFOs) are found again by every walk; keep the rest.
        walk_skips = len(skipped) - sum(1 for f in found if entries[f.path].reason is not None)
        self._last = (signature, LibraryScan(result.articles, result.skipped[walk_skips:], 0,
                                             result.by_id))
        return result

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

    def _walk(self) -> tuple[list[_Found], list[Skipped]]:
        # Plain strings, not Path objects: at 10k files pathlib alone cost ~250 ms per scan.
        found: list[_Found] = []
        skipped: list[Skipped] = []
        seen_dirs: set[tuple[int, int]] = set()
        seen_files: set[tuple[int, int]] = set()
        for index, root in enumerate(self.roots):
            prefix = len(str(root)) + 1
            for path, reason, st in _walk_dir(str(root), seen_dirs, skipped):
                if reason is not None or st is None:
                    skipped.append(Skipped(Path(path), reason or "unreadable"))
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen_files:
                    continue  # the same file reached twice through a symlink or a nested root
                seen_files.add(key)
                rel = path[prefix:].replace(os.sep, "/")
                found.append(_Found(path, index, rel, st.st_size, st.st_mtime_ns))
        found.sort(key=attrgetter("root_index", "rel"))
        return found, skipped


def _walk_dir(
    root: str, seen: set[tuple[int, int]], skipped: list[Skipped]
) -> Iterator[tuple[str, str | None, os.stat_result | None]]:
    """Yield candidate article files; follows symlinks but never loops."""
    try:
        st = os.stat(root)
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return
    seen.add(key)
    try:
        with os.scandir(root) as it:
            entries = list(it)
    except OSError as exc:
        skipped.append(Skipped(Path(root), f"unreadable folder: {exc.strerror}"))
        return
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk_dir(entry.path, seen, skipped)
            continue
        dot = name.rfind(".")  # os.path.splitext's rule (name is not hidden), ~3x cheaper
        if dot <= 0 or name[dot:].lower() not in SUFFIXES:
            continue
        try:
            fst = entry.stat()
        except FileNotFoundError:
            yield entry.path, "broken symlink", None
            continue
        except OSError as exc:
            reason = "symlink loop" if exc.errno == errno.ELOOP else f"unreadable: {exc.strerror}"
            yield entry.path, reason, None
            continue
        if not stat.S_ISREG(fst.st_mode):
            yield entry.path, "not a regular file", None
            continue
        yield entry.path, None, fst


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
