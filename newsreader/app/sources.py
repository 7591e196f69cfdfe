"""Where a saved article came from, read from the articles folder's sidecar: its web address
for ``o`` and citations, and which feed saved it for narrowing the list to one feed.

Blocking (it reads the sidecar): call it from a worker. One ``ArticleFolder`` per folder is
kept, so each call reads only the lines appended since the last.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

from newsreader.feeds.articles_folder import ArticleFolder, SourceRecord
from newsreader.feeds.files import StoreError

_folders: dict[str, ArticleFolder] = {}
_lock = threading.Lock()


def _folder(articles_dir: Path) -> ArticleFolder:
    key = os.path.abspath(articles_dir)
    with _lock:
        folder = _folders.get(key)
        if folder is None:
            folder = _folders[key] = ArticleFolder(Path(key))
        return folder


def _records(articles_dir: Path) -> list[SourceRecord]:
    try:
        return _folder(articles_dir).records()
    except StoreError:
        return []  # an unreadable sidecar: no addresses known, the articles still read


def _same_folder(a: str, b: str) -> bool:
    return a == b or os.path.realpath(a) == os.path.realpath(b)


def source_of(articles_dir: Path, path: Path | str) -> SourceRecord | None:
    """The sidecar record of the article file at ``path``, or None when it was not saved
    into ``articles_dir`` by ``add`` or ``fetch`` (a local file of the user's)."""
    file = os.path.abspath(path)
    if not _same_folder(os.path.dirname(file), os.path.abspath(articles_dir)):
        return None
    name = os.path.basename(file)
    for record in reversed(_records(articles_dir)):
        if record.file == name:
            return record
    return None


def feed_files(articles_dir: Path) -> dict[str, set[str]]:
    """Feed address -> the absolute paths of the article files it saved (as the library
    names them: under the folder as given and as resolved)."""
    base = os.path.abspath(articles_dir)
    bases = {base, os.path.realpath(base)}
    out: dict[str, set[str]] = {}
    for record in _records(articles_dir):
        if record.feed:
            paths = out.setdefault(record.feed, set())
            paths.update(os.path.join(b, record.file) for b in bases)
    return out


def files_of(feeds: dict[str, set[str]], urls: Iterable[str]) -> frozenset[str]:
    """Every file saved by any of ``urls``."""
    return frozenset(path for url in urls for path in feeds.get(url, ()))
