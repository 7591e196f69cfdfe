"""The library's first scan, started before Textual is imported. No Textual here.

Importing Textual and the app's modules takes a few hundred milliseconds and so does the
first scan of a big library (a stat per file, the catalog read). Started first, the scan's
result can be ready for the first paint instead of a scan later.

But the walk itself is a system call per file, and each one hands the interpreter back and forth
with the importing thread, so walking beside the import slows both down. So the thread first
reads what the last run found (``Library.remembered``, one catalog read); that list is painted
at once, and the walk waits until someone asks for its result (``go``, or ``wait``), which the
app does once the list is drawn.
The walk's result then replaces the list if anything changed while the app was closed.
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
WALK_DELAY_MAX = 2.0
"""Seconds the walk waits for ``go`` after the remembered list was read."""


class FirstScan:
    """``library.scan()`` in a daemon thread, started at construction."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._future: Future[LibraryScan] = Future()
        self._remembered: LibraryScan | None = None
        self._go = threading.Event()
        self._done = 0
        self._total = 0
        self._cancelled = False
        threading.Thread(target=self._run, name="newsreader-first-scan", daemon=True).start()

    def _run(self) -> None:
        try:
            self._remembered = self.library.remembered()
        except Exception:  # a damaged catalog: the scan below redoes and reports it
            self._remembered = None
        if self._remembered is not None:  # something to paint: walk once it is painted
            self._go.wait(WALK_DELAY_MAX)
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

    def remembered(self) -> LibraryScan | None:
        """What the last run found, if already read (never waits): possibly out of date."""
        return self._remembered

    def go(self) -> None:
        """Walk now (the remembered list, if any, has been painted)."""
        self._go.set()

    def wait(self, progress: Progress | None = None) -> LibraryScan:
        """The scan's result (or its exception); ``progress`` hears (done, total) meanwhile and
        may raise to stop waiting, which also stops the scan."""
        self._go.set()
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
