"""The store's everyday behaviour on real SQLite files: reading state, positions, bookmarks,
renames, several threads and several instances."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from newsreader.library import Library
from newsreader.state import StateStore, statefile
from tests.state.state_child import article


def test_opening_marks_read_and_survives_reopen(store: StateStore, state_file: Path) -> None:
    art = article(1)
    assert not store.reading_state(art.summary).read
    first = store.mark_opened(art.summary)
    assert first.read and first.first_opened is not None
    time.sleep(0.002)
    second = store.mark_opened(art.summary)
    assert second.first_opened == first.first_opened
    assert second.last_opened is not None and first.last_opened is not None
    assert second.last_opened > first.last_opened
    store.close()
    again = StateStore.open(state_file)
    try:
        assert again.reading_state(art.summary) == second
        assert again.notices == []
    finally:
        again.close()


def test_position_is_resumed_and_progress_clamped(store: StateStore, state_file: Path) -> None:
    art = article(2)
    store.save_position(art.summary, 4, 123, 250)
    store.close()
    again = StateStore.open(state_file)
    try:
        st = again.reading_state(art.summary)
        assert (st.paragraph, st.offset, st.progress) == (4, 123, 100)
        assert not st.read  # scrolling is not opening
    finally:
        again.close()


def test_set_read_many_then_unread(store: StateStore) -> None:
    arts = [article(n).summary for n in range(5)]
    store.set_read(arts, True)
    assert all(s.read for s in store.reading_states(arts).values())
    store.set_read(arts[:2], False)
    states = store.reading_states(arts)
    assert [states[a.id].read for a in arts] == [False, False, True, True, True]


def test_reading_states_can_leave_out_articles_with_nothing_stored(store: StateStore) -> None:
    arts = [article(n).summary for n in range(4)]
    store.set_read(arts[1:2], True)
    assert set(store.reading_states(arts)) == {a.id for a in arts}
    stored = store.reading_states(arts, unopened=False)
    assert list(stored) == [arts[1].id] and stored[arts[1].id].read


def _library(tmp_path: Path) -> tuple[Library, Path]:
    lib = tmp_path / "library"
    lib.mkdir(exist_ok=True)
    return Library((lib,), tmp_path / "catalog.sqlite3"), lib


def test_renamed_file_keeps_state_and_bookmarks(store: StateStore, tmp_path: Path) -> None:
    library, root = _library(tmp_path)
    (root / "gaza.txt").write_text("Truce talks\n\nFirst paragraph here.\n\nSecond one.\n")
    scan = library.scan()
    old = scan.articles[0]
    store.mark_opened(old)
    store.save_position(old, 1, 5, 60)
    bm = store.add_bookmark(library.load(old), 0, note="keep me")
    (root / "sub").mkdir()
    (root / "gaza.txt").rename(root / "sub" / "moved.txt")
    scan = library.scan()
    new = scan.articles[0]
    assert new.id != old.id
    state = store.reading_states(scan.articles)[new.id]
    assert state.read and state.progress == 60 and state.paragraph == 1
    assert [b.uuid for b in store.bookmarks(new.id)] == [bm.uuid]
    assert store.bookmarks(old.id) == []


def test_small_edit_keeps_state_by_path(store: StateStore, tmp_path: Path) -> None:
    library, root = _library(tmp_path)
    path = root / "story.txt"
    path.write_text("Title\n\nOne paragraph.\n\nAnother paragraph.\n")
    before = library.scan().articles[0]
    store.mark_opened(before)
    path.write_text("Title\n\nOne paragraph, corrected.\n\nAnother paragraph.\n")
    after = library.scan().articles[0]
    assert after.content_hash != before.content_hash
    assert store.reading_states([after])[after.id].read


def test_a_copy_is_a_new_article(store: StateStore, tmp_path: Path) -> None:
    library, root = _library(tmp_path)
    (root / "a.txt").write_text("Title\n\nSame words.\n")
    original = library.scan().articles[0]
    store.mark_opened(original)
    (root / "b.txt").write_bytes((root / "a.txt").read_bytes())
    scan = library.scan()
    states = store.reading_states(scan.articles)
    assert states["a"].read
    assert not states["b"].read


def test_bookmark_note_delete_and_undo(store: StateStore) -> None:
    art = article(3)
    bm = store.add_bookmark(art, 2, 10, 30, note="first")
    assert bm.quote == art.paragraphs[2][10:30].strip()  # trimmed to the words
    updated = store.update_note(bm.uuid, "second")
    assert updated is not None and updated.note == "second" and updated.updated >= bm.updated
    gone = store.delete_bookmark(bm.uuid)
    assert gone == updated
    assert store.bookmarks(art.id) == []
    assert store.delete_bookmark(bm.uuid) is None
    assert store.update_note(bm.uuid, "x") is None
    store.restore_bookmark(gone)
    assert store.bookmarks(art.id) == [gone]


def test_whole_paragraph_bookmark_and_bad_input(store: StateStore) -> None:
    art = article(4)
    bm = store.add_bookmark(art, 5)
    assert (bm.start, bm.end, bm.quote) == (0, len(art.paragraphs[5]), art.paragraphs[5])
    with pytest.raises(ValueError):
        store.add_bookmark(art, 6)
    with pytest.raises(ValueError):
        store.add_bookmark(art, 0, 5, 5)


def test_two_instances_see_each_others_changes(state_file: Path) -> None:
    a = StateStore.open(state_file)
    b = StateStore.open(state_file)
    try:
        art = article(5)
        assert not a.has_changed() and not b.has_changed()
        a.mark_opened(art.summary)
        assert not a.has_changed()  # its own write is not news
        assert b.has_changed()
        assert b.reading_state(art.summary).read
        assert not b.has_changed()
        bm = b.add_bookmark(art, 1)
        assert a.has_changed()
        assert [x.uuid for x in a.bookmarks()] == [bm.uuid]
    finally:
        a.close()
        b.close()


def test_threads_write_and_read_at_once(store: StateStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(25):
                art = article(n * 100 + i)
                store.add_bookmark(art, i % 6, note=f"{n}-{i}")
                store.save_position(art.summary, 1, i, i)
                store.bookmarks()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.bookmarks()) == 150
    assert store.saving


def test_a_busy_writer_is_waited_for_not_given_up_on(store: StateStore, state_file: Path) -> None:
    art = article(7)
    store.mark_opened(art.summary)
    holding = threading.Event()
    other = sqlite3.connect(state_file, isolation_level=None, check_same_thread=False)
    stop = time.monotonic() + 1.6  # longer than db.WRITE_DEADLINE_S, committing all along

    def busy() -> None:
        other.execute("BEGIN IMMEDIATE")
        holding.set()
        while True:
            other.execute("UPDATE articles SET progress = (progress + 1) % 100 WHERE id = 'a7'")
            time.sleep(0.2)
            other.execute("COMMIT")
            if time.monotonic() >= stop:
                return
            other.execute("BEGIN IMMEDIATE")  # at once: the store rarely finds the gap

    holder = threading.Thread(target=busy)
    holder.start()
    holding.wait()
    try:
        started = time.monotonic()
        store.save_position(art.summary, 2, 5, 40)
        waited = time.monotonic() - started
    finally:
        holder.join()
        other.close()
    assert store.saving and store.pending_changes == 0, store.notices
    assert store.reading_state(art.summary).paragraph == 2
    assert waited < 3


def test_locked_file_does_not_freeze_the_caller(store: StateStore, state_file: Path) -> None:
    art = article(6)
    store.mark_opened(art.summary)
    other = sqlite3.connect(state_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        started = time.monotonic()
        store.save_position(art.summary, 3, 7, 50)
        waited = time.monotonic() - started
        assert waited < 2.0
        assert not store.saving
        assert "locked" in store.notices[-1]
        assert store.reading_state(art.summary).paragraph == 3  # kept in memory
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.retry_saving()
    assert store.saving and store.pending_changes == 0
    store.close()
    again = StateStore.open(state_file)
    try:
        assert again.reading_state(art.summary).paragraph == 3
    finally:
        again.close()


def test_threads_keep_writing_while_another_program_holds_the_lock(
    store: StateStore, state_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statefile, "RETRY_INTERVAL_S", 0.2)
    stop = threading.Event()
    written: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        i = 0
        try:
            while not stop.is_set():
                store.add_bookmark(article(n), 1, note=f"{n}-{i}")
                store.bookmarks(article(n).id)
                i += 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        written[n] = i

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.1)
    other = sqlite3.connect(state_file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    time.sleep(1.3)
    was_saving = store.saving
    other.execute("ROLLBACK")
    other.close()
    time.sleep(0.4)
    stop.set()
    for t in threads:
        t.join()
    assert errors == [] and not was_saving
    assert store.saving  # it went back to the file by itself
    store.close()
    again = StateStore.open(state_file)
    try:
        notes = {b.note for b in again.bookmarks()}
    finally:
        again.close()
    assert notes == {f"{n}-{i}" for n, count in written.items() for i in range(count)}
