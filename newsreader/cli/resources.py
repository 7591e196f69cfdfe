"""What one command opens: the library scanned (with a progress bar) and the state store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from newsreader.cli.output import progress_bar

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.library import LibraryScan
    from newsreader.state import StateStore


def scan_library(ctx: AppContext) -> LibraryScan:
    with progress_bar("Reading articles") as update:
        return ctx.library.scan(progress=update)


@contextmanager
def open_store(ctx: AppContext) -> Iterator[StateStore]:
    """The state store for one command; every notice it raises (also on close) goes to stderr."""
    from newsreader.app.sync import attach
    from newsreader.state import StateStore

    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    attach(store, ctx.paths)
    try:
        yield store
    finally:
        try:
            store.close()
        finally:
            for notice in store.notices:
                print(f"newsreader: {notice}", file=sys.stderr)
