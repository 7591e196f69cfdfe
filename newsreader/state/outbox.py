"""The state file's outbox: each change made here, while sync records changes, is kept in
the ``sync_outbox`` table by the transaction that makes it, under a token of its own, and
deleted by a later write once sync's ledger has it. The ledger is a file of its own, so no
transaction spans both: a process killed after the state file took a change and before the
ledger did leaves the change here, and the next sync run records it (``app/sync.recover``;
the ledger remembers the tokens it recorded, so a change is recorded once).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Collection
from typing import TypeVar

from newsreader.state.change_items import ChangeItem
from newsreader.state.statefile import StateFile

T = TypeVar("T")

Told = Callable[[list[ChangeItem], str], None]
"""Sync's recording of changes made here: the changes and their outbox token."""


class Outbox:
    """The store's writes that sync is told of; thread-safe."""

    def __init__(self, file: StateFile, notices: list[str]) -> None:
        self._file = file
        self._notices = notices
        self._told: list[str] = []
        """Tokens of rows told to sync: the next write deletes them."""
        self._lock = threading.Lock()

    def write(
        self,
        op: Callable[[sqlite3.Connection], tuple[T, list[ChangeItem]]],
        on_change: Told | None,
    ) -> T:
        """Run a write whose ``op`` also says what it changed; with ``on_change``, what it
        changed is kept in the outbox in the same transaction, then told."""
        if on_change is None:
            return self._file.write(op)[0]
        token = uuid.uuid4().hex
        with self._lock:
            told = list(self._told)

        def journaled(conn: sqlite3.Connection) -> tuple[T, list[ChangeItem]]:
            # The same token and rows each time: replayed after a spell in memory (see
            # ``statefile``), it is the same write.
            result, items = op(conn)
            forget(conn, told)
            if items:
                conn.execute(
                    "INSERT OR REPLACE INTO sync_outbox (token, items) VALUES (?,?)",
                    (token, json.dumps(items, ensure_ascii=False)),
                )
            return result, items

        result, items = self._file.write(journaled)
        with self._lock:
            self._told = [t for t in self._told if t not in told]
        if items and self._tell(on_change, items, token):
            with self._lock:
                self._told.append(token)
        return result

    def _tell(self, on_change: Told, items: list[ChangeItem], token: str) -> bool:
        try:
            on_change(items, token)
        except Exception as exc:  # the change is saved, and kept for the next sync run
            notice = f"sync: a change was saved here but not yet recorded for sync ({exc})"
            if notice not in self._notices:
                self._notices.append(notice)
            return False
        return True

    def kept(self) -> list[tuple[str, list[ChangeItem]]]:
        """What the outbox holds, by token, oldest first."""
        rows = self._file.read(
            lambda c: c.execute("SELECT token, items FROM sync_outbox ORDER BY rowid").fetchall()
        )
        return [(str(t), [(k, key, body) for k, key, body in json.loads(i)]) for t, i in rows]

    def forget(self, tokens: Collection[str]) -> None:
        """These rows have reached the ledger."""
        if tokens:
            self._file.write(lambda c: forget(c, list(tokens)))

    def close(self) -> None:
        """Delete the rows told since the last write (best effort: sync knows them)."""
        with self._lock:
            told, self._told = self._told, []
        if told:  # else the next sync run finds them, and its ledger skips them
            with contextlib.suppress(sqlite3.Error, OSError, RuntimeError):
                self._file.write(lambda c: forget(c, told))


def forget(conn: sqlite3.Connection, tokens: list[str]) -> None:
    """Delete these rows from the outbox."""
    for start in range(0, len(tokens), 500):
        chunk = tokens[start : start + 500]
        conn.execute(
            f"DELETE FROM sync_outbox WHERE token IN ({','.join('?' * len(chunk))})", chunk
        )
