"""Scanning library folders: ids, order, junk, loops, and stat-only re-scans."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from newsreader.errors import UserError
from newsreader.library import Library
from tests.conftest import SEED


def _write(path: Path, title: str, day: str, body: str = "Body text.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{day}\n\n{body}\n", "utf-8")
    return path


def test_ids_order_and_junk(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _write(lib / "old.txt", "Old story", "Mon Jan 01 2024")
    _write(lib / "sub" / "new.txt", "New story", "Tue May 07 2024")
    _write(lib / "sub" / "b.md", "Beta", "2024-05-07")
    _write(lib / "undated.txt", "Undated story", "")
    (lib / "empty.txt").write_bytes(b"")
    (lib / "bin.txt").write_bytes(b"\x00\x01\x02")
    (lib / "notes.pdf").write_bytes(b"%PDF")  # not an article suffix: ignored silently
    _write(lib / ".hidden" / "secret.txt", "Hidden", "2024-01-01")
    os.symlink(lib / "missing.txt", lib / "dangling.txt")
    os.symlink(lib, lib / "sub" / "loop")  # a folder loop
    os.mkfifo(lib / "pipe.txt")

    scan = Library((lib,), tmp_path / "cat.sqlite3").scan()
    assert [a.id for a in scan.articles] == ["sub/b", "sub/new", "old", "undated"]
    reasons = {p.name: r for p, r in ((s.path, s.reason) for s in scan.skipped)}
    assert reasons == {
        "empty.txt": "empty file",
        "bin.txt": "binary file",
        "dangling.txt": "broken symlink",
        "pipe.txt": "not a regular file",
    }


def test_same_stem_and_two_roots_get_unique_ids(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a / "x.txt", "X text", "2024-01-01")
    _write(a / "x.md", "X md", "2024-01-02")
    _write(b / "x.txt", "X other root", "2024-01-03")
    scan = Library((a, b)).scan()
    ids = sorted(x.id for x in scan.articles)
    assert len(set(ids)) == 3
    assert "x.md" in ids and "x.txt" in ids


def test_unchanged_rescan_reads_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    for i in range(20):
        shutil.copy(SEED, lib / f"{i:03}.txt")
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    assert first.parsed == 20

    import newsreader.library.scan_parse as scan_parse

    def boom(*args: object, **kwargs: object) -> object:
        raise AssertionError("an unchanged file was read")

    monkeypatch.setattr(scan_parse, "read_article_bytes", boom)
    again = Library((lib,), catalog).scan()
    assert again.parsed == 0
    assert again.articles == first.articles


def test_changed_added_removed_are_picked_up(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    f = _write(lib / "a.txt", "First title", "2024-01-01")
    _write(lib / "b.txt", "Second", "2024-01-02")
    catalog = tmp_path / "cat.sqlite3"
    Library((lib,), catalog).scan()
    _write(f, "Edited title", "2024-01-01", "Longer body text now.")
    (lib / "b.txt").unlink()
    _write(lib / "c.txt", "Third", "2024-01-03")
    scan = Library((lib,), catalog).scan()
    assert scan.parsed == 2
    assert {a.id: a.title for a in scan.articles} == {"a": "Edited title", "c": "Third"}


def test_corrupt_catalog_is_rebuilt(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _write(lib / "a.txt", "A", "2024-01-01")
    catalog = tmp_path / "cat.sqlite3"
    catalog.write_bytes(b"this is not sqlite" * 100)
    scan = Library((lib,), catalog).scan()
    assert [a.title for a in scan.articles] == ["A"]
    assert Library((lib,), catalog).scan().parsed == 0


def test_unwritable_catalog_location_still_scans(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    _write(lib / "a.txt", "A", "2024-01-01")
    blocker = tmp_path / "file"
    blocker.write_text("not a dir")
    scan = Library((lib,), blocker / "cat.sqlite3").scan()
    assert [a.title for a in scan.articles] == ["A"]


def test_missing_root_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not found"):
        Library((tmp_path / "nope",)).check_roots()
    (tmp_path / "f").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        Library((tmp_path / "f",)).check_roots()


def test_polling_one_library_object_sees_every_change(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    f = _write(lib_dir / "a.txt", "First", "2024-01-01")
    (lib_dir / "empty.txt").write_bytes(b"")
    library = Library((lib_dir,), tmp_path / "cat.sqlite3")
    first = library.scan()
    same = library.scan()
    assert same.articles == first.articles and same.parsed == 0
    assert [s.reason for s in same.skipped] == ["empty file"]
    _write(f, "Renamed title", "2024-01-01", "A different body.")
    changed = library.scan()
    assert changed.parsed == 1 and changed.articles[0].title == "Renamed title"
    f.unlink()
    assert library.scan().articles == ()
