"""Bookmarks as Markdown and JSON (re-anchored to the current text), and full backups:
export is atomic, import merges idempotently, a bad file is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli import main
from newsreader.errors import UserError
from newsreader.library import Library
from newsreader.state import StateStore
from newsreader.state.export import (
    bookmarks_json,
    bookmarks_markdown,
    export_backup,
    import_backup,
)
from tests.state.state_child import article

STORY = """Council approves budget

Tue May 07 2024

The city council approved the budget on Tuesday after a long debate.

# Members argued about the cost of the new bridge until late at night.

The mayor said the vote was a relief for everyone involved.
"""
OTHER = """Storm closes schools

Mon May 06 2024

Heavy rain closed every school in the district on Monday.
"""


@pytest.fixture
def library(tmp_path: Path) -> tuple[Library, Path]:
    root = tmp_path / "library"
    root.mkdir()
    (root / "budget.txt").write_text(STORY)
    (root / "storm.txt").write_text(OTHER)
    return Library((root,), tmp_path / "catalog.sqlite3"), root


def _bookmark_bridge(store: StateStore, library: Library) -> None:
    scan = library.scan()
    budget = library.load(scan.by_id["budget"])
    para = next(i for i, p in enumerate(budget.paragraphs) if "bridge" in p)
    start = budget.paragraphs[para].index("the cost")
    store.add_bookmark(
        budget,
        para,
        start,
        start + len("the cost of the new bridge"),
        note="# ask about the bridge",
    )
    store.add_bookmark(library.load(scan.by_id["storm"]), 0, note="")


def test_json_follows_the_current_text(store: StateStore, library: tuple[Library, Path]) -> None:
    lib, root = library
    _bookmark_bridge(store, lib)
    (root / "budget.txt").write_text(
        STORY.replace("The city council", "Late news first.\n\nThe city council")
    )
    rows = {r["article_id"]: r for r in bookmarks_json(store, lib.scan(), lib)}
    bridge = rows["budget"]
    assert bridge["quote"] == "the cost of the new bridge" and not bridge["orphaned"]
    assert bridge["paragraph"] == 2  # one paragraph was inserted before it
    assert bridge["article_date"] == "2024-05-07"
    (root / "budget.txt").write_text(STORY.replace("the cost of the new bridge", "money"))
    rows = {r["article_id"]: r for r in bookmarks_json(store, lib.scan(), lib)}
    assert rows["budget"]["orphaned"] and rows["budget"]["quote"] == "the cost of the new bridge"
    assert [b.orphaned for b in store.bookmarks("budget")] == [True]  # recorded, not deleted


def test_markdown_groups_by_article(store: StateStore, library: tuple[Library, Path]) -> None:
    lib, root = library
    _bookmark_bridge(store, lib)
    text = bookmarks_markdown(store, lib.scan(), lib)
    budget, storm = text.index("## Council approves budget"), text.index("## Storm closes")
    assert budget < storm  # newest article first
    assert "2024-05-07 · `budget`" in text
    assert "> the cost of the new bridge" in text
    assert "\\# ask about the bridge" in text  # a note cannot become a heading
    assert "> Heavy rain closed every school in the district on Monday." in text
    (root / "storm.txt").unlink()
    text = bookmarks_markdown(store, lib.scan(), lib)
    # Not in this library (another --library, or gone) is not an orphan: the article may be
    # whole elsewhere; orphaned means the article is here and the passage is not.
    assert "article not in this library" in text and "Orphaned" not in text
    rows = {r["article_id"]: r for r in bookmarks_json(store, lib.scan(), lib)}
    assert rows["storm"]["article_missing"] and not rows["storm"]["orphaned"]
    (root / "budget.txt").write_text(STORY.replace("the cost of the new bridge", "money"))
    text = bookmarks_markdown(store, lib.scan(), lib)
    assert text.count("*Orphaned: this passage is no longer in the article") == 1


def test_markdown_with_no_bookmarks(store: StateStore, library: tuple[Library, Path]) -> None:
    lib, _root = library
    assert "No bookmarks yet." in bookmarks_markdown(store, lib.scan(), lib)


def test_backup_round_trip_and_idempotent_import(tmp_path: Path, store: StateStore) -> None:
    art = article(1)
    store.mark_opened(art.summary)
    store.save_position(art.summary, 2, 9, 30)
    bm = store.add_bookmark(art, 3, note="n")
    backup = tmp_path / "backup.json"
    assert export_backup(store, backup) == 2
    other = StateStore.open(tmp_path / "other" / "state.sqlite3")
    try:
        first = import_backup(other, backup)
        assert (first.articles_added, first.bookmarks_added) == (1, 1)
        assert other.reading_state(art.summary) == store.reading_state(art.summary)
        assert other.bookmarks() == [bm]
        second = import_backup(other, backup)
        assert str(second) == (
            "0 articles added, 0 updated; 0 bookmarks added, 0 updated; 2 unchanged"
        )
        assert other.bookmarks() == [bm]
    finally:
        other.close()


def test_import_keeps_newer_local_changes(tmp_path: Path, store: StateStore) -> None:
    art = article(2)
    store.mark_opened(art.summary)
    bm = store.add_bookmark(art, 1, note="old note")
    backup = tmp_path / "backup.json"
    export_backup(store, backup)
    store.set_read([art.summary], False)
    store.update_note(bm.uuid, "new note")
    report = import_backup(store, backup)
    assert report.unchanged == 2
    assert not store.reading_state(art.summary).read
    assert store.bookmarks()[0].note == "new note"


def test_export_replaces_atomically(tmp_path: Path, store: StateStore) -> None:
    target = tmp_path / "out.json"
    target.write_text("older backup")
    store.mark_opened(article(3).summary)
    export_backup(store, target)
    assert json.loads(target.read_text())["format"] == "newsreader-backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []
    with pytest.raises(UserError, match="cannot write"):
        export_backup(store, tmp_path / "missing" / "out.json")


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01garbage",
        b"[1, 2, 3]",
        b'{"format": "newsreader-backup", "version": 1}',
        b'{"format": "newsreader-backup", "version": 1, "articles": [{"id": 3}], "bookmarks": []}',
        b'{"format": "newsreader-backup", "version": 99, "articles": [], "bookmarks": []}',
    ],
)
def test_bad_backup_is_one_line_and_changes_nothing(
    tmp_path: Path, store: StateStore, content: bytes
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(UserError) as info:
        import_backup(store, bad)
    assert "\n" not in str(info.value)
    assert store.bookmarks() == [] and store.reading_states([article(1).summary])


def test_cli_end_to_end(
    library: tuple[Library, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _lib, root = library
    lib = ["--library", str(root)]
    assert main([*lib, "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"]: r["read"] for r in rows} == {"budget": False, "storm": False}
    backup = tmp_path / "x.json"
    assert main([*lib, "export", str(backup)]) == 0
    assert "exported 0 records" in capsys.readouterr().err
    doc = json.loads(backup.read_text())
    doc["articles"].append(
        {
            "id": "storm",
            "path": str(root / "storm.txt"),
            "content_hash": "h",
            "title": "Storm",
            "read": True,
            "progress": 100,
            "paragraph": 0,
            "offset": 0,
            "first_opened": None,
            "last_opened": None,
            "updated": "2024-05-06T10:00:00+00:00",
        }
    )
    backup.write_text(json.dumps(doc))
    assert main([*lib, "import", str(backup)]) == 0
    assert "1 articles added" in capsys.readouterr().err
    assert main([*lib, "list", "--json", "--unread"]) == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == ["budget"]
    assert main([*lib, "bookmarks", "--markdown"]) == 0
    assert "No bookmarks yet." in capsys.readouterr().out
    assert main([*lib, "bookmarks", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe not json")
    assert main([*lib, "import", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a newsreader backup" in err
