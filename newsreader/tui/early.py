"""The library's first scan, started before Textual is imported. No Textual here.

Importing Textual and the app's modules takes a few hundred milliseconds and so does the
first scan of a big library (a stat per file, the catalog read). Run side by side (the scan
spends much of its time in system calls and SQLite, which let the importing thread run), the
article list can be painted as soon as the app has started instead of a scan later.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from newsreader.library import Library, LibraryScan

Progress = Callable[[int, int], None]
POLL_SECONDS = 0.1
"""How often a waiting caller hears the scan's progress."""


class FirstScan:
    """``library.scan()`` in a daemon thread, started at construction."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._future: Future[LibraryScan] = Future()
        self._done = 0
        self._total = 0
        self._cancelled = False
        threading.Thread(target=self._run, name="newsreader-first-scan", daemon=True).start()

    def _run(self) -> None:
        try:
            self._future.set_result(self.library.scan(progress=self._progress))
        except BaseException as exc:  # handed to whoever waits for the scan
            self._future.set_exception(exc)

    def _progress(self, done: int, total: int) -> None:
        if self._cancelled:
            raise _Abandoned  # a first parse of a huge library: stop when nobody waits
        self._done, self._total = done, total

    def ready(self) -> LibraryScan | None:
        """The result when the scan has already finished well, else None (never waits)."""
        future = self._future
        if future.done() and future.exception() is None:
            return future.result()
        return None

    def wait(self, progress: Progress | None = None) -> LibraryScan:
        """The scan's result (or its exception); ``progress`` hears (done, total) meanwhile and
        may raise to stop waiting, which also stops the scan."""
        while True:
            try:
                return self._future.result(timeout=POLL_SECONDS)
            except FutureTimeout:
                if progress is not None and self._total:
                    try:
                        progress(self._done, self._total)
                    except BaseException:
                        self._cancelled = True
                        raise


class _Abandoned(Exception):
    """Raised inside the scan thread to stop a scan nobody waits for any more."""
