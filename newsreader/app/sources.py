"""Which article files each feed saved, as the library names them, for narrowing the list to
a feed and the feeds screen's unread counts. The sidecar itself is read (and cached per
folder) by ``newsreader.feeds.sources``.

Blocking the first time for a folder (it reads the sidecar): call it from a worker.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from newsreader.feeds.sources import articles_by_feed


def feed_files(articles_dir: Path) -> dict[str, set[str]]:
    """Feed address -> the absolute paths of the article files it saved (under the folder as
    given and as resolved: the library may name it either way)."""
    base = os.path.abspath(articles_dir)
    bases = {base, os.path.realpath(base)}
    return {
        feed: {os.path.join(b, path.name) for path in paths for b in bases}
        for feed, paths in articles_by_feed(Path(base)).items()
    }


def files_of(feeds: dict[str, set[str]], urls: Iterable[str]) -> frozenset[str]:
    """Every file saved by any of ``urls``."""
    return frozenset(path for url in urls for path in feeds.get(url, ()))
