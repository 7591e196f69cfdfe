"""The ledger over time: every change made here keeps a stamp of its own, its bookkeeping
does not grow without end, and a ledger an older version wrote is carried over whole."""

from __future__ import annotations

from typing import Any

from newsreader.state.backup import BackupData
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
    assert read_hashes(desktop) == {article(1).summary.content_hash, article(2).summary.content_hash}


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
