"""Find article files under library roots and keep their summaries in a stat-checked catalog."""

from __future__ import annotations

import os
from bisect import bisect_left, insort
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.errors import UserError
from newsreader.library.article import Article, ArticleSummary, Skipped
from newsreader.library.catalog import Catalog, CatalogEntry
from newsreader.library.parse import MAX_BYTES, parse_bytes, read_article_bytes
from newsreader.library.remembered import last_scan_of
from newsreader.library.scan_parse import Progress, no_gc, parse_all
from newsreader.library.scan_result import (
    LastScan,
    LibraryScan,
    ScanChange,
    WalkedFile,
    assign_ids,
    newest_first,
    same_stat,
    skip_entry,
    stems_of,
)
from newsreader.library.snapshot import Snapshot, encode, state_of
from newsreader.library.walk import Walk, walk, walk_again

if TYPE_CHECKING:
    from newsreader.library.watch import FolderWatch

_id = attrgetter("id")
_path_str = attrgetter("path_str")
_size = attrgetter("size")
_mtime = attrgetter("mtime_ns")


class Library:
    """One or more folders of articles."""

    def __init__(
        self, roots: tuple[Path, ...], catalog_file: Path | None = None, max_bytes: int = MAX_BYTES
    ) -> None:
        self.roots = tuple(Path(os.path.abspath(r.expanduser())) for r in roots)
        self._root_names = tuple(map(str, self.roots))
        """The roots as a walk of them spells them, and as the snapshot stores them."""
        self.catalog_file = catalog_file
        self.max_bytes = max_bytes
        # The previous scan in this process, so that polling an unchanged library (the TUI
        # does it every few seconds) builds no new objects.
        self._last: LastScan | None = None
        self.watch_folders = False
        """Watch the folders (``watch.py``) so that a scan of an unchanged library does not
        walk it: for a process that scans again and again."""
        self._watch: FolderWatch | None = None
        self._walk_skips: list[Skipped] = []
        self._walked: Walk | None = None
        """The last walk of a watched library, in its own order: events patch it."""
        self.packed = False
        """Keep the last run's list packed, building a summary only when one is read: for an
        app that holds the list all the time (``remembered`` always does). A command that
        loops over every article once is faster with plain tuples."""

    def stop_watching(self) -> None:
        """Close the folder watch (``watch_folders``); the next scan walks and arms a new one
        if it is still wanted."""
        watch, self._watch = self._watch, None
        if watch is not None:
            watch.close()

    def check_roots(self) -> None:
        """Raise a UserError when a root is missing or not a folder."""
        for root in self.roots:
            if not root.exists():
                raise UserError(f"library folder not found: {root}")
            if not root.is_dir():
                raise UserError(f"library path is not a folder: {root}")

    def scan(self, progress: Progress | None = None) -> LibraryScan:
        """Walk the roots; files whose (size, mtime_ns) match the catalog are not read."""
        with no_gc() as enabled:
            return self._scan(progress, enabled)

    def _scan(self, progress: Progress | None, gc_enabled: bool = False) -> LibraryScan:
        watch, self._watch = self._watch, None
        if watch is not None and self._last is not None:
            files = watch.changes()
            result = None if files is None else self._from_events(files, progress, gc_enabled)
            if result is not None:
                self._watch = watch  # it goes on: its next events are the next changes
                return result
        if watch is not None:
            watch.close()
        if self.watch_folders:  # armed before the walk: what changes during it is seen
            from newsreader.library.watch import FolderWatch

            folders = watch.folders if watch else list(self._root_names)
            watch = FolderWatch.start(self.roots, folders)
        w = walk(self.roots)
        walked = w.copy()  # its order, before a scan sorts it: the next walk's
        result = self._scan_walked(w, progress, gc_enabled)
        if watch is not None:
            watch.vouch_for(w)
            self._watch, self._walk_skips, self._walked = watch, list(w.skipped), walked.kept()
        return result

    def _from_events(
        self, files: set[str], progress: Progress | None, gc_enabled: bool
    ) -> LibraryScan | None:
        """The scan of a watched library whose events named only ``files`` (nothing: the
        last result): those stat-ed again instead of a walk, and when they only changed in
        place, only their articles redone (``_patch_in_place``). None: walk."""
        last, walked = self._last, self._walked
        if last is None or walked is None:
            return None
        if not files:
            return last.again(self._walk_skips)
        again = walk_again(walked, files)
        if again is None:
            return None
        w, changed = again
        if not changed:
            return last.again(self._walk_skips)
        result = self._patch_in_place(w, changed, progress, gc_enabled)
        if result is None:  # files came or went: the patch of any scan, from this walk
            result = self._scan_walked(w.copy(), progress, gc_enabled)
        self._walked = w.kept()
        return result

    def _patch_in_place(
        self,
        w: Walk,
        changed: dict[str, tuple[int, int] | None],
        progress: Progress | None,
        gc_enabled: bool,
    ) -> LibraryScan | None:
        """The last result with the articles of files changed in place redone, without a
        pass over the others' summaries; None when files came or went, an article was or
        is now skipped, or ids may have a suffix (two files sharing a name): ``_patch``."""
        last = self._last
        if last is None or not isinstance(last.scan.articles, tuple) or len(self.roots) != 1:
            return None  # (a packed list is patched by ``_patch``)
        stats = {p: st for p, st in changed.items() if st is not None}
        if len(stats) != len(changed):
            return None
        cut = len(self._root_names[0]) + 1
        by_id = last.scan.by_id
        before = {}
        for path in stats:
            prev = by_id.get(stems_of([path[cut:]])[0])
            if prev is None or prev.path_str != path:
                return None
            before[path] = prev
        with Catalog.open(self.catalog_file) as catalog:
            known = catalog.entries_for(stats)
            stale = [p for p in stats if not same_stat(known.get(p), *stats[p])]
            fresh = parse_all(stale, stats, self.max_bytes, progress, gc_enabled)
            if fresh:
                catalog.replace(fresh)
            entries = {**known, **{e.path: e for e in fresh}}
            if any(entries[p].reason is not None for p in stats):
                return None
            articles = list(last.scan.articles)
            ids = dict(by_id)
            came = []
            for path, prev in before.items():
                at = bisect_left(articles, newest_first(prev), key=newest_first)
                if at == len(articles) or articles[at] is not prev:
                    return None
                del articles[at]
                ids[prev.id] = summary = entries[path].summary(prev.id)
                insort(articles, summary, key=newest_first)
                came.append(summary)
            skips = [skip_entry(s, last.skip_stats) for s in last.scan.skipped]
            left = tuple(a.content_hash for a in before.values())
            since = ScanChange(last.scan.state, tuple(came), (), left)
            return self._finish(catalog, w, w.digest(self.max_bytes), tuple(articles), skips,
                                len(stale), None, ids, since)  # fmt: skip

    def _scan_walked(self, w: Walk, progress: Progress | None, gc_enabled: bool) -> LibraryScan:
        digest = w.digest(self.max_bytes)
        # A start-up takes the last run's result as its "last scan": unchanged, it is the
        # answer; a few files changed, only those are looked at, as in a running app's poll.
        last = self._last or self._from_snapshot()
        if last is None:
            return self._full(w, digest, None, progress, gc_enabled)
        if last.digest == digest:
            return last.again(w.skipped)
        if w.has_duplicates():
            w.sort()
        signature = w.signature()
        last_signature = last.signature()
        if last_signature == signature:  # the same files, listed in a new order
            last.digest = digest
            return last.again(w.skipped)
        changed = sorted(p for p, _ in signature.items() - last_signature.items())
        if len(changed) * 4 < len(signature):
            result = self._patch(w, digest, signature, last, changed, progress, gc_enabled)
            if result is not None:
                return result
        return self._full(w, digest, last, progress, gc_enabled)

    def _patch(
        self,
        w: Walk,
        digest: bytes,
        signature: dict[str, tuple[int, int]],
        last: LastScan,
        changed: list[str],
        progress: Progress | None,
        gc_enabled: bool,
    ) -> LibraryScan | None:
        """The last result with the changed files redone (None when ids would move: two
        files share a name, so the whole list is redone)."""
        rels = w.rels()
        stems = stems_of(rels)
        if len(set(stems)) != len(stems):
            return None
        id_of = dict(zip(w.paths, stems, strict=True))
        redo = set(changed).union(last.signature().keys() - signature.keys())
        kept = [a for a in last.scan.articles if a.path_str not in redo]
        if list(map(_id, kept)) != list(map(id_of.__getitem__, map(_path_str, kept))):
            return None  # the last scan had names in common: ids change
        with Catalog.open(self.catalog_file) as catalog:
            known = catalog.entries_for(changed)
            stale = [p for p in changed if not same_stat(known.get(p), *signature[p])]
            fresh = parse_all(stale, signature, self.max_bytes, progress, gc_enabled)
            gone = [p for p in redo if p not in signature]
            if fresh or gone:
                catalog.replace(fresh, gone=gone)
            entries = {**known, **{e.path: e for e in fresh}}
            new = [entries[p] for p in changed]
            came = []
            for entry in new:
                if entry.reason is None:
                    came.append(entry.summary(id_of[entry.path]))
                    insort(kept, came[-1], key=newest_first)
            went = tuple(redo.difference(a.path_str for a in came))
            left = tuple(a.content_hash for a in last.scan.articles if a.path_str in redo)
            since = ScanChange(last.scan.state, tuple(came), went, left)
            skips = [
                skip_entry(s, last.skip_stats) for s in last.scan.skipped if str(s.path) not in redo
            ]
            skips += [e for e in new if e.reason is not None]
            if len(skips) > 1:  # in the order of a full scan: by root, then path
                root = dict(zip(w.paths, w.root_of, strict=True))
                skips.sort(key=lambda e: (root[e.path], e.path))
            return self._finish(
                catalog, w, digest, tuple(kept), skips, len(stale), signature, since=since
            )

    def _full(
        self,
        w: Walk,
        digest: bytes,
        last: LastScan | None,
        progress: Progress | None,
        gc_enabled: bool,
    ) -> LibraryScan:
        """Every file's entry from the catalog, or parsed; the list built anew."""
        w.sort()
        found = [
            WalkedFile(*f)
            for f in zip(w.paths, w.root_of, w.rels(), w.sizes, w.mtimes, strict=True)
        ]
        memo = last.memo() if last is not None else {}
        with Catalog.open(self.catalog_file) as catalog:
            known = catalog.entries()
            stale = [f.path for f in found if not same_stat(known.get(f.path), f.size, f.mtime_ns)]
            signature = w.signature()
            fresh = parse_all(stale, signature, self.max_bytes, progress, gc_enabled)
            if fresh or len(known) != len(found):
                catalog.replace(fresh, keep=set(signature))
            entries = {**known, **{e.path: e for e in fresh}}
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
                if (
                    old is None
                    or old.id != article_id
                    or old.size != entry.size
                    or old.mtime_ns != entry.mtime_ns
                ):
                    old = entry.summary(article_id)
                articles.append(old)
            articles.sort(key=newest_first)
            return self._finish(catalog, w, digest, tuple(articles), skips, len(stale), signature)

    def _finish(
        self,
        catalog: Catalog,
        w: Walk,
        digest: bytes,
        articles: tuple[ArticleSummary, ...],
        skips: list[CatalogEntry],
        parsed: int,
        signature: dict[str, tuple[int, int]] | None,
        by_id: dict[str, ArticleSummary] | None = None,
        since: ScanChange | None = None,
    ) -> LibraryScan:
        """Store the result as the snapshot and as this process's last scan (``signature``
        and ``by_id``: made from it when not given; ``since``: what it changed)."""
        catalog_skips = tuple(Skipped(Path(e.path), e.reason or "") for e in skips)
        blob = self._snapshot(digest, articles, skips)
        state = b"" if blob is None else state_of(blob)
        result = LibraryScan(
            articles, (*w.skipped, *catalog_skips), parsed, by_id or {}, state, since
        )
        catalog.set_snapshot(blob)
        self._last = LastScan(
            digest,
            LibraryScan(articles, catalog_skips, 0, result.by_id, state),
            {e.path: (e.size, e.mtime_ns) for e in skips},
            signature,
        )
        return result

    def _snapshot(
        self, digest: bytes, articles: tuple[ArticleSummary, ...], skips: list[CatalogEntry]
    ) -> bytes | None:
        return encode(
            Snapshot(
                self._root_names,
                self.max_bytes,
                digest,
                [a.id for a in articles],
                [a.path_str for a in articles],
                [a.title for a in articles],
                [a.date.toordinal() if a.date else 0 for a in articles],
                [a.dateline for a in articles],
                [a.content_hash for a in articles],
                [a.size for a in articles],
                [a.mtime_ns for a in articles],
                [e.path for e in skips],
                [e.reason or "" for e in skips],
                [e.size for e in skips],
                [e.mtime_ns for e in skips],
            )
        )

    def remembered(self) -> LibraryScan | None:
        """What the last scan (in any run) found, without looking at the folders: the list a
        start-up can show while ``scan()`` checks it. None when there is none for these roots."""
        with no_gc():
            last = self._last or self._from_snapshot(packed=True)
        return None if last is None else last.scan

    def _from_snapshot(self, packed: bool | None = None) -> LastScan | None:
        """The stored result of the last scan (of these roots), as this process's last scan;
        its articles packed (``packed.py``) when ``packed`` (default: ``self.packed``)."""
        with Catalog.open(self.catalog_file, check=False) as catalog:
            blob = catalog.snapshot()
        if blob is None:
            return None
        last = last_scan_of(
            blob, self._root_names, self.max_bytes, self.packed if packed is None else packed
        )
        if last is not None:
            self._last = last
        return last

    def load(self, summary: ArticleSummary) -> Article:
        """Read the whole article; raises ParseError if the file is gone or no longer parses."""
        data, st = read_article_bytes(summary.path, self.max_bytes)
        return parse_bytes(data, summary.path, summary.id, size=st.st_size, mtime_ns=st.st_mtime_ns)
