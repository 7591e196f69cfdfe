"""Stars, the user's tags, saved searches and the list's settings in the state file: they
follow an article through renames and edits, survive a reopen, a kill and a second writer,
travel in snapshots and backups, and take any Unicode name but refuse unprintable ones."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from newsreader.library import Library
from newsreader.state import StateStore, migrations, snapshots, tags
from newsreader.state.export import export_backup, import_backup
from tests.faults.state_writers import spawn
from tests.state.state_child import article


def _library(tmp_path: Path) -> tuple[Library, Path]:
    root = tmp_path / "library"
    root.mkdir(exist_ok=True)
    return Library((root,), tmp_path / "catalog.sqlite3"), root


def test_tags_keep_the_spelling_and_compare_without_case(store: StateStore) -> None:
    art = article(1).summary
    state = store.change_tags(art, ["Économie", "  home\u3000 office ", "日本"])
    assert state.tags == ("Économie", "home office", "日本")
    state = store.change_tags(art, ["économie", "ÉCONOMIE"])  # already there: no twin
    assert state.tags == ("Économie", "home office", "日本")
    state = store.change_tags(art, remove=["HOME OFFICE"])
    assert state.tags == ("Économie", "日本")
    store.change_tags(article(2).summary, ["économie"])
    assert store.tags_in_use() == ["économie", "日本"]  # one spelling per tag
    store.change_tags(article(3).summary, ["Économie"])
    assert store.tags_in_use() == ["Économie", "日本"]  # the one most used
    assert store.change_tags(art, ["x"], replace=True).tags == ("x",)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "tag name is empty"),
        ("   \t ", "tag name is empty"),
        ("bad\x1b[31m", "tag name contains a control character"),
        ("nul\x00", "tag name contains a control character"),
        ("\u202eevil", "tag name contains a control character"),
        ("x" * 81, "tag name is longer than 80 characters"),
    ],
)
def test_bad_tag_names_are_refused_and_change_nothing(
    store: StateStore, name: str, message: str
) -> None:
    art = article(1).summary
    store.change_tags(art, ["kept"])
    with pytest.raises(ValueError, match="^" + message + "$"):
        store.change_tags(art, ["fine", name])
    assert store.reading_state(art).tags == ("kept",)


def test_star_toggles_and_survives_reopen(store: StateStore, state_file: Path) -> None:
    art = article(3).summary
    assert store.set_starred(art).starred
    assert not store.set_starred(art).starred
    assert store.set_starred(art, True).starred
    assert store.set_starred(art, True).starred  # --on twice stays on
    store.change_tags(art, ["later"])
    store.close()
    again = StateStore.open(state_file)
    try:
        state = again.reading_state(art)
        assert state.starred and state.tags == ("later",)
        assert not state.read  # starring is not reading
    finally:
        again.close()


def test_rename_and_edit_keep_stars_and_tags(store: StateStore, tmp_path: Path) -> None:
    library, root = _library(tmp_path)
    (root / "gaza.txt").write_text("Truce talks\n\nFirst paragraph here.\n\nSecond one.\n")
    old = library.scan().articles[0]
    store.set_starred(old, True)
    store.change_tags(old, ["Middle East"])
    (root / "sub").mkdir()
    (root / "gaza.txt").rename(root / "sub" / "moved.txt")
    moved = library.scan().articles[0]
    state = store.reading_states([moved])[moved.id]
    assert state.starred and state.tags == ("Middle East",)
    (root / "sub" / "moved.txt").write_text("Truce talks\n\nFirst paragraph, edited.\n")
    edited = library.scan().articles[0]
    assert edited.content_hash != moved.content_hash
    state = store.reading_state(edited)
    assert state.starred and state.tags == ("Middle East",)


def test_saved_searches_are_kept_replaced_and_removed(store: StateStore) -> None:
    saved = store.save_search("Économie", "inflation  rates", "date")
    assert (saved.name, saved.query, saved.sort, saved.seen) == (
        "Économie",
        "inflation rates",
        "date",
        frozenset(),
    )
    assert saved.last_seen is None
    seen = store.mark_seen("économie", ["a1", "a2"])
    assert seen is not None and seen.seen == {"a1", "a2"} and seen.last_seen is not None
    again = store.save_search("ÉCONOMIE", "inflation", "relevance")  # replaced, seen kept
    assert (again.name, again.query, again.sort, again.seen) == (
        "ÉCONOMIE",
        "inflation",
        "relevance",
        {"a1", "a2"},
    )
    store.save_search("climate", "tag:climate is:unread")
    assert [s.name for s in store.saved_searches()] == ["climate", "ÉCONOMIE"]
    with pytest.raises(ValueError, match=r"^the query is empty$"):
        store.save_search("empty", "   ")
    with pytest.raises(ValueError, match=r"^sort must be one of: relevance, date$"):
        store.save_search("odd", "x", "title")
    with pytest.raises(ValueError, match=r"^saved search name contains a control character$"):
        store.save_search("a\x07b", "x")
    removed = store.remove_search("Économie")
    assert removed is not None and removed.query == "inflation"
    assert store.remove_search("économie") is None
    assert [s.name for s in store.saved_searches()] == ["climate"]


def test_settings_are_remembered(store: StateStore, state_file: Path) -> None:
    assert store.setting("list.sort") is None
    store.set_setting("list.sort", "title")
    store.set_setting("list.sort", "progress")
    store.close()
    again = StateStore.open(state_file)
    try:
        assert again.setting("list.sort") == "progress"
    finally:
        again.close()


def test_a_third_schema_file_migrates_with_no_stars_or_tags(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    conn = sqlite3.connect(state_file)
    for version in range(3):
        for statement in migrations._statements(migrations.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute(
        "INSERT INTO articles (id, path, content_hash, read, progress, updated) "
        "VALUES ('a1', '/nonexistent/a1.txt', 'hash1', 1, 40, '2024-05-02T10:00:00+00:00')"
    )
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    store = StateStore.open(state_file)
    try:
        state = store.reading_state(article(1).summary)
        assert (state.read, state.progress, state.starred, state.tags) == (True, 40, False, ())
        assert store.set_starred(article(1).summary).starred
        assert store.saved_searches() == []
    finally:
        store.close()


def test_a_snapshot_holds_stars_tags_and_saved_searches(
    state_file: Path, snapshot_dir: Path
) -> None:
    store = StateStore.open(state_file, snapshot_dir)
    store.set_starred(article(1).summary, True)
    store.change_tags(article(1).summary, ["précieux"])
    store.save_search("watch", "council")
    store.close()
    conn = sqlite3.connect(state_file)
    snapshots.take(conn, snapshot_dir)
    conn.close()
    state_file.write_bytes(b"this is not a database at all\n" * 300)
    restored = StateStore.open(state_file, snapshot_dir)
    try:
        assert "restored the snapshot" in restored.notices[0]
        state = restored.reading_state(article(1).summary)
        assert state.starred and state.tags == ("précieux",)
        assert [s.name for s in restored.saved_searches()] == ["watch"]
    finally:
        restored.close()


def test_backup_carries_everything_and_imports_idempotently(
    tmp_path: Path, store: StateStore
) -> None:
    art = article(1).summary
    store.set_starred(art, True)
    store.change_tags(art, ["Économie", "日本"])
    store.save_search("Mine", "tag:économie", "date")
    store.mark_seen("mine", ["a1"])
    store.set_setting("list.sort", "title")
    backup = tmp_path / "backup.json"
    assert export_backup(store, backup) == 3
    other = StateStore.open(tmp_path / "other" / "state.sqlite3")
    try:
        first = import_backup(other, backup)
        assert (first.articles_added, first.searches_added) == (1, 1)
        assert other.reading_state(art) == store.reading_state(art)
        assert other.saved_searches() == store.saved_searches()
        assert other.setting("list.sort") == "title"
        second = import_backup(other, backup)
        assert str(second) == (
            "0 articles added, 0 updated; 0 bookmarks added, 0 updated; 3 unchanged"
        )
        assert other.reading_state(art).tags == ("Économie", "日本")
    finally:
        other.close()


def test_a_backup_from_before_tags_keeps_the_local_ones(tmp_path: Path, store: StateStore) -> None:
    art = article(2).summary
    store.mark_opened(art)
    backup = tmp_path / "backup.json"
    export_backup(store, backup)
    document = json.loads(backup.read_text())
    for record in document["articles"]:
        del record["starred"], record["tags"]
        record["updated"] = "2999-01-01T00:00:00+00:00"  # newer than anything here
        record["progress"] = 77
    del document["saved_searches"], document["settings"]
    backup.write_text(json.dumps(document))
    store.set_starred(art, True)
    store.change_tags(art, ["mine"])
    import_backup(store, backup)
    state = store.reading_state(art)
    assert state.progress == 77  # the newer record won…
    assert state.starred and state.tags == ("mine",)  # …but said nothing about these


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["articles"][0].update(tags="x"), "'tags' has the wrong type"),
        (lambda d: d["articles"][0].update(tags=["ok", "\x1b]52;c;x\x07"]), "control character"),
        (lambda d: d["articles"][0].update(tags=[""]), "tag name is empty"),
        (lambda d: d["saved_searches"][0].update(sort="title"), "'sort' is not one of"),
        (lambda d: d["saved_searches"][0].update(name=" "), "saved search name is empty"),
    ],
)
def test_bad_tags_in_a_backup_are_refused(
    tmp_path: Path, store: StateStore, change: object, message: str
) -> None:
    from newsreader.errors import UserError

    store.change_tags(article(1).summary, ["t"])
    store.save_search("s", "q")
    backup = tmp_path / "backup.json"
    export_backup(store, backup)
    document = json.loads(backup.read_text())
    assert callable(change)
    change(document)
    backup.write_text(json.dumps(document))
    other = StateStore.open(tmp_path / "other" / "state.sqlite3")
    try:
        with pytest.raises(UserError, match=message):
            import_backup(other, backup)
        assert other.tags_in_use() == [] and other.saved_searches() == []
    finally:
        other.close()


def test_two_processes_tagging_at_once_lose_no_tag(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    count, names = 40, ("left", "right")
    procs = [spawn("tags", str(state_file), n, str(count), ",".join(names)) for n in names]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _out, err in outs]
    expected: dict[str, set[str]] = {}
    for n in names:
        for i in range(count):
            expected.setdefault(f"a{i % 10}", set()).add(f"{n}-{i}")
    expected["a0"] |= {"left-done", "right-done"}
    for out, _err in outs:
        [line] = [line for line in out.splitlines() if line.startswith("sees ")]
        seen = json.loads(line[5:])
        assert {aid: set(t) for aid, t in seen["tags"].items()} == expected
        assert seen["starred"] == sorted(expected)


def test_kill_9_loses_no_confirmed_tag(state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    for cycle in range(3):
        proc = spawn("tags", str(state_file), f"c{cycle}", "0")
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.15 + 0.1 * cycle)
        os.kill(proc.pid, signal.SIGKILL)
        out, _err = proc.communicate()
        confirmed = [int(line.split()[1]) for line in out.splitlines() if line.startswith("ok ")]
        assert confirmed, "the child wrote nothing before it was killed"
        store = StateStore.open(state_file)
        try:
            assert store.saving and not store.notices
            states = store.reading_states(article(n).summary for n in range(10))
        finally:
            store.close()
        for i in confirmed:
            state = states[f"a{i % 10}"]
            assert f"c{cycle}-{i}" in state.tags and state.starred


def test_tag_names_normalise_without_a_store() -> None:
    assert tags.normalise("  Ａ  b\u00a0c ") == "Ａ b c"
    assert tags.key("Straße") == tags.key("STRASSE")
    assert tags.normalise("e\u0301") == "é"  # NFC: one spelling for one name
    assert tags.normalise("pasted\r\nover two lines") == "pasted over two lines"


def test_saved_searches_alone_are_worth_a_snapshot(state_file: Path, snapshot_dir: Path) -> None:
    store = StateStore.open(state_file, snapshot_dir)
    store.save_search("only this", "council")
    store.close()
    assert snapshots.snapshots(snapshot_dir) == []
    StateStore.open(state_file, snapshot_dir).close()  # an open takes one when due
    [snap] = snapshots.snapshots(snapshot_dir)
    conn = sqlite3.connect(snap.path)
    try:
        assert conn.execute("SELECT name FROM saved_searches").fetchall() == [("only this",)]
    finally:
        conn.close()
