"""This device's clock as the ledger keeps it between runs (in its ``meta``), and the stamps
of one wall time that no change of this device has yet, for a change that keeps the time it
was made instead of taking the clock's next tick."""

from __future__ import annotations

import json
import sqlite3

from newsreader.sync.hlc import COUNTER_MAX, Clock, parse_stamp
from newsreader.sync.ledger_layout import meta, set_meta

DEVICE_OF = "substr(id, 22)"
"""The device of a stamp ``wall.counter.device`` (13 and 6 digits), in SQL."""


def load_clock(conn: sqlite3.Connection, device: str) -> Clock:
    """The clock of ``device`` (this one) as the last transaction left it."""
    wall, counter = json.loads(meta(conn, "clock") or "[0, 0]")
    return Clock(device, (int(wall), int(counter)))


def save_clock(conn: sqlite3.Connection, clock: Clock) -> None:
    set_meta(conn, "clock", json.dumps([clock.wall, clock.counter]))


def free_stamp(
    conn: sqlite3.Connection, device: str, wall: int, free: dict[int, int]
) -> tuple[int, int]:
    """(wall, counter) of a stamp of this device at ``wall`` that no change has: records
    of a backup share their times, and a change ticked here may have had that time.
    ``free``: the next free counter by wall time, as far as this transaction has looked or
    stamped; filled in here."""
    while True:
        if wall not in free:
            row = conn.execute(
                f"SELECT max(id) FROM changes WHERE id >= ? AND id < ? AND {DEVICE_OF} = ?",
                (f"{wall:013d}.", f"{wall:013d}/", device),  # "/" sorts after "."
            ).fetchone()
            parsed = parse_stamp(str(row[0])) if row[0] is not None else None
            free[wall] = parsed[1] + 1 if parsed else 0
        if free[wall] <= COUNTER_MAX:
            return wall, free[wall]
        wall += 1  # a million changes in one millisecond: the next one
