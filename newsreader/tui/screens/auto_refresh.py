"""Fetching the feeds in the background while the app runs (config ``fetch_interval``), and
the status line's "Feeds fetched 5 min ago" between fetches.

A helper of ``MainScreen``. Each tick reads feeds.json in a thread worker, asks the
``RefreshPlan`` which feeds are due (one interval after their last fetch, longer after
failures) and starts ``FeedFetch`` for those, marked ``auto`` so a feed that is down does not
raise a toast every time. Politeness is ``fetch_all``'s: the per-host delay, and the ETag and
Last-Modified each feed answered last, so an unchanged feed costs a 304.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from newsreader.app.refresh import RefreshPlan
from newsreader.errors import UserError

if TYPE_CHECKING:
    from newsreader.feeds import FetchReport, Subscription
    from newsreader.tui.screens.main import MainScreen

STATUS_SECONDS = 30.0
"""How often the "fetched … ago" line is redrawn."""
START_DELAY = 1.0
"""Seconds after start before feeds.json is first read (the first paint comes first)."""
LONGEST_TICK = 60.0
"""The longest time between two checks for due feeds."""


class AutoRefresh:
    """Ticks, the plan, and the last fetch's time for the status line."""

    def __init__(self, screen: MainScreen, interval: float | None) -> None:
        self.screen = screen
        self.plan = RefreshPlan(interval) if interval else None
        """None: no background fetching (``fetch_interval`` unset)."""
        self._checking = False

    def start(self) -> None:
        """After the first paint: read the last fetch time, then tick."""
        screen = self.screen
        screen.set_timer(START_DELAY, self._first)
        screen.set_interval(STATUS_SECONDS, screen.feeds.show_last)
        if self.plan is not None:
            tick = min(LONGEST_TICK, max(0.2, self.plan.interval / 4))
            screen.set_interval(tick, self.tick)

    def _first(self) -> None:
        self._read(first=True)

    def tick(self) -> None:
        """Fetch the feeds that are due, if no fetch runs."""
        if self.plan is not None and not self.screen.feeds.running and not self._checking:
            self._read(first=False)

    def _read(self, first: bool) -> None:
        self._checking = True
        screen = self.screen

        def read() -> None:
            from newsreader.feeds import load_subscriptions, subscriptions_file

            try:
                feeds = load_subscriptions(subscriptions_file(screen.session.ctx.paths))
            except UserError:
                feeds = []  # said by the fetch itself, when one runs
            screen.app.call_from_thread(self._read_done, feeds, first)

        screen.run_worker(read, name="feeds-due", group="feeds-due", thread=True)

    def _read_done(self, feeds: list[Subscription], first: bool) -> None:
        self._checking = False
        fetch = self.screen.feeds
        if first:
            times = [f.last_fetched for f in feeds if f.last_fetched]
            if times and fetch.last_finished is None:
                from datetime import datetime

                with contextlib.suppress(ValueError):  # a hand-edited time: not shown
                    fetch.last_finished = max(datetime.fromisoformat(t).timestamp() for t in times)
                fetch.show_last()
        plan = self.plan
        if plan is None or fetch.running:
            return
        for feed in feeds:
            plan.seed(feed)
        due = plan.due((f.url for f in feeds), time.time())
        if due:
            fetch.start(due, auto=True)

    def finished(self, report: FetchReport | None) -> None:
        """A fetch ended (automatic or not): each feed's next turn follows from how it did."""
        if self.plan is None or report is None:
            return
        now = time.time()
        for result in report.results:
            if result.status != "cancelled":
                self.plan.record(result.url, result.status == "failed", now)
