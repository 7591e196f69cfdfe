"""A hybrid logical clock: the order of changes across devices whose wall clocks disagree.

A stamp is (wall milliseconds, counter, device). Each new stamp is later than every stamp
this device has made or seen, whatever the wall clock says, so a change made after seeing
another is ordered after it even when this device's clock is hours behind.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable

SKEW_ENV = "NEWSREADER_CLOCK_SKEW"
"""Seconds added to the wall clock (tests play devices whose clocks are hours apart)."""

_STAMP = re.compile(r"^(\d{13})\.(\d{6})\.([0-9a-f]{16})$")
COUNTER_MAX = 999_999


def wall_ms() -> int:
    """The wall clock in milliseconds, with ``NEWSREADER_CLOCK_SKEW`` applied."""
    try:
        skew = float(os.environ.get(SKEW_ENV, "0") or 0)
    except ValueError:
        skew = 0.0
    return int((time.time() + skew) * 1000)


def format_stamp(wall: int, counter: int, device: str) -> str:
    """A stamp as text; texts sort as the stamps order."""
    return f"{wall:013d}.{counter:06d}.{device}"


def stamp_device(text: object) -> str | None:
    """The device of a stamp, or None when ``text`` is not one (cheaper than
    ``parse_stamp``: no numbers are made)."""
    m = _STAMP.match(text) if type(text) is str else None
    return m[3] if m else None


def parse_stamp(text: str) -> tuple[int, int, str] | None:
    """(wall, counter, device) of a stamp, or None when ``text`` is not one."""
    m = _STAMP.match(text) if isinstance(text, str) else None
    return (int(m[1]), int(m[2]), m[3]) if m else None


class Clock:
    """The clock of one device; ``last`` is the latest stamp it made or saw."""

    def __init__(
        self, device: str, last: tuple[int, int] = (0, 0), now: Callable[[], int] = wall_ms
    ) -> None:
        self.device = device
        self.wall, self.counter = last
        self._now = now

    def tick(self) -> str:
        """A new stamp, later than all before it."""
        now = self._now()
        if now > self.wall:
            self.wall, self.counter = now, 0
        else:
            self._bump()
        return format_stamp(self.wall, self.counter, self.device)

    def observe(self, stamp: str) -> None:
        """Take in a stamp made elsewhere, so the next tick orders after it."""
        parsed = parse_stamp(stamp)
        if parsed is None:
            return
        wall, counter, _device = parsed
        if (wall, counter) > (self.wall, self.counter):
            self.wall, self.counter = wall, counter

    def _bump(self) -> None:
        if self.counter >= COUNTER_MAX:  # a million stamps in one millisecond: move on
            self.wall, self.counter = self.wall + 1, 0
        else:
            self.counter += 1
