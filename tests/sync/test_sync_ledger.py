"""The ledger over time: every change made here keeps a stamp of its own, its bookkeeping
does not grow without end, and a ledger an older version wrote is carried over whole."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path
from typing import Any

import pytest

from newsreader.app.sync import ledger_path, sync_once
from newsreader.errors import UserError
from newsreader.state import StateStore
from newsreader.state.backup import BackupData
from newsreader.sync.hlc import SKEW_ENV
from newsreader.sync.ledger import _READY, TOKEN_DAYS
from newsreader.sync.ledger_layout import SCHEMA_VERSION
from tests.state.state_child import article
from tests.sync.conftest import Device

STAMP = "2026-01-02T03:04:05.000000+00:00"


def backup_row(n: int, updated: str = STAMP) -> dict[str, Any]:
    """Article n read, as a backup records it."""
    a = article(n).summary
    row: dict[str, Any] = {"id": a.id, "path": str(a.path), "content_hash": a.content_hash}
    row |= {"title": a.title, "read": True, "progress": 0, "paragraph": 0, "offset": 0}
    row |= {"first_opened": None, "last_opened": None, "updated": updated}
    return row | {"position_quote": "", "starred": None, "tags": None}


def read_hashes(device: Device) -> set[str]:
    return {a["content_hash"] for a in device.store.backup_records().articles if a["read"]}


def test_two_imports_of_records_from_the_same_millisecond_both_reach_the_other_device(
    devices: tuple[Device, Device],
) -> None:
    laptop, desktop = devices
    laptop.sync()
    laptop.store.merge_records(BackupData([backup_row(1)], []))
    laptop.store.merge_records(BackupData([backup_row(2)], []))
    laptop.sync()
    desktop.sync()
    assert read_hashes(desktop) == {
        article(1).summary.content_hash,
        article(2).summary.content_hash,
    }


def test_a_change_stamped_with_its_own_time_never_takes_the_stamp_of_one_made_here(
    devices: tuple[Device, Device],
) -> None:
    laptop, desktop = devices
    ledger = laptop.ledger()
    a1, a2 = article(1).summary, article(2).summary
    ident = {"id": a1.id, "path": str(a1.path), "title": a1.title}
    (now,) = ledger.record([("read", a1.content_hash, {**ident, "read": True})])
    ident = {"id": a2.id, "path": str(a2.path), "title": a2.title}
    (then,) = ledger.record([("read", a2.content_hash, {**ident, "read": True, "_wall": now.wall})])
    assert then.id != now.id and then.wall == now.wall
    laptop.sync()
    desktop.sync()
    assert read_hashes(desktop) == {a1.content_hash, a2.content_hash}


V1 = Path(__file__).with_name("data") / "ledger-v1.tar.gz"
"""Two devices as the version with ledger layout 1 left them (commit 4b9535c): the laptop
read, bookmarked, tagged and subscribed, and synced; the desktop took that in, moved its
place in article 2 and synced, then edited the note, starred, saved a search, chose a sort
and added and deleted a bookmark without syncing (six changes only in its ledger)."""


def v1_devices(root: Path) -> tuple[Device, Device]:
    with tarfile.open(V1) as held:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            held.extractall(root, filter="data")
        else:
            held.extractall(root)  # our own file, from this repository
    return Device(root, "laptop", root / "Sync"), Device(root, "desktop", root / "Sync")


def ledger_rows(device: Device) -> tuple[set[tuple[str, str]], list[str]]:
    """(stamp, record) of every change the ledger holds, and this device's in order."""
    conn = sqlite3.connect(ledger_path(device.paths))
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        every = set(conn.execute("SELECT id, record FROM changes"))
        if "own" in tables:
            own = [r[0] for r in conn.execute("SELECT id FROM own ORDER BY seq")]
        else:
            own = [
                r[0]
                for r in conn.execute("SELECT id FROM changes WHERE seq IS NOT NULL ORDER BY seq")
            ]
        return every, own
    finally:
        conn.close()


def held(device: Device) -> tuple[object, ...]:
    """What the user sees, leaving out articles with nothing stored (the desktop has a row
    for the article of the bookmark it deleted; it holds no state)."""
    articles, marks, feeds = device.snapshot()
    return [a for a in articles if a[1] or a[2] or a[6] or a[7]], marks, feeds


def test_a_ledger_of_the_version_before_is_carried_over_whole(tmp_path: Path) -> None:
    laptop, desktop = v1_devices(tmp_path)
    before = ledger_rows(desktop)
    assert len(before[0]) == 12 and len(before[1]) == 7  # what the fixture holds
    report = desktop.sync()
    assert report.changes_out == 6  # the six it had not sent yet, and no more
    assert ledger_rows(desktop) == before
    assert desktop.ledger().flag("schema") == str(SCHEMA_VERSION)
    laptop.sync()
    assert held(laptop) == held(desktop)
    (mark,) = laptop.store.bookmarks()
    assert mark.note == "edited on the desktop"
    assert laptop.store.reading_state(article(2).summary).starred
    assert laptop.organised() == ([("Rates", "interest rates", "date")], "title")
    again = desktop.sync()  # nothing is sent twice
    assert (again.changes_out, again.changes_in) == (0, 0)


def test_a_ledger_of_a_newer_version_is_left_alone(devices: tuple[Device, Device]) -> None:
    laptop, _ = devices
    laptop.sync()
    laptop.ledger().flag("schema", str(SCHEMA_VERSION + 1))
    _READY.clear()
    laptop._ledger = None
    held = ledger_path(laptop.paths).read_bytes()
    with pytest.raises(UserError, match="newer newsreader"):
        laptop.sync()
    assert ledger_path(laptop.paths).read_bytes() == held


def tokens(device: Device) -> int:
    """How many outbox rows of the state file the ledger remembers having recorded."""
    conn = sqlite3.connect(ledger_path(device.paths))
    try:
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])
    finally:
        conn.close()


def test_the_ledger_forgets_the_outbox_rows_it_recorded_once_they_cannot_come_back(
    devices: tuple[Device, Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = devices
    laptop.sync()
    for n in range(1, 31):
        laptop.store.set_read([article(n).summary], True)
    laptop.sync()
    assert tokens(laptop) == 30
    monkeypatch.setenv(SKEW_ENV, str(TOKEN_DAYS * 86400 + 3600))  # past the time they are kept
    laptop.store.set_read([article(31).summary], True)
    laptop.sync()
    assert tokens(laptop) == 1  # the change just made
    desktop.sync()
    assert len(read_hashes(desktop)) == 31


def test_an_old_row_a_killed_process_left_in_the_state_file_is_still_recorded_once(
    devices: tuple[Device, Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, _ = devices
    laptop.sync()
    laptop.store.set_read([article(1).summary], True)  # recorded; its row stays in the file
    assert len(laptop.ledger().unexported()[1]) == 1
    monkeypatch.setenv(SKEW_ENV, str(TOKEN_DAYS * 86400 + 3600))
    # Another process (the app was killed: its store never deleted the row) syncs later.
    later = StateStore.open(laptop.paths.state_file, laptop.paths.snapshot_dir)
    try:
        sync_once(laptop.paths, laptop.sync_dir, later)
        sync_once(laptop.paths, laptop.sync_dir, later)
    finally:
        later.close()
    assert laptop.ledger().status()["devices"][0]["changes"] == 1


def test_a_machine_set_up_from_a_copy_of_another_is_told_and_overwrites_nothing(
    devices: tuple[Device, Device],
) -> None:
    """The desktop's data folder was copied from the laptop's, sync ledger and all: both
    write as one device. Neither overwrites the other's file, and the laptop says what to do."""
    laptop, desktop = devices
    laptop.store.set_read([article(1).summary], True)
    laptop.sync()
    desktop.store.close()
    for name in ("state.sqlite3", "sync/ledger.sqlite3"):
        for suffix in ("", "-wal"):  # as a copy of the folder takes them
            source = laptop.paths.data_dir / f"{name}{suffix}"
            if source.exists():
                target = desktop.paths.data_dir / f"{name}{suffix}"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
    desktop.store = StateStore.open(desktop.paths.state_file, desktop.paths.snapshot_dir)
    assert desktop.ledger().device == laptop.ledger().device
    desktop.sync()  # from now on its changes are recorded
    desktop.store.set_read([article(2).summary], True)
    desktop.sync()  # writes the next segment under the laptop's id
    assert (laptop.sync_dir / desktop.ledger().device / "0000000002.jsonl").exists()
    own = laptop.sync_dir / laptop.ledger().device
    theirs = {p.name: p.read_bytes() for p in own.iterdir()}
    laptop.store.set_read([article(3).summary], True)
    with pytest.raises(UserError, match="another machine"):
        laptop.sync()
    assert {p.name: p.read_bytes() for p in own.iterdir()} == theirs  # nothing overwritten
    (skipped,) = laptop.ledger().status()["skipped"]
    assert skipped["file"].endswith("/0000000002.jsonl")
    assert "another machine" in skipped["reason"] and "ledger.sqlite3" in skipped["reason"]
