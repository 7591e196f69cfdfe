"""When the engine cannot answer: Whoosh's exhaustive ranking, and one log line saying why.

Whoosh's search with a limit skips blocks by their quality bound and drops real top hits,
so its limited ranking differs from the engine's; unlimited, it scores every match and ranks
and counts as the engine does (the equivalence check, ``benchmarks/check_equivalence.py``,
compares the two). The log goes to a file under the per-user cache folder, never to the
terminal (the TUI owns it).
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from pathlib import Path

from newsreader.search.phrase_candidates import TopDocs
from newsreader.search.whoosh_read import Searcher, WhooshQuery

LOG_NAME = "newsreader.log"
LOGGER = "newsreader.search"
_logged: set[str] = set()
_lock = threading.Lock()


def exhaustive_top(
    searcher: Searcher, q: WhooshQuery, limit: int, keep: Collection[int] | None = None
) -> TopDocs:
    """The ``limit`` best documents by Whoosh's own matchers, every match scored: best
    first, ties by lower docnum, the total exact; with ``keep``, only among those."""
    results = searcher.search(q, limit=None)
    items = [(int(d), float(s)) for d, s in results.items()]
    if keep is not None:
        items = [(d, s) for d, s in items if d in keep]
    return TopDocs(items[:limit], len(items))


def log_path() -> Path:
    from newsreader.paths import app_paths

    return app_paths().cache_dir / LOG_NAME


def log_fallback(exc: BaseException) -> None:
    """Record once per process and reason that the engine gave way to Whoosh's ranking."""
    # Imported when first needed: logging (and the string module it compiles a pattern
    # for) is a few milliseconds of every search process, and nearly none ever logs.
    import logging

    logger = logging.getLogger(LOGGER)
    reason = f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    with _lock:
        if reason in _logged:
            return
        _logged.add(reason)
        if not logger.handlers:
            try:
                path = log_path()
                path.parent.mkdir(parents=True, exist_ok=True)
                handler = logging.FileHandler(path, encoding="utf-8")
            except OSError:
                return  # no log: the answers are right all the same
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
            logger.propagate = False  # never onto the terminal the TUI draws
    logger.warning("search engine failed (%s); answering with Whoosh's exhaustive ranking", reason)
