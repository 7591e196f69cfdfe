"""Devices for the sync tests: each its own data dir, state file and feeds file, in one
process, sharing a sync folder in tmp_path (or each its own copy of it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.app.sync import SyncReport, ledger_path, sync_once
from newsreader.feeds.subscriptions import load_subscriptions, subscriptions_file
from newsreader.paths import AppPaths
from newsreader.state import StateStore
from newsreader.sync.ledger import Ledger


class Device:
    """One machine: its own folders and store; ``sync`` runs a real sync run."""

    def __init__(self, root: Path, name: str, sync_dir: Path) -> None:
        self.name = name
        self.paths = AppPaths(root / name / "data", root / name / "cache", root / name / "config")
        self.paths.data_dir.mkdir(parents=True, exist_ok=True)
        self.sync_dir = sync_dir
        sync_dir.mkdir(parents=True, exist_ok=True)
        self.store = StateStore.open(self.paths.state_file, self.paths.snapshot_dir)
        self._ledger: Ledger | None = None

    @property
    def feeds_file(self) -> Path:
        return subscriptions_file(self.paths)

    def sync(self) -> SyncReport:
        return sync_once(self.paths, self.sync_dir, self.store, self.feeds_file)

    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(ledger_path(self.paths))
        return self._ledger

    def feeds(self) -> list[str]:
        return sorted(f.url for f in load_subscriptions(self.feeds_file))

    def snapshot(self) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]], list[str]]:
        """What the user sees: read marks, places, stars and tags (in any order) by content
        hash, bookmarks, feeds."""
        data = self.store.backup_records()
        articles = sorted(
            {
                (
                    a["content_hash"],
                    a["read"],
                    a["progress"],
                    a["paragraph"],
                    a["offset"],
                    a["position_quote"],
                    a["starred"],
                    tuple(sorted(a["tags"])),
                )
                for a in data.articles
            }
        )
        marks = sorted((b["uuid"], b["quote"], b["note"]) for b in data.bookmarks)
        return (articles, marks, self.feeds())

    def organised(self) -> tuple[list[tuple[str, str, str]], str | None]:
        """The saved searches (name, query, sort) and the list's sort order."""
        saved = sorted((s.name, s.query, s.sort) for s in self.store.saved_searches())
        return (saved, self.store.setting("list.sort"))


@pytest.fixture
def devices(tmp_path: Path) -> Iterator[tuple[Device, Device]]:
    """Two devices sharing one sync folder."""
    folder = tmp_path / "Sync"
    pair = (Device(tmp_path, "laptop", folder), Device(tmp_path, "desktop", folder))
    yield pair
    for d in pair:
        d.store.close()
