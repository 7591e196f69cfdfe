"""The reading position keeps the text it was saved at, so reopening an article that changed
(a paragraph inserted above, a light edit) resumes at the same passage; the quote survives
migration, renames, backups, snapshots and the read-only copy of a newer file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsreader.errors import UserError
from newsreader.library import Library, parse_file
from newsreader.state import StateStore, migrations, snapshots
from newsreader.state.export import export_backup, import_backup
from newsreader.state.position import position_quote, relocate_position
from tests.state.state_child import article

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_ccd60dcd14a62a27.txt"


@pytest.fixture
def paragraphs() -> list[str]:
    return list(parse_file(SEED, "seed").paragraphs)


def _mid(paragraphs: list[str], index: int) -> int:
    """An offset about halfway into a paragraph, at the start of a word (as a wrapped line
    starts)."""
    text = paragraphs[index]
    return text.index(" ", len(text) // 2) + 1


# --- the quote ------------------------------------------------------------------------------


def test_quote_starts_at_the_offset_and_ends_on_a_word(paragraphs: list[str]) -> None:
    offset = _mid(paragraphs, 3)
    quote = position_quote(paragraphs, 3, offset)
    text = paragraphs[3]
    assert text[offset:].startswith(quote)
    assert 40 <= len(quote) <= 80
    end = offset + len(quote)
    assert end == len(text) or text[end].isspace()  # a whole last word
    assert position_quote(paragraphs, 3, offset - 1) == quote  # leading space skipped


def test_quote_of_a_short_or_missing_paragraph() -> None:
    assert position_quote(["Yes.", "Second."], 0, 0) == "Yes."
    assert position_quote(["Yes."], 5, 0) == ""
    assert position_quote(["Yes."], 0, 99) == ""


# --- relocation -----------------------------------------------------------------------------


def test_unchanged_text_keeps_the_position(paragraphs: list[str]) -> None:
    offset = _mid(paragraphs, 4)
    quote = position_quote(paragraphs, 4, offset)
    assert relocate_position(paragraphs, 4, offset, quote) == (4, offset)


def test_paragraphs_inserted_above(paragraphs: list[str]) -> None:
    offset = _mid(paragraphs, 4)
    quote = position_quote(paragraphs, 4, offset)
    passage = paragraphs[4]
    edited = ["Update: this story was corrected.", "Editor's note: more below.", *paragraphs]
    assert relocate_position(edited, 4, offset, quote) == (6, offset)
    assert edited[6] == passage


def test_paragraph_edited_before_the_offset(paragraphs: list[str]) -> None:
    offset = _mid(paragraphs, 4)
    quote = position_quote(paragraphs, 4, offset)
    edited = list(paragraphs)
    edited[4] = "Correction: " + edited[4]
    assert relocate_position(edited, 4, offset, quote) == (4, offset + len("Correction: "))


def test_lightly_edited_passage_is_found_fuzzily(paragraphs: list[str]) -> None:
    offset = _mid(paragraphs, 4)
    quote = position_quote(paragraphs, 4, offset)
    words = quote.split()
    changed = " ".join([*words[:3], "substantially", *words[4:]])
    edited = ["A new first paragraph.", *paragraphs]
    edited[5] = edited[5].replace(quote, changed)
    assert quote not in edited[5] and changed in edited[5]
    paragraph, found = relocate_position(edited, 4, offset, quote) or (-1, -1)
    assert paragraph == 5
    assert abs(found - edited[5].index(changed)) <= 2


def test_deleted_passage_gives_no_place(paragraphs: list[str]) -> None:
    offset = _mid(paragraphs, 4)
    quote = position_quote(paragraphs, 4, offset)
    edited = paragraphs[:4] + paragraphs[5:]
    assert relocate_position(edited, 4, offset, quote) is None
    assert relocate_position([], 4, offset, quote) is None
    assert relocate_position(edited, 99, 10_000, quote) is None  # out of range: no crash


def test_repeated_passage_takes_the_occurrence_nearest_the_old_place() -> None:
    line = "The minister said the talks would resume next week in Cairo."
    paragraphs = [line, "Other news.", "More news.", "Still more.", line, "The end."]
    quote = position_quote(paragraphs, 4, 0)
    edited = ["Inserted.", *paragraphs]
    assert relocate_position(edited, 4, 0, quote) == (5, 0)


def test_a_few_changed_words_are_not_guessed() -> None:
    paragraphs = ["Yes.", "No.", "Maybe so."]
    assert relocate_position(["Yeah.", "Nope.", "Perhaps."], 0, 0, "Yes.") is None
    assert relocate_position(paragraphs, 0, 0, "") is None  # nothing saved: caller decides


# --- the store ------------------------------------------------------------------------------


def test_store_keeps_the_quote_and_the_old_call_shape(store: StateStore) -> None:
    art = article(1)
    store.save_position(art.summary, 2, 9, 30, "the council met on day 2")
    state = store.reading_state(art.summary)
    assert (state.paragraph, state.offset, state.progress, state.quote) == (
        2,
        9,
        30,
        "the council met on day 2",
    )
    assert store.reading_states([art.summary])[art.id].quote == "the council met on day 2"
    store.save_position(art.summary, 3, 0, 40)  # a caller that knows no quote
    state = store.reading_state(art.summary)
    assert (state.paragraph, state.quote) == (3, "")  # no stale quote for a new place


def _v2_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(migrations._V1 + migrations._V2)
    conn.execute(
        "INSERT INTO articles (id, path, content_hash, title, read, progress, paragraph, "
        "para_offset, first_opened, last_opened, updated) VALUES ('a1', '/nonexistent/a1.txt', "
        "'hash1', 'Article 1', 1, 40, 2, 17, '2024-05-01T10:00:00+00:00', "
        "'2024-05-02T10:00:00+00:00', '2024-05-02T10:00:00+00:00')"
    )
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()


def test_a_second_schema_file_migrates_and_keeps_positions(
    state_file: Path, snapshot_dir: Path
) -> None:
    _v2_file(state_file)
    store = StateStore.open(state_file, snapshot_dir)
    try:
        assert store.saving and not store.notices
        st = store.reading_state(article(1).summary)
        assert (st.read, st.progress, st.paragraph, st.offset, st.quote) == (True, 40, 2, 17, "")
        store.save_position(article(1).summary, 3, 5, 50, "of article 1")
    finally:
        store.close()
    conn = sqlite3.connect(state_file)
    assert migrations.user_version(conn) == migrations.CURRENT == 5
    assert conn.execute(
        "SELECT paragraph, para_offset, position_quote FROM articles"
    ).fetchall() == [(3, 5, "of article 1")]
    conn.close()
    [before] = snapshots.snapshots(snapshot_dir)  # taken before the schema changed
    old = sqlite3.connect(before.path)
    assert migrations.user_version(old) == 2
    assert old.execute("SELECT paragraph, para_offset FROM articles").fetchall() == [(2, 17)]
    old.close()


def test_newer_file_opened_read_only_shows_the_quote(state_file: Path) -> None:
    store = StateStore.open(state_file)
    store.save_position(article(1).summary, 2, 9, 30, "the council met")
    store.close()
    conn = sqlite3.connect(state_file)
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT + 1}")
    conn.close()
    store = StateStore.open(state_file)
    try:
        assert not store.saving
        assert store.reading_state(article(1).summary).quote == "the council met"
    finally:
        store.close()


def test_snapshot_restore_keeps_the_quote(state_file: Path, snapshot_dir: Path) -> None:
    store = StateStore.open(state_file, snapshot_dir)
    store.save_position(article(1).summary, 2, 9, 30, "the council met")
    store.close()
    conn = sqlite3.connect(state_file)
    snapshots.take(conn, snapshot_dir)
    conn.close()
    state_file.write_bytes(b"this is not a database at all\n" * 300)
    store = StateStore.open(state_file, snapshot_dir)
    try:
        assert any("restored the snapshot" in n for n in store.notices)
        assert store.reading_state(article(1).summary).quote == "the council met"
    finally:
        store.close()


def test_rename_keeps_the_quote(store: StateStore, tmp_path: Path) -> None:
    root = tmp_path / "library"
    root.mkdir()
    library = Library((root,), tmp_path / "catalog.sqlite3")
    (root / "story.txt").write_text("Title\n\nFirst paragraph here.\n\nSecond one here.\n")
    old = library.scan().articles[0]
    store.save_position(old, 1, 0, 60, "Second one here.")
    (root / "story.txt").rename(root / "moved.txt")
    new = library.scan().articles[0]
    assert new.id != old.id
    assert store.reading_states([new])[new.id].quote == "Second one here."


# --- backups --------------------------------------------------------------------------------


def test_export_import_keeps_the_quote_idempotently(tmp_path: Path, store: StateStore) -> None:
    art = article(1)
    store.save_position(art.summary, 2, 9, 30, "the council met on day 2")
    backup = tmp_path / "backup.json"
    export_backup(store, backup)
    other = StateStore.open(tmp_path / "other" / "state.sqlite3")
    try:
        assert import_backup(other, backup).articles_added == 1
        assert other.reading_state(art.summary) == store.reading_state(art.summary)
        assert other.reading_state(art.summary).quote == "the council met on day 2"
        assert import_backup(other, backup).unchanged == 1
        # A newer position elsewhere wins on the next import, quote and all.
        store.save_position(art.summary, 4, 0, 70, "Paragraph 4 of article 1")
        export_backup(store, backup)
        assert import_backup(other, backup).articles_updated == 1
        state = other.reading_state(art.summary)
        assert (state.paragraph, state.quote) == (4, "Paragraph 4 of article 1")
    finally:
        other.close()


def test_backup_from_before_the_quote_still_imports(tmp_path: Path, store: StateStore) -> None:
    art = article(2)
    store.save_position(art.summary, 1, 3, 20, "the council")
    backup = tmp_path / "backup.json"
    export_backup(store, backup)
    document = json.loads(backup.read_text("utf-8"))
    assert document["articles"][0]["position_quote"] == "the council"
    del document["articles"][0]["position_quote"]
    backup.write_text(json.dumps(document), "utf-8")
    other = StateStore.open(tmp_path / "other" / "state.sqlite3")
    try:
        assert import_backup(other, backup).articles_added == 1
        state = other.reading_state(art.summary)
        assert (state.paragraph, state.offset, state.quote) == (1, 3, "")
    finally:
        other.close()


def test_backup_with_a_wrong_quote_is_refused(tmp_path: Path, store: StateStore) -> None:
    store.save_position(article(3).summary, 1, 3, 20, "the council")
    backup = tmp_path / "backup.json"
    export_backup(store, backup)
    document = json.loads(backup.read_text("utf-8"))
    document["articles"][0]["position_quote"] = 7
    backup.write_text(json.dumps(document), "utf-8")
    with pytest.raises(UserError, match="position_quote"):
        import_backup(store, backup)
    assert store.reading_state(article(3).summary).quote == "the council"
