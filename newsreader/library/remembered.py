"""The last run's scan read back from the catalog's snapshot: the list a start-up shows at
once, and where its first scan starts from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from newsreader.library.article import Skipped, summaries
from newsreader.library.packed import PackedIds
from newsreader.library.scan_result import LastScan, LibraryScan
from newsreader.library.snapshot import decode, decode_packed, state_of


def last_scan_of(
    blob: bytes, roots: tuple[str, ...], max_bytes: int, packed: bool
) -> LastScan | None:
    """The scan stored in ``blob``, or None when it is not one of these roots and size limit
    (or not intact); its articles packed (``packed.py``, built when read) when ``packed``."""
    if packed:
        return _packed(blob, roots, max_bytes)
    snap = decode(blob)
    if snap is None or snap.roots != roots or snap.max_bytes != max_bytes:
        return None
    days = dict.fromkeys(snap.days)  # one date object per day, shared
    days.update((d, date.fromordinal(d)) for d in days if d)
    days[0] = None
    articles = summaries(
        snap.ids,
        snap.paths,
        snap.titles,
        map(days.__getitem__, snap.days),
        snap.datelines,
        snap.sizes,
        snap.mtimes,
        snap.hashes,
    )
    catalog_skips = tuple(map(Skipped, map(Path, snap.skip_paths), snap.reasons))
    skip_stats = dict(
        zip(snap.skip_paths, zip(snap.skip_sizes, snap.skip_mtimes, strict=True), strict=True)
    )
    by_id = dict(zip(snap.ids, articles, strict=True))
    state = state_of(blob)
    return LastScan(
        snap.walk_digest, LibraryScan(articles, catalog_skips, 0, by_id, state), skip_stats
    )


def _packed(blob: bytes, roots: tuple[str, ...], max_bytes: int) -> LastScan | None:
    snap = decode_packed(blob)
    if snap is None or snap.roots != roots or snap.max_bytes != max_bytes:
        return None
    catalog_skips = tuple(map(Skipped, map(Path, snap.skip_paths), snap.reasons))
    skip_stats = dict(
        zip(snap.skip_paths, zip(snap.skip_sizes, snap.skip_mtimes, strict=True), strict=True)
    )
    scan = LibraryScan(snap.articles, catalog_skips, 0, PackedIds(snap.articles), state_of(blob))
    return LastScan(snap.walk_digest, scan, skip_stats)
