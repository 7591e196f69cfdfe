"""Where a saved article came from, looked up by its file: the address it was saved from and
the feed that brought it, read from its folder's ``.sources.jsonl``.

For screens that ask about many articles often (the reader's "open in browser", a feeds
screen's unread counts). Each folder's sidecar is read once and again only when its size,
modification time or inode change, so a call for an unchanged folder costs a ``stat``.
Safe to call from any thread.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.feeds.articles_folder import SIDECAR, ArticleFolder, SourceRecord
from newsreader.feeds.files import StoreError


@dataclass(slots=True)
class _Folder:
    """One folder's records by file name, and the sidecar state they were read at."""

    stamp: tuple[int, int, int] | None = None
    by_file: dict[str, SourceRecord] = field(default_factory=dict)
    by_feed: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    reader: ArticleFolder | None = None


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
    return _folder(path.parent).by_file.get(path.name)


def articles_by_feed(articles_folder: Path) -> dict[str, tuple[Path, ...]]:
    """Each feed's saved articles in ``articles_folder``: feed address (as stored in
    ``Subscription.url``) to article paths, oldest first. Articles saved by ``add`` (no
    feed) are left out. Paths are as recorded; a file the user deleted since is still
    listed, so callers intersect with the library's scan (e.g. for unread counts).

    The mapping is shared between callers: do not change it.
    """
    return _folder(articles_folder).by_feed


def _folder(folder: Path) -> _Folder:
    key = Path(os.path.abspath(folder))
    stamp = _stamp(key / SIDECAR)
    with _lock:
        entry = _folders.setdefault(key, _Folder())
        if entry.stamp == stamp and stamp is not None:
            return entry
        if stamp is None:
            _folders[key] = entry = _Folder()
            return entry
        if entry.reader is None:
            entry.reader = ArticleFolder(key)
        try:
            records = entry.reader.records()  # reads only the lines appended since last time
        except StoreError:
            _folders[key] = _Folder()
            return _folders[key]
        entry.reader.notices.clear()
        by_file: dict[str, SourceRecord] = {}
        feeds: dict[str, list[Path]] = {}
        for record in records:  # oldest first: a file saved again keeps its newest record
            by_file[record.file] = record
        for record in by_file.values():
            if record.feed:
                feeds.setdefault(record.feed, []).append(key / record.file)
        entry.by_file = by_file
        entry.by_feed = {feed: tuple(paths) for feed, paths in feeds.items()}
        entry.stamp = stamp
        return entry


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)
