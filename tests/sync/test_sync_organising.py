"""Stars, user tags, saved searches and the list's settings travel between devices like
reading state: each change made through the store is recorded, what another device changed
reaches the state file (and is not sent back), and changes made apart converge."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest

from newsreader.state import StateStore
from newsreader.sync import changes as changes_module
from newsreader.sync import merge
from newsreader.sync.changes import Change
from newsreader.sync.hlc import format_stamp
from newsreader.sync.ledger import _READY
from newsreader.sync.segments import write_segment
from tests.state.state_child import article
from tests.sync.conftest import Device


def kinds(device: Device) -> list[tuple[str, str]]:
    return [(c.kind, c.key) for c in device.ledger().unexported()[1]]


def organised(store: StateStore) -> tuple[object, ...]:
    """What the user sees of their organising: stars and tags by article, saved searches,
    the list's sort."""
    data = store.backup_records()
    marks = sorted(
        (a["content_hash"], bool(a["starred"]), tuple(sorted(a["tags"]))) for a in data.articles
    )
    saved = sorted((s.name, s.query, s.sort) for s in store.saved_searches())
    return (marks, saved, store.setting("list.sort"))


def test_every_organising_change_is_recorded(devices: tuple[Device, Device]) -> None:
    laptop, _ = devices
    laptop.sync()
    a1 = article(1).summary
    laptop.store.set_starred(a1, True)
    laptop.store.change_tags(a1, add=["Économie", "climate"])
    laptop.store.change_tags(a1, add=["ÉCONOMIE"])  # already there: added again, one spelling
    laptop.store.change_tags(a1, add=["policy"], replace=True)
    laptop.store.save_search("Rates", "interest rates", "date")
    laptop.store.remove_search("rates")
    laptop.store.remove_search("never saved")
    laptop.store.set_setting("list.sort", "title")
    assert kinds(laptop) == [
        ("star", "hash1"),
        ("tag", "hash1 économie"),
        ("tag", "hash1 climate"),
        ("tag", "hash1 économie"),
        ("tag", "hash1 policy"),
        ("untag", "hash1 économie"),
        ("untag", "hash1 climate"),
        ("search", "rates"),
        ("unsearch", "rates"),
        ("setting", "list.sort"),
    ]
    out = laptop.ledger().unexported()[1]
    assert out[1].body["name"] == out[3].body["name"] == "Économie"  # the spelling kept here
    assert out[5].seen == {out[1].id, out[3].id}  # a removal names the adds it had seen
    assert out[8].seen == {out[7].id}


def test_organising_reaches_the_other_device_and_is_not_sent_back(
    devices: tuple[Device, Device],
) -> None:
    laptop, desktop = devices
    a1, a2 = article(1).summary, article(2).summary
    desktop.store.mark_opened(a1)  # the desktop has article 1; article 2 only on the laptop
    laptop.store.mark_opened(a1)
    laptop.sync()
    desktop.sync()
    laptop.store.set_starred(a1, True)
    laptop.store.change_tags(a1, add=["Économie"])
    laptop.store.change_tags(a2, add=["later"])
    laptop.store.save_search("Rates", "interest rates", "date")
    laptop.store.set_setting("list.sort", "title")
    laptop.sync()
    desktop.sync()
    state = desktop.store.reading_state(a1)
    assert state.starred and state.tags == ("Économie",)
    assert desktop.store.reading_state(a2).tags == ("later",)  # kept until its file is here
    found = desktop.store.saved_search("rates")
    assert found is not None and (found.name, found.query, found.sort) == (
        "Rates",
        "interest rates",
        "date",
    )
    assert desktop.store.setting("list.sort") == "title"
    assert desktop.ledger().unexported()[1] == []  # merged in, not echoed
    assert organised(desktop.store) == organised(laptop.store)
    laptop.store.change_tags(a1, add=["ÉCONOMIE"], remove=["économie"])  # spelled anew
    laptop.sync()
    desktop.sync()
    assert desktop.store.reading_state(a1).tags == ("ÉCONOMIE",)


def test_changes_made_apart_converge(devices: tuple[Device, Device]) -> None:
    laptop, desktop = devices
    a1 = article(1).summary
    for d in devices:
        d.store.mark_opened(a1)
    laptop.store.change_tags(a1, add=["climate", "energy"])
    laptop.store.save_search("Rates", "interest rates")
    laptop.store.save_search("Old", "old query")
    laptop.sync()
    desktop.sync()
    # Apart: the same tag removed on one and added again on the other stays; a tag removed
    # on one only goes; the same saved search edited on both keeps the later edit; a saved
    # search removed on one and edited on the other stays, edited.
    desktop.store.change_tags(a1, remove=["climate", "energy"])
    desktop.store.remove_search("Old")
    laptop.store.change_tags(a1, add=["climate"])  # there already: added again
    laptop.store.set_starred(a1, True)
    laptop.store.save_search("Rates", "rates rise", "date")
    laptop.store.save_search("Old", "old query edited")
    time.sleep(0.01)  # one clock for both: the desktop's edits below are stamped later
    desktop.store.set_starred(a1, False)  # later: wins
    desktop.store.save_search("rates", "rates fall")  # later: wins
    laptop.sync()
    desktop.sync()
    laptop.sync()
    assert organised(laptop.store) == organised(desktop.store)
    state = desktop.store.reading_state(a1)
    assert state.tags == ("climate",) and not state.starred
    by_name = {s.name: (s.query, s.sort) for s in desktop.store.saved_searches()}
    assert by_name == {
        "rates": ("rates fall", "relevance"),
        "Old": ("old query edited", "relevance"),
    }
    # Removed on one device after it had seen every edit: gone everywhere.
    laptop.store.remove_search("old")
    laptop.sync()
    desktop.sync()
    assert [s.name for s in desktop.store.saved_searches()] == ["rates"]


def _stamp(wall: int, device: str) -> str:
    return format_stamp(wall, 0, device)


def test_a_tag_merges_the_same_in_any_order() -> None:
    key = "hash1 climate"
    ident = {"id": "a1", "path": "/a1.txt", "title": "A"}
    add_a = Change(_stamp(1, "aaaa"), "tag", key, {**ident, "name": "climate"})
    add_b = Change(_stamp(2, "bbbb"), "tag", key, {**ident, "name": "Climate"})
    drop_a = Change(_stamp(3, "aaaa"), "untag", key, {"seen": [add_a.id]})
    results = set()
    for order in itertools.permutations([add_a, add_b, drop_a, add_a]):
        t = merge.tag(key, order)
        assert t is not None
        results.add((t.alive, t.name, t.content_hash, t.key))
    assert results == {(True, "Climate", "hash1", "climate")}  # b's add was not seen
    gone = merge.tag(key, [add_a, drop_a])
    assert gone is not None and not gone.alive


def test_a_kind_this_version_now_knows_from_an_older_ledger_is_applied(
    devices: tuple[Device, Device], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device whose older version took in stars and tag removals without knowing them kept
    them pending; after the upgrade they reach the state file."""
    laptop, desktop = devices
    a1 = article(1).summary
    desktop.store.mark_opened(a1)
    desktop.store.change_tags(a1, add=["kept", "dropped"])
    desktop.sync()
    laptop.sync()
    assert sorted(laptop.store.reading_state(a1).tags) == ["dropped", "kept"]
    desktop.store.set_starred(a1, True)
    desktop.store.change_tags(a1, remove=["dropped"])
    desktop.sync()
    with monkeypatch.context() as old:  # the version before stars and tags were synced
        for kind in ("star", "untag"):
            old.delitem(changes_module.TYPES, kind)
        report = laptop.sync()
        assert report.notices == [] and report.changes_in == 2
        assert sorted(laptop.ledger().pending()) == [("star", "hash1"), ("untag", "hash1 dropped")]
        state = laptop.store.reading_state(a1)
        assert not state.starred and sorted(state.tags) == ["dropped", "kept"]
    _READY.clear()  # the upgraded version opens the ledger afresh
    laptop._ledger = None
    laptop.sync()
    state = laptop.store.reading_state(a1)
    assert state.starred and state.tags == ("kept",)
    assert laptop.ledger().pending() == []


def test_a_segment_without_the_new_kinds_still_merges(
    devices: tuple[Device, Device], tmp_path: Path
) -> None:
    """A device on the version before (reading state and bookmarks only) and one that tags."""
    _, desktop = devices
    a1 = article(1).summary
    desktop.sync()
    desktop.store.change_tags(a1, add=["mine"])
    other = "0123456789abcdef"
    ident = {"id": "a1", "path": "/elsewhere/a1.txt", "title": "Article 1"}
    read = Change(_stamp(2_000_000_000_000, other), "read", "hash1", {**ident, "read": True})
    write_segment(desktop.sync_dir / other, other, "older", 1, [read])
    report = desktop.sync()
    assert report.notices == [] and report.changes_in == 1
    state = desktop.store.reading_state(a1)
    assert state.read and state.tags == ("mine",)


def test_an_import_passes_on_its_stars_tags_and_saved_searches(
    devices: tuple[Device, Device],
) -> None:
    from newsreader.state.backup import BackupData

    laptop, desktop = devices
    laptop.sync()
    stamp = "2026-01-02T03:04:05.000000+00:00"
    row: dict[str, Any] = {"id": "a1", "path": "/nonexistent/a1.txt", "content_hash": "hash1"}
    row |= {"title": "Article 1", "read": True, "progress": 0, "paragraph": 0, "offset": 0}
    row |= {"first_opened": None, "last_opened": None, "updated": stamp, "position_quote": ""}
    row |= {"starred": True, "tags": ["imported"]}
    saved: dict[str, Any] = {"name": "From backup", "query": "budget", "sort": "date", "seen": []}
    saved |= {"last_seen": None, "created": stamp, "updated": stamp}
    setting = {"key": "list.sort", "value": "date", "updated": stamp}
    laptop.store.merge_records(BackupData([row], [], [saved], [setting]))
    laptop.sync()
    desktop.sync()
    state = desktop.store.reading_state(article(1).summary)
    assert state.starred and state.tags == ("imported",)
    assert [s.name for s in desktop.store.saved_searches()] == ["From backup"]
    assert desktop.store.setting("list.sort") == "date"


def test_an_import_that_unstars_an_article_passes_it_on(devices: tuple[Device, Device]) -> None:
    from newsreader.state.backup import BackupData

    laptop, desktop = devices
    a1 = article(1).summary
    laptop.store.set_starred(a1, True)
    laptop.sync()
    desktop.sync()
    assert desktop.store.reading_state(a1).starred
    later = "2099-01-02T03:04:05.000000+00:00"  # newer than the star: the import wins
    row: dict[str, Any] = {"id": a1.id, "path": str(a1.path), "content_hash": a1.content_hash}
    row |= {"title": a1.title, "read": False, "progress": 0, "paragraph": 0, "offset": 0}
    row |= {"first_opened": None, "last_opened": None, "updated": later, "position_quote": ""}
    row |= {"starred": False, "tags": []}
    laptop.store.merge_records(BackupData([row], []))
    assert not laptop.store.reading_state(a1).starred
    laptop.sync()
    desktop.sync()
    assert not desktop.store.reading_state(a1).starred


def test_odd_names_from_another_device_are_cleaned_or_left_out(
    devices: tuple[Device, Device],
) -> None:
    _, desktop = devices
    desktop.store.mark_opened(article(1).summary)
    desktop.sync()
    other = "0123456789abcdef"
    ident = {"id": "../../etc/a1", "path": "/elsewhere/a1.txt", "title": "Article 1"}
    made = [
        ("tag", "hash1 \x1b[31mred", {**ident, "name": "\x1b[31mred"}),  # a control: left out
        ("tag", "hash1 fine", {**ident, "name": "Fine"}),
        ("tag", "hash1 other", {**ident, "name": "Mismatch"}),  # key and name disagree
        ("search", "x", {"name": "X", "query": "q\x07 \x1b]0;t\x07", "sort": "weird"}),
        ("setting", "list.sort", {"value": "date\x1b[2J"}),
    ]
    records = [
        Change(_stamp(2_000_000_000_000 + n, other), kind, key, body)
        for n, (kind, key, body) in enumerate(made)
    ]
    write_segment(desktop.sync_dir / other, other, "odd", 1, records)
    report = desktop.sync()
    assert report.notices == [] and report.changes_in == len(made)
    assert desktop.store.reading_state(article(1).summary).tags == ("Fine",)
    (found,) = desktop.store.saved_searches()
    assert found.name == "X" and "\x1b" not in found.query and "\x07" not in found.query
    assert found.sort == "relevance"
    value = desktop.store.setting("list.sort")
    assert value is not None and "\x1b" not in value


def test_a_tag_for_other_content_under_an_id_held_here_keeps_the_tags_there(
    devices: tuple[Device, Device],
) -> None:
    """The desktop edited its copy of a1 (same id, new content) and tagged it; the laptop
    tags the old content. The desktop's own tag stays, the laptop's joins it."""
    laptop, desktop = devices
    edited = article(1).summary._replace(content_hash="hash1-edited")
    desktop.store.change_tags(edited, add=["mine"])
    desktop.sync()
    laptop.store.change_tags(article(1).summary, add=["theirs"])
    laptop.sync()
    desktop.sync()
    assert sorted(desktop.store.reading_state(edited).tags) == ["mine", "theirs"]
