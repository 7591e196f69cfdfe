"""When each feed is next due in the app's background refresh (config ``fetch_interval``).

Plain bookkeeping, no I/O: the app asks ``due`` on each tick and tells ``record`` what each
fetch did. A feed that fetched (or answered 304) waits one interval; one that failed waits
twice as long after each failure in a row, up to ``BACKOFF_CAP`` (or one interval, if the
interval is longer), so a feed that is down is asked less and less often.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the feeds package costs ~50 ms to import; the app loads this at start
    from newsreader.feeds.subscriptions import Subscription

BACKOFF_CAP = 6 * 3600.0
"""The longest wait after failures, in seconds."""
_MAX_DOUBLINGS = 16


class RefreshPlan:
    """Next due times (``time.time()`` seconds) and failures in a row, per feed address."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_due: dict[str, float] = {}
        self.failures: dict[str, int] = {}

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after a fetch with ``failures`` failures in a row (0: success)."""
        if failures <= 0:
            return self.interval
        longest = max(self.interval, BACKOFF_CAP)
        return min(self.interval * float(1 << min(failures, _MAX_DOUBLINGS)), longest)

    def seed(self, feed: Subscription) -> None:
        """What feeds.json says of a feed at start (its last fetch and the failures in a row
        that led to it): due one wait after that fetch, as if the app had kept running."""
        url = feed.url
        if url in self.next_due:
            return
        # A file written before failures were counted says only that the last one failed.
        self.failures[url] = feed.failures or (1 if feed.last_status == "failed" else 0)
        when = _timestamp(feed.last_fetched)
        self.next_due[url] = when + self.wait_after(self.failures[url]) if when else 0.0

    def due(self, urls: Iterable[str], now: float) -> frozenset[str]:
        """The feeds among ``urls`` whose wait is over (a feed not seen before is due)."""
        return frozenset(url for url in urls if self.next_due.get(url, 0.0) <= now)

    def record(self, url: str, failed: bool, now: float) -> None:
        """A fetch of ``url`` ended; cancelled fetches are not recorded."""
        failures = self.failures.get(url, 0) + 1 if failed else 0
        self.failures[url] = failures
        self.next_due[url] = now + self.wait_after(failures)


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).timestamp()
    except ValueError:
        return None
