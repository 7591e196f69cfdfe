"""Find article files under library roots and keep their summaries in a stat-checked catalog."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class _Found:
    path: Path
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

    def check_roots(self) -> None:
        """Raise a UserError when a root is missing or not a folder."""
        for root in self.roots:
            if not root.exists():
                raise UserError(f"library folder not found: {root}")
            if not root.is_dir():
                raise UserError(f"library path is not a folder: {root}")

    def scan(self, progress: Progress | None = None) -> LibraryScan:
        """Walk the roots; files whose (size, mtime_ns) match the catalog are not read."""
        found, skipped = self._walk()
        with Catalog.open(self.catalog_file) as catalog:
            known = catalog.entries()
            stale = [f for f in found if not _fresh(known.get(str(f.path)), f)]
            fresh_entries: list[CatalogEntry] = []
            for done, f in enumerate(stale, 1):
                fresh_entries.append(self._parse_entry(f))
                if progress is not None:
                    progress(done, len(stale))
            catalog.replace(fresh_entries, keep={str(f.path) for f in found})
            entries = {**known, **{e.path: e for e in fresh_entries}}
        ids = assign_ids(found, len(self.roots))
        articles: list[ArticleSummary] = []
        for f in found:
            entry = entries[str(f.path)]
            if entry.reason is not None:
                skipped.append(Skipped(f.path, entry.reason))
                continue
            articles.append(entry.summary(ids[f.path], f.path))
        articles.sort(key=_newest_first)
        return LibraryScan(tuple(articles), tuple(skipped), parsed=len(stale))

    def load(self, summary: ArticleSummary) -> Article:
        """Read the whole article; raises ParseError if the file is gone or no longer parses."""
        data, st = read_article_bytes(summary.path, self.max_bytes)
        return parse_bytes(data, summary.path, summary.id, size=st.st_size, mtime_ns=st.st_mtime_ns)

    def _parse_entry(self, f: _Found) -> CatalogEntry:
        try:
            data, st = read_article_bytes(f.path, self.max_bytes)
            art = parse_bytes(data, f.path, "", size=st.st_size, mtime_ns=st.st_mtime_ns)
        except ParseError as exc:
            return CatalogEntry.skipped(str(f.path), f.size, f.mtime_ns, str(exc))
        return CatalogEntry.from_article(art)

    def _walk(self) -> tuple[list[_Found], list[Skipped]]:
        found: list[_Found] = []
        skipped: list[Skipped] = []
        seen_dirs: set[tuple[int, int]] = set()
        seen_files: set[tuple[int, int]] = set()
        for index, root in enumerate(self.roots):
            for path, reason, st in _walk_dir(root, seen_dirs, skipped):
                if reason is not None or st is None:
                    skipped.append(Skipped(path, reason or "unreadable"))
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen_files:
                    continue  # the same file reached twice through a symlink or a nested root
                seen_files.add(key)
                rel = path.relative_to(root).as_posix()
                found.append(_Found(path, index, rel, st.st_size, st.st_mtime_ns))
        found.sort(key=lambda f: (f.root_index, f.rel))
        return found, skipped


def _walk_dir(
    root: Path, seen: set[tuple[int, int]], skipped: list[Skipped]
) -> Iterator[tuple[Path, str | None, os.stat_result | None]]:
    """Yield candidate article files; follows symlinks but never loops."""
    try:
        st = root.stat()
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return
    seen.add(key)
    try:
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Skipped(root, f"unreadable folder: {exc.strerror}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk_dir(path, seen, skipped)
            continue
        if path.suffix.lower() not in SUFFIXES:
            continue
        try:
            fst = entry.stat()
        except FileNotFoundError:
            yield path, "broken symlink", None
            continue
        except OSError as exc:
            reason = "symlink loop" if exc.errno == 40 else f"unreadable: {exc.strerror}"
            yield path, reason, None
            continue
        if not stat.S_ISREG(fst.st_mode):
            yield path, "not a regular file", None
            continue
        yield path, None, fst


def _fresh(entry: CatalogEntry | None, f: _Found) -> bool:
    return entry is not None and entry.size == f.size and entry.mtime_ns == f.mtime_ns


def _newest_first(a: ArticleSummary) -> tuple[int, str, str]:
    ordinal = a.date.toordinal() if a.date else 0
    return (-ordinal, a.title.casefold(), a.id)


def assign_ids(found: list[_Found], root_count: int) -> dict[Path, str]:
    """Stable ids: the path relative to its root without suffix, made unique across roots."""
    def stem(f: _Found) -> str:
        return f.rel.rsplit(".", 1)[0] if "." in f.rel.rsplit("/", 1)[-1] else f.rel

    counts: dict[str, int] = {}
    for f in found:
        counts[stem(f)] = counts.get(stem(f), 0) + 1
    ids: dict[Path, str] = {}
    used: set[str] = set()
    for f in found:
        base = stem(f)
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
