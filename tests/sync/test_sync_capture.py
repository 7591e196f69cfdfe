"""Changes made through the store reach this device's log; changes merged from another
device reach the state file and are not sent back out as this device's."""

from __future__ import annotations

from newsreader.feeds.subscriptions import add_subscription, remove_subscription
from newsreader.sync.changes import Change
from newsreader.sync.hlc import format_stamp
from newsreader.sync.merge import CONFLICT_LINE
from newsreader.sync.segments import write_segment
from tests.state.state_child import article
from tests.sync.conftest import Device


def kinds(device: Device) -> list[tuple[str, str]]:
    return [(c.kind, c.key) for c in device.ledger().unexported()[1]]


def test_every_change_through_the_store_is_recorded(devices: tuple[Device, Device]) -> None:
    laptop, _ = devices
    laptop.sync()  # sync used once: from now on changes are recorded
    a1, a2 = article(1), article(2)
    laptop.store.mark_opened(a1.summary)
    laptop.store.set_read([a2.summary], True)
    laptop.store.save_position(a1.summary, 3, 4, 50, "Paragraph 3")
    mark = laptop.store.add_bookmark(a1, 2, note="first")
    laptop.store.update_note(mark.uuid, "second")
    gone = laptop.store.delete_bookmark(mark.uuid)
    assert gone is not None
    laptop.store.restore_bookmark(gone)
    assert kinds(laptop) == [
        ("read", "hash1"),
        ("opened", "hash1"),
        ("read", "hash2"),
        ("position", "hash1"),
        ("bookmark", mark.uuid),
        ("note", mark.uuid),
        ("unbookmark", mark.uuid),
        ("bookmark", mark.uuid),
    ]
    restored = laptop.ledger().unexported()[1][-1]
    assert restored.body["article_hash"] == "hash1" and restored.body["note"] == "second"


def test_changes_from_before_sync_was_set_up_are_sent(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    laptop.store.mark_opened(article(1).summary)
    laptop.store.save_position(article(1).summary, 2, 0, 30, "Paragraph 2")
    laptop.store.add_bookmark(article(1), 1, note="kept from before")
    laptop.sync()
    desktop.sync()
    assert desktop.snapshot() == laptop.snapshot()
    assert desktop.store.reading_state(article(1).summary).progress == 30


def test_merged_changes_are_not_sent_back_out(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    laptop.sync()
    desktop.sync()
    laptop.store.mark_opened(article(1).summary)
    laptop.store.add_bookmark(article(1), 1, note="hello")
    assert laptop.sync().changes_out == 3
    report = desktop.sync()
    assert report.changes_in == 3 and report.changes_out == 0
    assert desktop.snapshot() == laptop.snapshot()
    assert desktop.ledger().unexported()[1] == []
    assert laptop.sync().changes_in == 0  # nothing echoed


def test_both_change_apart_and_end_equal_with_nothing_lost(
    devices: tuple[Device, Device],
) -> None:
    laptop, desktop = devices
    mark = laptop.store.add_bookmark(article(1), 1, note="shared")
    other = laptop.store.add_bookmark(article(2), 0, note="to delete")
    laptop.sync()
    desktop.sync()
    # apart: the same note on both, a delete on one and an edit on the other
    laptop.store.update_note(mark.uuid, "laptop's words")
    desktop.store.update_note(mark.uuid, "desktop's words")
    laptop.store.delete_bookmark(other.uuid)
    desktop.store.update_note(other.uuid, "edited on desktop")
    laptop.store.set_read([article(3).summary], True)
    desktop.store.save_position(article(4).summary, 5, 0, 80, "Paragraph 5")
    for d in (laptop, desktop, laptop):
        d.sync()
    assert laptop.snapshot() == desktop.snapshot()
    notes = {b.uuid: b.note for b in laptop.store.bookmarks()}
    assert "laptop's words" in notes[mark.uuid] and "desktop's words" in notes[mark.uuid]
    assert CONFLICT_LINE in notes[mark.uuid]
    assert notes[other.uuid] == "edited on desktop"  # the edit kept it
    assert laptop.store.reading_state(article(4).summary).progress == 80
    assert desktop.store.reading_state(article(3).summary).read


def test_a_resolved_conflict_reaches_the_other_device(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    mark = laptop.store.add_bookmark(article(1), 1)
    laptop.sync()
    desktop.sync()
    laptop.store.update_note(mark.uuid, "one")
    desktop.store.update_note(mark.uuid, "two")
    for d in (laptop, desktop, laptop):
        d.sync()
    laptop.store.update_note(mark.uuid, "one and two")
    laptop.sync()
    desktop.sync()
    assert [b.note for b in desktop.store.bookmarks()] == ["one and two"]


def test_feed_subscriptions_merge_as_a_set(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    add_subscription(laptop.feeds_file, "https://a.example/feed", "A")
    add_subscription(laptop.feeds_file, "https://b.example/feed", "B")
    laptop.sync()
    desktop.sync()
    assert desktop.feeds() == ["https://a.example/feed", "https://b.example/feed"]
    remove_subscription(desktop.feeds_file, "https://a.example/feed")
    add_subscription(laptop.feeds_file, "https://c.example/feed", "C")
    for d in (laptop, desktop, laptop):
        d.sync()
    assert laptop.feeds() == desktop.feeds() == ["https://b.example/feed", "https://c.example/feed"]


def test_an_article_kept_elsewhere_is_matched_by_content(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    laptop.store.mark_opened(article(1).summary)
    laptop.store.add_bookmark(article(1), 1, note="n")
    laptop.sync()
    moved = article(1)._replace(id="d1")  # the desktop keeps it under another id
    desktop.store.mark_opened(article(9).summary)
    desktop.sync()
    state = desktop.store.reading_state(moved.summary)
    assert state.read
    assert [b.note for b in desktop.store.bookmarks(moved.id)] == ["n"]


def test_a_damaged_ledger_never_stops_the_state_and_is_started_afresh(
    devices: tuple[Device, Device],
) -> None:
    import gc

    from newsreader.app.sync import attach, ledger_path
    from newsreader.state import StateStore

    laptop, desktop = devices
    laptop.sync()
    mark = laptop.store.add_bookmark(article(1), 1, note="kept")
    laptop.store.close()
    laptop.store.on_change, laptop._ledger = None, None
    gc.collect()  # the ledger's connections close; its WAL is checkpointed into the file
    path = ledger_path(laptop.paths)
    assert not path.with_name(path.name + "-wal").exists()
    path.write_bytes(b"\x00garbage" * 600)  # a disk error, a bad copy
    store = StateStore.open(laptop.paths.state_file, laptop.paths.snapshot_dir)
    attach(store, laptop.paths)  # what every command and the app do on opening the store
    assert any("sync ledger was damaged" in n for n in store.notices)
    assert [b.note for b in store.bookmarks()] == ["kept"]
    store.update_note(mark.uuid, "still recorded")
    laptop.store = store
    laptop._ledger = None
    laptop.sync()
    desktop.sync()  # the new ledger sent everything again, under a new device id
    assert [b.note for b in desktop.store.bookmarks()] == ["still recorded"]
    assert list(laptop.paths.data_dir.glob("sync/ledger.sqlite3.damaged-*"))


def test_a_temporary_file_left_by_a_killed_run_is_removed(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    laptop.store.add_bookmark(article(1), 1)
    laptop.sync()
    own = laptop.sync_dir / laptop.ledger().device
    stale = own / ".0000000002.jsonl.4242.tmp"
    stale.write_text('{"format": "newsreader-sync", "ver')  # killed while writing
    laptop.store.add_bookmark(article(2), 1)
    laptop.sync()
    assert not stale.exists()
    names = sorted(p.name for p in own.iterdir())
    assert len(names) == 2 and all(n.endswith(".jsonl") and n[0] != "." for n in names)
    assert desktop.sync().notices == []  # hidden files are never read as segments


def test_a_kind_from_a_newer_version_waits_for_a_version_that_knows_it(
    devices: tuple[Device, Device],
) -> None:
    from newsreader.sync.changes import Change
    from newsreader.sync.hlc import format_stamp
    from newsreader.sync.segments import write_segment

    _, desktop = devices
    other = "fedcba9876543210"
    mark = Change(format_stamp(1, 0, other), "highlight", "hash1", {"colour": "red"})
    write_segment(desktop.sync_dir / other, other, "newer", 1, [mark])
    report = desktop.sync()
    assert report.notices == [] and report.changes_in == 1
    assert desktop.ledger().pending() == [("highlight", "hash1")]  # kept, not dropped


def test_a_time_past_the_year_9999_from_another_device_is_skipped_not_fatal(
    devices: tuple[Device, Device],
) -> None:
    """A stamp's millisecond count fits any year; the state file's times end at 9999."""
    laptop, desktop = devices
    laptop.store.add_bookmark(article(1), 1, note="kept")
    laptop.sync()
    other = "fedcba9876543210"
    (uuid,) = [b.uuid for b in laptop.store.bookmarks()]
    (mark,) = laptop.ledger().changes_for("bookmark", [uuid])[uuid]
    far = Change(format_stamp(1000, 0, other), "bookmark", "u-far", {**mark.body, "created": 2**53})
    write_segment(laptop.sync_dir / other, other, "odd", 1, [far])
    report = desktop.sync()
    assert report.skipped == 1 and "out of range" in report.notices[0]
    assert [b.note for b in desktop.store.bookmarks()] == ["kept"]
