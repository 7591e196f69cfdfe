"""Old, newer, damaged, empty and unwritable state files: the store migrates, opens read-only,
restores a snapshot, or keeps changes in memory, and always tells the user."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsreader.state import StateStore, migrations, snapshots
from tests.state.state_child import article

CHILD = Path(__file__).with_name("state_child.py")

# The first schema exactly as version 1 of newsreader wrote it (not imported from the code,
# so a change to the shipped migration cannot silently change what this test checks).
V1 = """
CREATE TABLE articles (id TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0, progress INTEGER NOT NULL DEFAULT 0,
    paragraph INTEGER NOT NULL DEFAULT 0, para_offset INTEGER NOT NULL DEFAULT 0,
    first_opened TEXT, last_opened TEXT, updated TEXT NOT NULL);
CREATE TABLE bookmarks (uuid TEXT PRIMARY KEY, article_id TEXT NOT NULL, quote TEXT NOT NULL,
    prefix TEXT NOT NULL, suffix TEXT NOT NULL, paragraph INTEGER NOT NULL,
    start_pos INTEGER NOT NULL, end_pos INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX bookmarks_article ON bookmarks(article_id);
INSERT INTO articles VALUES ('a1', '/nonexistent/a1.txt', 'hash1', 1, 40, 2, 17,
    '2024-05-01T10:00:00+00:00', '2024-05-02T10:00:00+00:00', '2024-05-02T10:00:00+00:00');
INSERT INTO bookmarks VALUES ('u-1', 'a1', 'the council met', 'Paragraph 1 of article 1: ',
    ' on day 1', 1, 26, 41, 'old note', '2024-05-01T10:05:00+00:00', '2024-05-01T10:05:00+00:00');
PRAGMA user_version = 1;
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fill(state_file: Path, snapshot_dir: Path | None = None) -> None:
    """A state file with one read article and one bookmark, plus (when asked) a snapshot."""
    store = StateStore.open(state_file, snapshot_dir)
    store.mark_opened(article(1).summary)
    store.add_bookmark(article(1), 2, note="precious")
    store.close()
    if snapshot_dir is not None:
        conn = sqlite3.connect(state_file)
        snapshots.take(conn, snapshot_dir)
        conn.close()


def test_migrates_a_first_schema_file(state_file: Path, snapshot_dir: Path) -> None:
    state_file.parent.mkdir(parents=True)
    conn = sqlite3.connect(state_file)
    conn.executescript(V1)
    conn.close()
    store = StateStore.open(state_file, snapshot_dir)
    try:
        assert store.saving
        st = store.reading_state(article(1).summary)
        assert (st.read, st.progress, st.paragraph, st.offset) == (True, 40, 2, 17)
        [bm] = store.bookmarks("a1")
        assert (bm.uuid, bm.note, bm.quote, bm.orphaned) == (
            "u-1",
            "old note",
            "the council met",
            False,
        )
        assert bm.article_title == "a1"  # v1 kept no titles: the id stands in
        store.save_position(article(1).summary, 3, 0, 50)  # and it is writable
    finally:
        store.close()
    conn = sqlite3.connect(state_file)
    assert migrations.user_version(conn) == migrations.CURRENT
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    [before] = snapshots.snapshots(snapshot_dir)  # taken before the schema changed
    old = sqlite3.connect(before.path)
    assert migrations.user_version(old) == 1
    old.close()


def test_newer_schema_is_opened_read_only(state_file: Path) -> None:
    _fill(state_file)
    conn = sqlite3.connect(state_file)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT + 1}")
    conn.close()
    digest = _digest(state_file)
    store = StateStore.open(state_file)
    assert not store.saving
    assert any("newer newsreader" in n for n in store.notices)
    assert store.reading_state(article(1).summary).read
    store.set_read([article(1).summary], False)  # works, in memory
    assert not store.reading_state(article(1).summary).read
    assert not store.retry_saving()
    store.close()
    assert _digest(state_file) == digest  # never downgraded, never touched
    conn = sqlite3.connect(state_file)
    assert migrations.user_version(conn) == migrations.CURRENT + 1
    conn.close()


def _zero(path: Path) -> None:
    path.write_bytes(b"")


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database at all\n" * 300)


def _damaged_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) >= 3 * page
    data[page : 3 * page] = b"\xa5" * (2 * page)  # keep the header, wreck the tables
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_zero, _garbage, _damaged_pages])
def test_damaged_file_is_moved_aside_and_snapshot_restored(
    state_file: Path, snapshot_dir: Path, damage: object
) -> None:
    _fill(state_file, snapshot_dir)
    assert callable(damage)
    damage(state_file)
    broken = state_file.read_bytes()
    store = StateStore.open(state_file, snapshot_dir)
    try:
        assert store.saving
        assert len(store.notices) == 1
        assert "damaged" in store.notices[0] and "restored the snapshot" in store.notices[0]
        assert store.reading_state(article(1).summary).read
        assert [b.note for b in store.bookmarks()] == ["precious"]
    finally:
        store.close()
    [aside] = state_file.parent.glob("state.sqlite3.corrupt-*")
    assert aside.read_bytes() == broken  # kept as it was, for whoever wants to look


def test_damaged_file_without_snapshot_starts_empty(state_file: Path) -> None:
    _fill(state_file)
    _garbage(state_file)
    store = StateStore.open(state_file, None)
    try:
        assert store.saving
        assert "no snapshot" in store.notices[0]
        assert store.bookmarks() == []
    finally:
        store.close()
    assert len(list(state_file.parent.glob("state.sqlite3.corrupt-*"))) == 1


def test_file_where_the_data_dir_should_be(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    state_file = blocker / "state.sqlite3"
    store = StateStore.open(state_file, blocker / "snapshots")
    assert not store.saving
    assert "not be saved" in store.notices[0]
    art = article(2)
    store.mark_opened(art.summary)
    bm = store.add_bookmark(art, 1)
    assert store.reading_state(art.summary).read and store.bookmarks() == [bm]
    assert store.pending_changes == 2
    assert not store.retry_saving()
    # The folder becomes usable: the kept changes are written.
    blocker.unlink()
    assert store.retry_saving()
    assert store.saving and "saving again" in store.notices[-1]
    store.close()
    again = StateStore.open(state_file)
    try:
        assert again.reading_state(art.summary).read and again.bookmarks() == [bm]
    finally:
        again.close()


def test_directory_where_the_file_should_be(state_file: Path) -> None:
    state_file.mkdir(parents=True)
    (state_file / "keep.txt").write_text("mine")
    store = StateStore.open(state_file)
    assert not store.saving and store.notices
    store.mark_opened(article(3).summary)
    store.close()
    assert (state_file / "keep.txt").read_text() == "mine"
    assert "1 changes were not saved" in store.notices[-1]


def test_disk_full_keeps_changes_in_memory_and_file_intact(state_file: Path) -> None:
    _fill(state_file)
    limit = state_file.stat().st_size + 60_000
    proc = subprocess.run(
        [sys.executable, str(CHILD), "diskfull", str(state_file), str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["saved"] and report["kept"]  # it did run into the limit
    assert any(n.startswith("not saving:") for n in report["notices"])
    # While the disk was full, every change stayed visible to the app.
    assert set(report["saved"] + report["kept"]) <= set(report["visible"])
    conn = sqlite3.connect(state_file)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    notes = {n.split("x", 1)[0] for (n,) in conn.execute("SELECT note FROM bookmarks")}
    conn.close()
    assert set(report["saved"]) <= notes  # nothing committed was lost
    assert "precious" in notes
    resumed = any(n.startswith("saving again") for n in report["notices"])
    assert (set(report["kept"]) <= notes) == resumed


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Make a folder read-only even for root (``chattr +i``); undone after the test."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr not available")
    made: list[Path] = []

    def make(folder: Path) -> None:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("this filesystem does not support immutable folders")
        made.append(folder)

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_data_dir(state_file: Path, immutable: Callable[[Path], None]) -> None:
    _fill(state_file)
    digest = _digest(state_file)
    immutable(state_file.parent)
    store = StateStore.open(state_file, state_file.parent / "snapshots")
    assert not store.saving
    assert "kept in memory" in store.notices[0]
    assert store.reading_state(article(1).summary).read  # still reads what was saved
    assert [b.note for b in store.bookmarks()] == ["precious"]
    store.set_read([article(1).summary], False)
    assert not store.reading_state(article(1).summary).read
    store.close()
    assert "1 changes were not saved" in store.notices[-1]
    assert _digest(state_file) == digest
    assert sorted(p.name for p in state_file.parent.iterdir()) == ["state.sqlite3"]


def test_snapshots_rotate_and_a_damaged_one_is_skipped(
    state_file: Path, snapshot_dir: Path
) -> None:
    _fill(state_file)
    conn = sqlite3.connect(state_file)
    for _ in range(snapshots.KEEP + 3):
        snapshots.take(conn, snapshot_dir)
    conn.close()
    kept = snapshots.snapshots(snapshot_dir)
    assert len(kept) == snapshots.KEEP
    kept[0].path.write_bytes(b"damaged snapshot")
    assert snapshots.newest_good(snapshot_dir) == kept[1]
    _garbage(state_file)
    store = StateStore.open(state_file, snapshot_dir)
    try:
        assert [b.note for b in store.bookmarks()] == ["precious"]
    finally:
        store.close()


def test_state_file_deleted_while_open_is_written_again(
    state_file: Path, snapshot_dir: Path
) -> None:
    _fill(state_file)
    store = StateStore.open(state_file, snapshot_dir)
    try:
        shutil.rmtree(state_file.parent)  # the whole data folder, under the open store
        store.add_bookmark(article(2), 1, note="after")
        assert store.saving and "deleted" in store.notices[-1]
    finally:
        store.close()
    again = StateStore.open(state_file)
    try:
        assert {b.note for b in again.bookmarks()} == {"precious", "after"}
        assert again.reading_state(article(1).summary).read
    finally:
        again.close()


def test_state_file_replaced_by_garbage_while_open(
    state_file: Path, snapshot_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.state import statefile

    monkeypatch.setattr(statefile, "RETRY_INTERVAL_S", 0.0)
    _fill(state_file)
    store = StateStore.open(state_file, snapshot_dir)
    try:
        garbage = state_file.with_name("incoming")
        garbage.write_bytes(b"not a database " * 500)
        garbage.replace(state_file)
        store.add_bookmark(article(2), 1, note="after")  # kept in memory, file set aside
        store.add_bookmark(article(3), 1, note="later")  # retried: ours written in its place
        assert store.saving, store.notices
        assert "damaged while in use" in store.notices[-1]
    finally:
        store.close()
    [aside] = [
        p
        for p in state_file.parent.glob("state.sqlite3.corrupt-*")
        if not p.name.endswith(("-wal", "-shm"))
    ]
    assert aside.read_bytes().startswith(b"not a database")  # kept for a look
    again = StateStore.open(state_file)
    try:
        assert {b.note for b in again.bookmarks()} == {"precious", "after", "later"}
    finally:
        again.close()


def _theirs(path: Path) -> None:
    """A sound state file made elsewhere (a sync tool's copy, another machine's file)."""
    other = StateStore.open(path)
    other.add_bookmark(article(4), 1, note="theirs")
    other.close()


@pytest.mark.parametrize("incoming", [_garbage, _theirs], ids=["garbage", "a sound file"])
def test_state_file_replaced_while_one_thread_reads_and_another_writes(
    state_file: Path, tmp_path: Path, incoming: Callable[[Path], None]
) -> None:
    """The file is replaced while a read is under way: the old file's shared-memory index is
    still mapped, and opening the new file before every old connection is closed resets that
    index under the read (SIGBUS, the whole app gone) and reads the new file through the old
    file's log. The write waits for the read; the new file is read as it is."""
    _fill(state_file)
    new_file = tmp_path / "incoming.sqlite3"
    incoming(new_file)
    done = subprocess.run(
        [sys.executable, str(CHILD), "replace", str(state_file), str(new_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["read"] == [6]  # the read saw the old file whole: precious and ours-0..4
    if incoming is _theirs:
        assert report["notes"] == ["after", "theirs"], report
        conn = sqlite3.connect(state_file)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            notes = {n for (n,) in conn.execute("SELECT note FROM bookmarks")}
        finally:
            conn.close()
        assert notes == {"after", "theirs"}
        told = re.search(r"kept as (\S+)\)", report["notices"][-1])
        assert told, report["notices"]
        conn = sqlite3.connect(state_file.parent / "snapshots" / told[1])
        try:  # what this process held before the switch can still be had back
            old = {n for (n,) in conn.execute("SELECT note FROM bookmarks")}
        finally:
            conn.close()
        assert old == {"precious"} | {f"ours-{i}" for i in range(5)}
    else:
        held = {"precious", "after"} | {f"ours-{i}" for i in range(5)}
        assert set(report["notes"]) == held, report
