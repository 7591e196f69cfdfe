"""A separate process that scans a library and updates its search index, to be killed.

Run as ``python index_child.py ROOT INDEX_DIR CATALOG MODE`` where MODE is ``update``
(incremental), ``build`` (full rebuild, one process) or ``build2`` (full rebuild forking a
second process, as ``newsreader index`` does). Prints ``start`` just before the update and
``done`` after it, flushed, so the parent can aim its SIGKILL at the update itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

from newsreader.library import Library
from newsreader.search import SearchIndex
from newsreader.search import build as search_build


def main() -> None:
    root, index_dir, catalog, mode = (
        Path(sys.argv[1]),
        Path(sys.argv[2]),
        Path(sys.argv[3]),
        sys.argv[4],
    )
    library = Library((root,), catalog)
    scan = library.scan()
    index = SearchIndex(index_dir)
    if mode == "build2":
        search_build.PARALLEL_MIN = 2  # the forking path, on a corpus small enough to repeat
    print("start", flush=True)
    report = index.update(
        scan, library, rebuild=mode != "update", procs=2 if mode == "build2" else 1
    )
    index.close()
    print(f"done {report}", flush=True)


if __name__ == "__main__":
    main()
