"""Sync through the sync folder while the app runs (config ``sync_dir``), and the status
line's short "⇅ synced 14:05"; ``SyncMerged`` tells each screen what a run changed.

A helper of ``MainScreen``. A run (``app.sync.sync_once``) goes in a thread worker: at start,
after the first paint; every poll (the library's interval: a run with nothing new lists the
folder and reads a few ledger rows); and a few seconds after a change made here, once
changes stop coming (each change is told from the writer thread; a UI timer looks at when the
last one came, so no thread calls into the UI). A run that merged changes posts ``SyncMerged``
to every screen open (the main screen reloads read marks, the margin's bookmarks and the
sort; the bookmarks screen its list).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

from newsreader.errors import UserError
from newsreader.library.text import clean_line

if TYPE_CHECKING:
    from newsreader.app.sync import SyncReport
    from newsreader.tui.screens.main import MainScreen

START_DELAY = 0.5
"""Seconds after the first paint before the first run."""
DEBOUNCE = 3.0
"""Seconds without a new change before the changes made here are sent."""
CHECK = 0.5
"""How often the UI looks whether a debounced run is due."""
ERROR_CHARS = 40
"""The most of an error the status line shows (it shares the line); the whole error is told
once in a notification."""


@dataclass
class SyncMerged(Message):
    """A sync run wrote changes from other devices to the state file."""

    touched: frozenset[str]
    """What they were of (``SyncReport.touched``): "article", "bookmark", "tag", …"""


class FolderSync:
    """Runs sync for the main screen; does nothing without ``sync_dir``."""

    def __init__(self, screen: MainScreen, poll_seconds: float | None) -> None:
        self.screen = screen
        self.folder = screen.session.ctx.config.sync_dir
        self.poll_seconds = poll_seconds
        self._running = False
        self._again = False
        self._changed_at: float | None = None
        self.last: SyncReport | None = None
        self.error: str | None = None

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def start(self) -> None:
        """After the first paint: a first run, then the timers."""
        if self.folder is None:
            return
        screen = self.screen
        screen.session.on_store_change = self._changed
        screen.set_timer(START_DELAY, self.run)
        screen.set_interval(CHECK, self._check)
        if self.poll_seconds:
            screen.set_interval(max(self.poll_seconds, 1.0), self.run)

    def _changed(self) -> None:
        # The writer thread: only a time is stored; ``_check`` (the UI thread) acts on it.
        self._changed_at = time.monotonic()

    def _check(self) -> None:
        at = self._changed_at
        if at is not None and time.monotonic() - at >= DEBOUNCE:
            self._changed_at = None
            self.run()

    def run(self) -> None:
        """Sync now, or right after the run in progress."""
        if self.folder is None:
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self.screen.run_worker(
            self._sync, name="sync", group="sync", thread=True, exit_on_error=False
        )

    def _sync(self) -> None:
        from newsreader.app.sync import resolve_sync_dir, sync_once
        from newsreader.feeds import subscriptions_file

        session = self.screen.session
        report: SyncReport | None = None
        error: str | None = None
        try:
            store = session.store()
            if store is None:
                error = "reading state unavailable"
            else:
                assert self.folder is not None
                folder = resolve_sync_dir(self.folder)
                feeds = subscriptions_file(session.ctx.paths)
                report = sync_once(
                    session.ctx.paths, folder, store, feeds, wait=False, changed=self._changed
                )
        except UserError as exc:
            error = str(exc)
        except Exception as exc:  # a sync that fails must never take the app down
            error = f"{exc.__class__.__name__}: {exc}"
        self.screen.app.call_from_thread(self._done, report, error)

    def _done(self, report: SyncReport | None, error: str | None) -> None:
        self._running = False
        if error is not None and error != self.error:  # told once, not at every poll
            self.screen.notify(error, title="Sync", severity="error", timeout=10, markup=False)
        self.error = error
        if report is not None and not report.busy:
            self.last = report
            for notice in report.fresh_notices:
                self.screen.notify(notice, title="Sync", severity="warning", markup=False)
            if report.touched:
                merged = frozenset(report.touched)
                for screen in self.screen.app.screen_stack:
                    screen.post_message(SyncMerged(merged))
        self.screen.status.set_sync(self.status_text(), warning=error is not None)
        if self._again:
            self._again = False
            self.run()

    def status_text(self) -> str:
        """ "⇅ synced 14:05", with what was skipped or why sync does not work."""
        if self.error is not None:
            return f"⇅ sync: {clean_line(self.error, ERROR_CHARS)}"
        report = self.last
        if report is None:
            return "⇅ syncing…"
        text = f"⇅ synced {datetime.now():%H:%M}"
        if report.skipped:
            files = report.skipped
            text += f" · {files} file{'s' if files != 1 else ''} skipped"
        return text
