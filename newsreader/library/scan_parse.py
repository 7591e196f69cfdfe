"""The files a scan must read, parsed into catalog entries; and the cyclic collector, paused
for the rest of a scan."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path

from newsreader.library.catalog import CatalogEntry
from newsreader.library.parse import ParseError, parse_bytes, read_article_bytes

Progress = Callable[[int, int], None]
"""Called with (done, total) while files are being parsed."""


@contextlib.contextmanager
def no_gc() -> Iterator[bool]:
    """The cyclic collector paused; yields whether it was on. A scan makes ~5 objects per file
    and no cycles among them: the collector would only re-walk the whole heap several times
    (a sizeable share of a re-scan, and more of reading the last scan's summaries)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield enabled
    finally:
        if enabled:
            gc.enable()


def parse_all(
    paths: list[str],
    signature: dict[str, tuple[int, int]],
    max_bytes: int,
    progress: Progress | None,
    gc_enabled: bool,
) -> list[CatalogEntry]:
    """The entries of ``paths`` (their (size, mtime_ns) from ``signature``), read under
    ``no_gc``, which yielded ``gc_enabled``."""
    if paths and gc_enabled:
        gc.enable()  # parsing can take minutes; the rest of the app makes garbage too
    try:
        out = []
        for done, path in enumerate(paths, 1):
            out.append(_parse_entry(path, *signature[path], max_bytes))
            if progress is not None:
                progress(done, len(paths))
        return out
    finally:
        gc.disable()


def _parse_entry(path: str, size: int, mtime_ns: int, max_bytes: int) -> CatalogEntry:
    try:
        data, st = read_article_bytes(Path(path), max_bytes)
        art = parse_bytes(data, Path(path), "", size=st.st_size, mtime_ns=st.st_mtime_ns)
    except ParseError as exc:
        return CatalogEntry.skipped(path, size, mtime_ns, str(exc))
    return CatalogEntry.from_article(art)
