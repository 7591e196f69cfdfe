"""Where a saved article came from, looked up by its file: the address it was saved from and
the feed that brought it, read from its folder's ``.sources.jsonl``.

For screens that ask about many articles often (the reader's "open in browser", a feeds
screen's unread counts). Each folder's sidecar is read once and again only when its size,
modification time or inode change, so a call for an unchanged folder costs a ``stat``.
Safe to call from any thread.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.feeds.articles_folder import SIDECAR, SourceRecord, parse_record


@dataclass(slots=True)
class _Folder:
    """One folder's records by file name, read incrementally like the sidecar is written."""

    stamp: tuple[int, int, int] | None = None
    inode: int | None = None
    offset: int = 0
    by_file: dict[str, SourceRecord] = field(default_factory=dict)
    feed_files: dict[str, dict[str, Path]] = field(default_factory=dict)
    by_feed: dict[str, tuple[Path, ...]] | None = None
    """Built from ``feed_files`` when asked for; None after a change."""


_lock = threading.Lock()
_folders: dict[Path, _Folder] = {}


def source_of(article_path: Path | str) -> SourceRecord | None:
    """The sidecar record of the article saved at ``article_path`` (``url``, ``feed``,
    ``title``, ``origin``, ...), or None for a file that ``add`` or ``fetch`` did not save
    (or whose sidecar is missing or unreadable).

    The sidecar looked in is the one in the article's own folder, so it works for any
    library folder that once was the articles folder, not only today's.
    """
    path = Path(article_path)
    with _lock:
        return _folder(path.parent).by_file.get(path.name)


def articles_by_feed(articles_folder: Path) -> dict[str, tuple[Path, ...]]:
    """Each feed's saved articles in ``articles_folder``: feed address (as stored in
    ``Subscription.url``) to article paths, oldest first. Articles saved by ``add`` (no
    feed) are left out. Paths are as recorded; a file the user deleted since is still
    listed, so callers intersect with the library's scan (e.g. for unread counts).

    The mapping is shared between callers: do not change it.
    """
    with _lock:
        entry = _folder(articles_folder)
        if entry.by_feed is None:
            entry.by_feed = {f: tuple(files.values()) for f, files in entry.feed_files.items()}
        return entry.by_feed


def _folder(folder: Path) -> _Folder:
    """The folder's records as the sidecar is now (``_lock`` held)."""
    key = Path(os.path.abspath(folder))
    path = key / SIDECAR
    entry = _folders.setdefault(key, _Folder())
    try:
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
            if stamp == entry.stamp:
                return entry
            if st.st_ino != entry.inode or st.st_size < entry.offset:  # replaced or cut
                entry = _folders[key] = _Folder(inode=st.st_ino)
            fh.seek(entry.offset)
            data = fh.read()
    except OSError:  # no sidecar (yet), or unreadable: nothing is known about the folder
        entry = _folders[key] = _Folder()
        return entry
    end = data.rfind(b"\n") + 1  # a torn last line is read once it is terminated
    for line in data[:end].splitlines():
        try:
            record = parse_record(json.loads(line))
        except (ValueError, TypeError, KeyError):
            continue
        _add(entry, key, record)
    entry.offset += end
    entry.stamp = stamp
    return entry


def _add(entry: _Folder, folder: Path, record: SourceRecord) -> None:
    old = entry.by_file.get(record.file)
    if old is not None and old.feed and old.feed != record.feed:
        entry.feed_files.get(old.feed, {}).pop(record.file, None)
    entry.by_file[record.file] = record  # a file saved again keeps its newest record
    if record.feed:
        entry.feed_files.setdefault(record.feed, {})[record.file] = folder / record.file
    entry.by_feed = None
