"""Fetching the subscribed feeds from the app: ``newsreader.feeds.fetch_all`` in a thread worker.

A helper of ``MainScreen`` (like ``BookmarkFlow``): ``R`` or the palette starts it, the fetch's
progress events come back as messages, and each new article asks for a library re-scan (at
most one per ``RESCAN_DELAY``) so it shows in the list while the other feeds are still loading.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from newsreader.errors import UserError
from newsreader.library.text import clean_line
from newsreader.tui.plural import ago, count
from newsreader.tui.widgets.status_bar import progress_text

if TYPE_CHECKING:
    from newsreader.feeds import FeedEvent, FeedResult, FetchOptions, FetchReport
    from newsreader.tui.screens.host import FeedHost

RESCAN_DELAY = 0.5
"""Seconds between re-scans while articles arrive (a scan per article would be wasted work)."""
FAILURE_TOASTS = 3
"""Failed feeds shown one toast each while fetching; the rest are listed in one at the end."""
FAILURE_LINES = 6
"""Lines of that last toast; the feeds list in the CLI has every error."""
SUMMARY_SECONDS = 30.0
"""How long the outcome stays in the status line."""
NO_FEEDS = "No feeds yet. Subscribe in a shell: newsreader feeds add URL"


class FeedFetch:
    """The feed steps of the main screen; the screen routes the messages below here."""

    @dataclass
    class Started(Message):
        """The fetch began; ``total`` feeds are subscribed."""

        total: int

    @dataclass
    class Progress(Message):
        """One event from ``fetch_all`` (sent from its threads, one at a time)."""

        event: FeedEvent

    @dataclass
    class Finished(Message):
        """The fetch ended with ``report``, or could not run (``error``)."""

        report: FetchReport | None
        error: str | None = None

    def __init__(self, screen: FeedHost, options: FetchOptions | None = None) -> None:
        self.screen = screen
        self.options = options
        """Limits for ``fetch_all`` (None: its defaults; tests pass fast ones)."""
        self.running = False
        self.saved_paths: set[Path] = set()
        """Files this app's fetches saved (the library-changed toast leaves them out)."""
        self.new = self.done = self.total = 0
        self._failures: list[str] = []
        self._rescan_timer: Timer | None = None
        self._clear_timer: Timer | None = None
        self._library_checked = False
        self._in_thread = False
        self.only: frozenset[str] | None = None
        """The feeds the running fetch asked for (None: every one)."""
        self.auto = False
        """The running fetch was started by the refresh timer (quieter: no summary toast)."""
        self.last_finished: float | None = None
        """When (``time.time()``) the last fetch ended (at start: the newest in feeds.json)."""
        self._summary_until = 0.0

    @property
    def busy(self) -> bool:
        """The fetch's threads are at work (still true after the app exits, until they end)."""
        return self._in_thread

    # --- starting --------------------------------------------------------------------------

    def start(self, only: frozenset[str] | None = None, *, auto: bool = False) -> bool:
        """Fetch every subscribed feed (or those in ``only``) in the background, once at a
        time; False when a fetch is already running."""
        screen = self.screen
        if self.running:
            if not auto:
                screen.notify("Already fetching feeds.", timeout=3, markup=False)
            return False
        self.running = True
        self.only, self.auto = only, auto
        self.new = self.done = self.total = 0
        self._failures = []
        self._library_checked = False
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._show()
        self._in_thread = True  # from now: a quit must not wait for the fetch (see run_app)
        screen.run_worker(
            self._fetch,
            name="feeds",
            group="feeds",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )
        return True

    def _fetch(self) -> None:
        """The worker: runs the fetch in a daemon thread and waits for it, or for the app to
        quit. A request in flight can take its whole timeout (15 s) to notice a cancel, and
        the app's exit waits for its worker threads; it must not wait for that one."""
        worker = get_current_worker()
        done = threading.Event()
        thread = threading.Thread(
            target=self._fetch_in_thread, args=(worker, done), name="newsreader-feeds", daemon=True
        )
        thread.start()
        while not done.wait(0.1) and not worker.is_cancelled:
            pass

    def _fetch_in_thread(self, worker: Worker[None], done: threading.Event) -> None:
        """``fetch_all`` with its events posted to the screen; never touches widgets."""
        from newsreader.feeds import (
            fetch_all,
            fetch_options,
            load_subscriptions,
            subscriptions_file,
        )

        ctx = self.screen.session.ctx

        def post(message: Message) -> None:
            self.screen.post_message(message)

        try:
            feeds_file = subscriptions_file(ctx.paths)
            feeds = load_subscriptions(feeds_file)
            only = self.only
            post(self.Started(sum(1 for f in feeds if only is None or f.url in only)))
            report = fetch_all(
                feeds_file,
                ctx.articles_dir,
                options=self.options or fetch_options(ctx.config),
                # fetch_all calls this from its own pool threads: post, never call_from_thread
                progress=lambda event: post(self.Progress(event)),
                cancel=lambda: worker.is_cancelled,
                only=only,
            )
        except UserError as exc:
            post(self.Finished(None, str(exc)))
        except Exception as exc:  # a bug in fetching must not take the reader down
            post(self.Finished(None, f"{exc.__class__.__name__}: {exc}"))
        else:
            post(self.Finished(report))
        finally:
            self._in_thread = False
            done.set()

    # --- while it runs ---------------------------------------------------------------------

    def started(self, message: Started) -> None:
        """Show how many feeds there are to fetch."""
        self.total = message.total
        self._show()

    def progress(self, message: Progress) -> None:
        """Count, show new articles as they arrive, report failed feeds."""
        from newsreader.feeds import ArticleSaved, FeedFinished

        event = message.event
        if isinstance(event, ArticleSaved):
            self.new = max(self.new, event.total_new)
            self.saved_paths.add(Path(os.path.abspath(event.article.path)))
            self._ensure_in_library()
            if self._rescan_timer is None:
                self._rescan_timer = self.screen.set_timer(RESCAN_DELAY, self._rescan)
        elif isinstance(event, FeedFinished):
            self.done, self.total = event.done, event.total
            self._feed_done(event.result)
        self._show()

    def _feed_done(self, result: FeedResult) -> None:
        # Names, reasons and notices quote feeds and servers: each toast line is cleaned.
        if result.status == "failed":
            self._failure(f"{result.name}: {result.error}")
        elif result.failures:
            first = result.failures[0].reason
            self._failure(
                f"{result.name}: {count(len(result.failures), 'entry', 'entries')} "
                f"not saved ({first})"
            )
        if result.notice:
            self.screen.notify(
                clean_line(f"{result.name}: {result.notice}"),
                title="Feeds",
                severity="warning",
                timeout=8,
                markup=False,
            )

    def _failure(self, line: str) -> None:
        line = clean_line(line)
        self._failures.append(line)
        # A background refresh keeps quiet about a feed that is down: the status line and
        # the feeds screen say it, and the back-off spaces its retries.
        if len(self._failures) <= FAILURE_TOASTS and not self.auto:
            self.screen.notify(
                line, title="Feed failed", severity="error", timeout=12, markup=False
            )

    def _rescan(self) -> None:
        self._rescan_timer = None
        self.screen.sync.rescan()

    def _show(self) -> None:
        text = progress_text("Fetching feeds", self.done, self.total)
        if self.new:
            text.append(f" · {self.new:,} new")
        self.screen.status.set_feeds(text)

    def _ensure_in_library(self) -> None:
        """The first article of a fetch: make sure its folder is one of the library's roots.

        The folder joins the default or configured library once it holds an article, which
        the context built at start could not know: build it again and switch to it live.
        An explicit --library or NEWSREADER_LIBRARY is left alone, with a notice.
        """
        if self._library_checked:
            return
        self._library_checked = True
        screen = self.screen
        ctx = screen.session.ctx
        folder = Path(os.path.abspath(ctx.articles_dir))
        if folder in ctx.library.roots:
            return
        if ctx.library_source in ("seeds", "config"):
            from newsreader.context import build_context

            try:
                fresh = build_context(paths=ctx.paths)
            except UserError:
                fresh = None
            if fresh is not None and folder in fresh.library.roots:
                screen.sync.use_context(fresh)
                return
        screen.notify(
            f"New articles are saved in {folder}, which is not in this library "
            f"(chosen by {ctx.library_source}); open it with --library to read them.",
            title="Feeds",
            severity="warning",
            timeout=15,
            markup=False,
        )

    # --- the end ---------------------------------------------------------------------------

    def finished(self, message: Finished) -> None:
        """Say what the fetch did; pick up its last articles."""
        screen = self.screen
        self.running = False
        if self._rescan_timer is not None:
            self._rescan_timer.stop()
            self._rescan_timer = None
        if self.new:
            screen.sync.rescan()
        report = message.report
        if report is None:
            screen.status.set_feeds("")
            screen.notify(
                clean_line(f"Feeds not fetched: {message.error}"),
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        if not report.results:
            screen.status.set_feeds("")
            if not self.auto:
                screen.notify(NO_FEEDS, title="Feeds", timeout=10, markup=False)
            return
        self.last_finished = time.time()
        for notice in report.notices:
            screen.notify(
                clean_line(notice), title="Feeds", severity="warning", timeout=12, markup=False
            )
        hidden = self._failures[FAILURE_TOASTS:]
        if hidden and not self.auto:
            lines = hidden[:FAILURE_LINES]
            if len(hidden) > FAILURE_LINES:
                lines.append("… ('newsreader feeds list' shows every feed's last error)")
            screen.notify(
                f"{count(len(hidden), 'more problem')}:\n" + "\n".join(lines),
                title="Feeds",
                severity="error",
                timeout=15,
                markup=False,
            )
        failed = len(report.failed)
        summary = f"{count(report.new, 'new article')} from {count(len(report.results), 'feed')}"
        if failed:
            summary += f" ({failed:,} failed)"
        if report.cancelled:
            summary += ", stopped early"
        if report.limit_reached:
            summary += ". Stopped at the per-run limit: fetch again for the rest"
        if not self.auto or report.new:
            screen.notify(
                summary + ".",
                title="Feeds",
                severity="warning" if failed else "information",
                timeout=8,
                markup=False,
            )
        line = Text(f"Feeds: {report.new:,} new")
        if failed:
            line.append(f" · {failed:,} failed", style="bold")
        screen.status.set_feeds(line)
        self._summary_until = time.monotonic() + SUMMARY_SECONDS
        self._clear_timer = screen.set_timer(SUMMARY_SECONDS, self.show_last)

    def show_last(self) -> None:
        """The status line between fetches: when the last one ran."""
        if self.running or time.monotonic() < self._summary_until:
            return
        if self.last_finished is None:
            self.screen.status.set_feeds("")
            return
        self.screen.status.set_feeds(Text(f"Feeds fetched {ago(time.time() - self.last_finished)}"))
