"""Keep the app in step with the library on disk: scan, load reading state, index, poll.

One thread worker does it all in order and posts messages to the screen that owns it; it
never touches widgets. When nothing changed a scan is stat-only, so polling is cheap.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

from newsreader.app.session import Session
from newsreader.app.story_map import StoryMap
from newsreader.context import AppContext
from newsreader.library import LibraryScan
from newsreader.library.packed import PackedSummaries
from newsreader.state.models import ReadingState
from newsreader.tui.rows import kept_states

if TYPE_CHECKING:
    from newsreader.search import IndexReport

PROGRESS_EVERY = 0.1
"""Seconds between progress messages, so 100k files do not flood the message queue."""
FINDING_VERSIONS = "Finding versions"
"""The activity of signing new articles for their story groups (after the index update)."""
PAINT_WAIT = 1.0
"""Seconds the worker waits for the first list to be painted before it loads reading state
(SQLite and Python work that would slow that paint down)."""


@dataclass
class LibraryScanned(Message):
    """A scan finished; ``changed`` is False on the first scan of the run."""

    scan: LibraryScan
    changed: bool


@dataclass
class StatesLoaded(Message):
    """Reading states for every article (at start, or after another instance wrote)."""

    states: dict[str, ReadingState]


@dataclass
class Activity(Message):
    """Background progress: ``label`` with done/total, or an empty label when idle."""

    label: str
    done: int = 0
    total: int = 0


@dataclass
class IndexUpdated(Message):
    """The index caught up with a scan (or failed, with ``error``)."""

    report: IndexReport | None
    error: str | None = None


@dataclass
class StoriesFound(Message):
    """The story groups among a scan's articles (after the index caught up with it)."""

    stories: StoryMap
    scan: LibraryScan


class IndexDamaged(Message):
    """A search found the index damaged: rebuild it through the index job."""


@dataclass
class StoreStatus(Message):
    """The store's notices and whether it can save."""

    notices: list[str]
    saving: bool


@dataclass
class SyncFailed(Message):
    """Something in the background failed; one line for the user."""

    error: str


class LibrarySync:
    """Runs the library worker for ``target`` and posts the messages above to it."""

    def __init__(self, target: DOMNode, session: Session, poll_seconds: float | None) -> None:
        self.target = target
        self.session = session
        self.poll_seconds = poll_seconds
        self.scan: LibraryScan | None = None
        self._rebuild = False
        self._healing = False
        self._child: subprocess.Popen[str] | None = None
        self._joiner: subprocess.Popen[str] | None = None
        """The child joining the index's segments (``index_job.start_join``), not waited for."""
        self._join_checked = False
        """Has this index been looked at for segments to join (once a session, again after a
        full build)?"""
        self._stopping = False
        self._wake = threading.Event()
        """Set to scan again now (coalesces: many requests while busy make one more scan)."""
        self._lock = threading.Lock()
        self._looping = 0
        """The serial of the worker that will still look at ``_wake``; 0 when none will."""
        self._serial = 0
        self._next_ctx: AppContext | None = None
        self._states_stale = False
        self.painted = threading.Event()
        """Set by the screen once the first scan's list has been drawn."""
        self.list_painted = threading.Event()
        """Set by the screen once its first list (maybe the last run's) has been drawn."""
        session.on_index_damage = self._index_damaged

    def start(self) -> Worker[None]:
        """Start (or restart) the worker."""
        with self._lock:
            self._serial += 1
            serial = self._looping = self._serial
        return self.target.run_worker(
            lambda: self._run(serial),
            name="library",
            group="library",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def rescan(self) -> None:
        """Scan again soon (e.g. a feed saved an article): wakes the polling worker, or starts
        it again when it has ended (``poll_seconds`` None)."""
        with self._lock:
            if self._looping:
                self._wake.set()
                return
        self.start()

    def reload_states(self) -> None:
        """Read every reading state again soon (sync wrote others' changes through this very
        store, which ``has_changed`` does not count)."""
        self._states_stale = True
        self.rescan()

    def use_context(self, ctx: AppContext) -> None:
        """Switch to another library (its roots changed): applied between two scans, so an
        index update in progress finishes first; then the new library is scanned."""
        self._next_ctx = ctx
        self._join_checked = False  # another index
        self.rescan()

    def stop(self) -> None:
        """End a child index build (the app is quitting); the thread then finishes."""
        from newsreader.app import index_job

        with self._lock:
            self._stopping = True  # no join child starts after this
        for child in (self._child, self._joiner):
            if child is not None:
                index_job.stop_child(child)  # Whoosh's lock dies with it

    def _index_damaged(self) -> None:
        # From a search worker: posting is safe from any thread, starting a worker is not.
        self.target.post_message(IndexDamaged())

    def heal(self) -> None:
        """Rebuild a damaged index like any full build (a child process for a big library),
        never in the searching thread; many damaged searches make one rebuild."""
        if self._healing:
            return
        self._healing = self._rebuild = True
        self.rescan()

    def reindex(self) -> Worker[None]:
        """Rebuild the index from scratch, then keep polling."""
        self._rebuild = True
        return self.start()

    # --- worker side -----------------------------------------------------------------------

    def _post(self, message: Message) -> None:
        self.target.post_message(message)

    def _progress(self, label: str) -> Callable[[int, int], None]:
        last = 0.0
        worker = get_current_worker()

        def report(done: int, total: int) -> None:
            nonlocal last
            if worker.is_cancelled:
                # The app is quitting: abandon a long scan or update now (both stay
                # consistent) rather than keep the process alive until it ends.
                raise _Cancelled
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or done >= total:
                last = now
                self._post(Activity(label, done, total))

        return report

    def _run(self, serial: int) -> None:
        worker = get_current_worker()
        try:
            if self.scan is None:
                self._first_load()
                if self.scan is not None and not worker.is_cancelled:
                    self._index(self.scan)
            else:  # restarted: re-index, or a rescan asked for after the worker had ended
                self._wake.clear()
                self._poll_once()
            while not worker.is_cancelled:
                if self._wake.is_set():
                    self._wake.clear()
                    self._poll_once()
                    continue
                if not self.poll_seconds:
                    with self._lock:  # rescan() either woke us before this or starts anew
                        if self._wake.is_set():
                            continue
                        if self._looping == serial:
                            self._looping = 0
                    break
                started = time.monotonic()
                self._poll_once()
                # Never spend more than a fifth of the time scanning a huge library.
                pause = max(self.poll_seconds, 5 * (time.monotonic() - started))
                if _sleep(pause, worker, self._wake):
                    break
        except _Cancelled:
            pass
        except Exception as exc:  # a background failure must never take the app down
            self._post(SyncFailed(f"{exc.__class__.__name__}: {exc}"))
        finally:
            with self._lock:
                if self._looping == serial:
                    self._looping = 0
            self._post(Activity(""))

    def _first_load(self) -> None:
        self._post(Activity("Reading articles"))
        shown = self.session.first_list()
        if shown is not None:
            # The last run's list is shown: walk the folders once it is drawn (the walk's
            # system calls would slow that paint down, see ``app.first_scan``), after its read
            # marks (the walk of 100k files takes a second).
            _wait(self.list_painted, PAINT_WAIT)
            self._load_states(shown)
        scan = self.session.first_scan(progress=self._progress("Reading articles"))
        self.scan = scan
        self._post(LibraryScanned(scan, changed=False))
        if shown is None or scan.articles is not shown.articles:
            _wait(self.painted, PAINT_WAIT)
            self._load_states(scan)
        notices, saving = self.session.store_notices()
        self._post(StoreStatus(notices, saving))

    def _load_states(self, scan: LibraryScan) -> None:
        store = self.session.store()
        # No store (it could not be opened): no article has a state, and the list says so.
        states = {} if store is None else store.reading_states(scan.articles, unopened=False)
        if isinstance(scan.articles, PackedSummaries):
            # The lookup by id (a sort of every id) is built here, not by the UI thread's
            # first use of it when the states arrive.
            scan.articles.warm()
        self._post(StatesLoaded(kept_states(states)))

    def _index(self, scan: LibraryScan) -> None:
        from newsreader.app import index_job  # in the worker: not on the way to the first paint

        rebuild, self._rebuild = self._rebuild, False
        label = "Rebuilding index" if rebuild else "Indexing"
        self._post(Activity(label))
        ctx = self.session.ctx
        try:
            if len(scan.articles) >= index_job.CHILD_BUILD_MIN and (
                rebuild or not self.session.index().is_complete()
            ):
                report = index_job.run_child(
                    ctx.library.roots, rebuild, self._progress(label), self._started
                )
            else:
                report = self.session.update_index(
                    scan, rebuild=rebuild, progress=self._progress(label)
                )
        except Exception as exc:
            self._post(IndexUpdated(None, f"Search index: {exc}"))
            return
        finally:
            self._healing = False
        self._post(IndexUpdated(report))
        with contextlib.suppress(Exception):  # a head start only: a search reads it itself
            self.session.warm_spelling()
        self._stories(scan)
        self._join(report.rebuilt)

    def _join(self, rebuilt: bool) -> None:
        """Start joining the index's small segments in a child, once a session and after a
        full build, when there are some: a big library's build leaves hundreds, and each costs
        every word searched a lookup (benchmarks/README.md, "1M articles")."""
        from newsreader.app import index_job
        from newsreader.search.joining import joinable

        if rebuilt:
            self._join_checked = False
        running = self._joiner is not None and self._joiner.poll() is None
        if self._join_checked or running:
            return
        self._join_checked = True
        ctx = self.session.ctx
        if joinable(ctx.index_dir):
            with self._lock:  # the app may be quitting: stop() must see every child
                if not self._stopping:
                    self._joiner = index_job.start_join(ctx.library.roots, ctx.index_dir)

    def _stories(self, scan: LibraryScan) -> None:
        from newsreader.app import index_job
        from newsreader.app.stories import refresh, story_map

        ctx = self.session.ctx
        progress = self._progress(FINDING_VERSIONS)

        def hand_off(unsigned: int) -> bool:
            # Many to sign: in a child, as a big build; this thread then signs only what
            # changed since the child's own scan. A failed child: all signed here instead.
            if unsigned < index_job.CHILD_BUILD_MIN:
                return False
            try:
                index_job.sign_child(ctx.library.roots, progress, self._started)
            except RuntimeError:
                return False
            return True

        groups, notice = refresh(
            ctx, scan.articles, progress=progress, state=scan.state, hand_off=hand_off
        )
        if notice:
            self._post(SyncFailed(notice))
        self._post(StoriesFound(story_map(groups, scan.articles), scan))

    def _started(self, child: subprocess.Popen[str]) -> None:
        self._child = child

    def _poll_once(self) -> None:
        ctx, self._next_ctx = self._next_ctx, None
        if ctx is not None:
            self.session.use_context(ctx)
        scan = self.session.ctx.library.scan()
        previous = self.scan
        if previous is None or scan.articles != previous.articles:
            self.scan = scan
            self._post(LibraryScanned(scan, changed=True))
            self._index(scan)
        elif self._rebuild:
            self._index(scan)
        store = self.session.store()
        stale, self._states_stale = self._states_stale, False
        if store is not None and (store.has_changed() or stale):
            self._load_states(self.scan or scan)


class _Cancelled(BaseException):  # not an Exception: it must pass "except Exception"
    """Raised from a progress callback to stop work when the worker is cancelled."""


def _wait(event: threading.Event, seconds: float) -> None:
    """Wait for ``event`` up to ``seconds``, but stop as soon as the worker is cancelled (the
    app is quitting: Textual waits for its workers)."""
    if _sleep(seconds, get_current_worker(), event):
        raise _Cancelled


def _sleep(seconds: float, worker: Worker[None], wake: threading.Event) -> bool:
    """Sleep in small steps until ``wake`` is set; True when the worker was cancelled."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if worker.is_cancelled:
            return True
        if wake.wait(min(0.1, max(deadline - time.monotonic(), 0))):
            break
    return worker.is_cancelled
