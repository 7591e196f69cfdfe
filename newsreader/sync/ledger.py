"""This device's side of sync, in a small SQLite file of its own next to the state file:
its device id and clock, every change known (its own, numbered, and the others'), which
segments were taken in, which things still wait to be written to the state file, the
files skipped and why, and the tokens of the state file's outbox rows it has recorded.
Apart from the state file, so sync's bookkeeping never changes the state file's schema
(only the outbox is there, in the transactions that make the changes). Its own layout is
versioned (``SCHEMA_VERSION``); an older one is carried over as it is opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsreader.sync import merge
from newsreader.sync.changes import Change, record_type
from newsreader.sync.hlc import format_stamp, parse_stamp, wall_ms
from newsreader.sync.ledger_clock import DEVICE_OF, free_stamp, load_clock, save_clock
from newsreader.sync.ledger_layout import (
    NewerLedger,
    make_schema,
    meta,
    refile,
    set_meta,
)

_READY: set[Path] = set()
"""Ledger files whose schema this process has made sure of."""

TOKEN_DAYS = 7
"""How long the token of an outbox row recorded is kept once the state file no longer holds
the row. A row comes back only from a state file that was kept in memory meanwhile (its
writes are replayed, outbox rows with them), and a token forgotten then would have the row's
changes recorded again, with new stamps that could outrank a later change elsewhere."""

_SEES = frozenset({"bookmark", "note", "unbookmark", "unfeed", "untag", "unsearch"})
"""The kinds that carry ``seen``: the adds and edits known when they were made."""

Pending = tuple[str, str]
"""(entity, key) of something whose merged state must still reach the state file."""


class Ledger:
    """The sync ledger; thread-safe (a connection per call), shared by processes (SQLite
    ``BEGIN IMMEDIATE``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._tx() as conn:
            if path not in _READY:
                make_schema(conn)
                refile(conn)
            if meta(conn, "device") is None:
                set_meta(conn, "device", secrets.token_hex(8))
                set_meta(conn, "host", socket.gethostname())
            self.device = str(meta(conn, "device"))
            self.host = str(meta(conn, "host") or "")
        _READY.add(path)

    @classmethod
    def open(cls, path: Path) -> tuple[Ledger, str | None]:
        """The ledger, and a notice when the file was damaged: it is moved aside and a new
        one started (this device then sends everything again under a new id, and the merge
        takes it in as nothing new). Sync's bookkeeping never stands in the way of the state
        file."""
        try:
            return cls(path), None
        except NewerLedger:
            raise
        except sqlite3.DatabaseError as exc:
            aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.replace(f"{path}{suffix}", f"{aside}{suffix}")
            _READY.discard(path)
            notice = (
                f"sync: the sync ledger was damaged ({exc}); moved to {aside.name}, starting afresh"
            )
            return cls(path), notice

    @staticmethod
    def exists(path: Path) -> bool:
        """Whether sync was ever used on this device (its changes are then recorded)."""
        return path.is_file()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        # One connection per thread, kept: opening and closing one per call would create and
        # remove the WAL each time (the last connection to close checkpoints it).
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- this device's changes -------------------------------------------------------------

    def record(
        self, items: Iterable[tuple[str, str, dict[str, Any]]], token: str | None = None
    ) -> list[Change]:
        """Record changes made here: (kind, key, body) each, stamped by this device's clock.
        Bookmark and feed edits and removals get ``seen``: the adds and edits known now.
        A body's ``_wall`` (milliseconds) stamps it instead of the clock: records that were
        made before sync was set up, or come from a backup, keep the time they were made.
        ``token`` names the state file's outbox row they come from: a row recorded before
        is not recorded again (nothing is made)."""
        made: list[Change] = []
        with self._tx() as conn:
            if token is not None:
                before = conn.total_changes
                conn.execute(
                    "INSERT OR IGNORE INTO outbox (token, at) VALUES (?,?)", (token, wall_ms())
                )
                if conn.total_changes == before:
                    return made
            clock = load_clock(conn, self.device)
            seq = int(conn.execute("SELECT coalesce(max(seq), 0) FROM own").fetchone()[0])
            # The next counter no stamp of this device has used, by wall time: a stamp
            # taken twice would keep only the first change under it.
            free: dict[int, int] = {}
            for kind, key, body in items:
                body = dict(body)
                if "_wall" in body:
                    wall, counter = free_stamp(conn, self.device, int(body.pop("_wall")), free)
                    stamp = format_stamp(wall, counter, self.device)
                    clock.observe(stamp)
                else:
                    stamp = clock.tick()
                    wall, counter = clock.wall, clock.counter
                free[wall] = max(free.get(wall, 0), counter + 1)
                change = Change(stamp, kind, key, body)
                if kind in _SEES:
                    known = self._changes(conn, change.entity, key)
                    body["seen"] = merge.writes_of(change.entity, known)
                    change = Change(stamp, kind, key, body)
                seq += 1
                conn.execute(
                    "INSERT INTO changes (id, entity, key, record) VALUES (?,?,?,?)",
                    (stamp, change.entity, key, change.record_text()),
                )
                conn.execute("INSERT INTO own (seq, id) VALUES (?,?)", (seq, stamp))
                made.append(change)
            save_clock(conn, clock)
        return made

    def forget_tokens(self, held: Collection[str]) -> int:
        """Forget the outbox rows recorded more than ``TOKEN_DAYS`` ago, except those the
        state file still ``held`` (read before this call); returns how many."""
        cutoff = wall_ms() - TOKEN_DAYS * 86_400_000
        with self._tx() as conn:
            rows = conn.execute("SELECT token FROM outbox WHERE at < ?", (cutoff,)).fetchall()
            old = [(t,) for (t,) in rows if t not in held]
            conn.executemany("DELETE FROM outbox WHERE token = ?", old)
        return len(old)

    def unexported(self) -> tuple[int, list[Change]]:
        """(first sequence number, changes) made here and not yet in a segment."""
        with self._tx() as conn:
            done = int(meta(conn, "exported") or 0)
            rows = conn.execute(
                "SELECT record FROM own JOIN changes USING (id) WHERE seq > ? ORDER BY seq",
                (done,),
            ).fetchall()
        return done + 1, [_change(r[0]) for r in rows]

    def exported(self, count: int, first: int) -> None:
        """Segment written: changes up to ``first + count - 1`` are out."""
        with self._tx() as conn:
            set_meta(conn, "exported", str(first + count - 1))

    # --- others' changes -------------------------------------------------------------------

    def signatures(self) -> dict[str, str]:
        """The size and time each segment had when it was taken in, by name."""
        with self._tx() as conn:
            return {str(n): str(s) for n, s in conn.execute("SELECT name, signature FROM segments")}

    def take_in(
        self, name: str, signature: str, host: str, changes: list[Change], when: str
    ) -> int:
        """Keep a segment's changes, mark what they touch for the state file, note the
        segment as taken in; one transaction. Returns how many changes were new."""
        with self._tx() as conn:
            clock = load_clock(conn, self.device)
            before = conn.total_changes
            entity_of = {k: _entity(k) for k in {c.kind for c in changes}}  # not per change
            rows = [(c.id, entity_of[c.kind], c.key, c.line or c.record_text()) for c in changes]
            conn.executemany(
                "INSERT OR IGNORE INTO changes (id, entity, key, record) VALUES (?,?,?,?)", rows
            )
            new = conn.total_changes - before
            if new:  # a segment read again after its file changed may hold nothing new
                touched = sorted({(r[1], r[2]) for r in rows})
                conn.executemany(
                    "INSERT OR IGNORE INTO pending (entity, key) VALUES (?,?)", touched
                )
            if changes:
                clock.observe(max(c.id for c in changes))
            save_clock(conn, clock)
            conn.execute("INSERT OR REPLACE INTO segments VALUES (?,?)", (name, signature))
            conn.execute("DELETE FROM skipped WHERE name = ?", (name,))
            device = name.split("/", 1)[0]
            conn.execute("INSERT OR REPLACE INTO devices VALUES (?,?,?)", (device, host, when))
        return new

    def pending(self) -> list[Pending]:
        """What waits to be written to the state file."""
        with self._tx() as conn:
            return conn.execute("SELECT entity, key FROM pending").fetchall()

    def changes_for(
        self, entity: str, keys: Iterable[str], held: Mapping[str, list[Change]] | None = None
    ) -> dict[str, list[Change]]:
        """Every change known for each key. ``held``: changes already decoded, by key (each
        inserted by this process, so its row is this very change); a key whose rows number
        as many is not read again, only counted (on the ``changes_key`` index alone)."""
        held = held or {}
        keys = list(keys)
        out: dict[str, list[Change]] = {k: [] for k in keys}
        with self._tx() as conn:
            again: list[str] = []
            for chunk in _chunks(keys):
                rows = conn.execute(
                    f"SELECT key, count(*) FROM changes WHERE entity = ? AND key IN "
                    f"({','.join('?' * len(chunk))}) GROUP BY key",
                    (entity, *chunk),
                )
                for key, count in rows:
                    mine = held.get(key, ())
                    if len(mine) == count:
                        out[key] = list(mine)
                    else:
                        again.append(key)
            for chunk in _chunks(again):
                known = {c.id: c for k in chunk for c in held.get(k, ())}
                rows = conn.execute(
                    f"SELECT key, id, record FROM changes WHERE entity = ? AND key IN "
                    f"({','.join('?' * len(chunk))})",
                    (entity, *chunk),
                )
                for key, stamp, record in rows:
                    change = known.get(stamp)
                    out[key].append(change if change is not None else _change(record))
        return out

    def count(self, entity: str) -> int:
        """How many changes of an entity are known."""
        with self._tx() as conn:
            row = conn.execute("SELECT count(*) FROM changes WHERE entity = ?", (entity,))
            return int(row.fetchone()[0])

    def written(self, items: Iterable[Pending]) -> None:
        """These reached the state file."""
        with self._tx() as conn:
            conn.executemany("DELETE FROM pending WHERE entity = ? AND key = ?", list(items))

    def keys(self, entity: str) -> list[str]:
        """Every key of an entity that has changes."""
        with self._tx() as conn:
            rows = conn.execute("SELECT DISTINCT key FROM changes WHERE entity = ?", (entity,))
            return [str(r[0]) for r in rows]

    # --- skipped files, feeds, status ------------------------------------------------------

    def skip(self, name: str, reason: str, when: str) -> bool:
        """Note a file skipped; True when it is new or its reason changed (worth a notice)."""
        with self._tx() as conn:
            row = conn.execute("SELECT reason FROM skipped WHERE name = ?", (name,)).fetchone()
            if row is not None and row[0] == reason:
                return False
            conn.execute("INSERT OR REPLACE INTO skipped VALUES (?,?,?)", (name, reason, when))
            return True

    def forget_skipped(self, names: set[str]) -> None:
        """Files gone from the folder are no longer skipped."""
        with self._tx() as conn:
            for (name,) in conn.execute("SELECT name FROM skipped").fetchall():
                if name not in names:
                    conn.execute("DELETE FROM skipped WHERE name = ?", (name,))

    def applied_feeds(self) -> set[str]:
        """The feeds the subscriptions file held after the last sync."""
        with self._tx() as conn:
            return {str(r[0]) for r in conn.execute("SELECT key FROM applied_feeds")}

    def set_applied_feeds(self, keys: set[str]) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM applied_feeds")
            conn.executemany("INSERT INTO applied_feeds VALUES (?)", [(k,) for k in sorted(keys)])

    def flag(self, name: str, value: str | None = None) -> str | None:
        """Read (or with ``value``, set) one of the ledger's own settings."""
        with self._tx() as conn:
            if value is not None:
                set_meta(conn, name, value)
            return meta(conn, name)

    def status(self) -> dict[str, Any]:
        """Devices seen (with their last change), and files skipped."""
        with self._tx() as conn:
            hosts = {str(d): (str(h), s) for d, h, s in conn.execute("SELECT * FROM devices")}
            rows = conn.execute(
                f"SELECT {DEVICE_OF}, count(*), max(id) FROM changes GROUP BY {DEVICE_OF}"
            ).fetchall()
            skipped = conn.execute("SELECT name, reason, since FROM skipped ORDER BY name")
            skipped_list = [{"file": n, "reason": r, "since": s} for n, r, s in skipped]
            last_sync = meta(conn, "last_sync")
            waiting = int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])
            done = int(meta(conn, "exported") or 0)
            unexported = int(
                conn.execute("SELECT count(*) FROM own WHERE seq > ?", (done,)).fetchone()[0]
            )
        devices = []
        for device, count, last in rows:
            parsed = parse_stamp(str(last))
            host, synced = hosts.get(
                str(device), (self.host if device == self.device else "", None)
            )
            devices.append(
                {
                    "device": device,
                    "host": host,
                    "this": device == self.device,
                    "changes": int(count),
                    "last_change_ms": parsed[0] if parsed else None,
                    "taken_in": synced,
                }
            )
        devices.sort(key=lambda d: (not d["this"], str(d["device"])))
        return {
            "device": self.device,
            "last_sync": last_sync,
            "devices": devices,
            "skipped": skipped_list,
            "waiting": waiting,
            "unexported": unexported,
        }

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _changes(conn: sqlite3.Connection, entity: str, key: str) -> list[Change]:
        rows = conn.execute(
            "SELECT record FROM changes WHERE entity = ? AND key = ?", (entity, key)
        )
        return [_change(r[0]) for r in rows]


def _chunks(keys: list[str], size: int = 500) -> Iterator[list[str]]:
    """Keys in pieces small enough for one statement's parameters."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _change(record: str) -> Change:
    item = json.loads(record)
    return Change(item["id"], item["kind"], item["key"], item["body"], record)


def _entity(kind: str) -> str:
    """What a kind changes; a kind this version does not know is filed under its name."""
    t = record_type(kind)
    return t.entity if t is not None else kind
