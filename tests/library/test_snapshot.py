"""A start-up lists an unchanged library from the catalog's snapshot of the last scan: it must
see exactly what a scan without one sees, never write the catalog, and survive a bad one."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.library import Library, LibraryScan


def _write(path: Path, title: str, day: str = "2024-01-01", body: str = "Body text.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{day}\n\n{body}\n", "utf-8")
    return path


def _bump(path: Path, ns: int = 7_000_000_000) -> None:
    """Move the mtime on, as an edit a few seconds later would."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + ns))


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    _write(lib / "a.txt", "Alpha", "Mon Jan 01 2024")
    _write(lib / "sub" / "b.md", "Beta", "2024-05-07")
    _write(lib / "undated.txt", "No date here", "")
    _write(lib / "same.txt", "Same day one", "2024-03-03")
    _write(lib / "same.md", "Same day two", "2024-03-03")
    (lib / "empty.txt").write_bytes(b"")
    os.symlink(lib / "missing.txt", lib / "dangling.txt")
    os.mkfifo(lib / "pipe.txt")
    return lib


def _without_snapshot(roots: tuple[Path, ...], tmp_path: Path, name: str) -> LibraryScan:
    return Library(roots, tmp_path / f"{name}.sqlite3").scan()


def _same(a: LibraryScan, b: LibraryScan) -> None:
    assert a.articles == b.articles
    assert [(x.id, x.path, x.date) for x in a.articles] == [
        (x.id, x.path, x.date) for x in b.articles
    ]
    assert sorted(map(str, a.skipped)) == sorted(map(str, b.skipped))
    assert a.by_id == b.by_id


def _stamp(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_unchanged_start_reads_nothing_and_leaves_the_catalog_alone(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    before = _stamp(catalog)
    again = Library((lib,), catalog).scan()
    assert again.parsed == 0
    _same(again, first)
    assert _stamp(catalog) == before
    listed = sorted(p.name for p in tmp_path.iterdir())
    assert listed == ["cat.sqlite3", "cat.sqlite3.snapshot", "lib"]  # no journal


def _edit_same_size(lib: Path) -> None:
    f = lib / "a.txt"
    f.write_text(f.read_text("utf-8").replace("Alpha", "Omega"), "utf-8")
    _bump(f)


def _rename(lib: Path) -> None:
    (lib / "sub" / "b.md").rename(lib / "sub" / "c.md")


def _delete(lib: Path) -> None:
    (lib / "undated.txt").unlink()


def _add(lib: Path) -> None:
    _write(lib / "sub" / "deeper" / "new.txt", "Newest", "2025-01-01")


def _junk_becomes_article(lib: Path) -> None:
    _write(lib / "empty.txt", "Not empty now", "2024-02-02")


def _article_becomes_junk(lib: Path) -> None:
    (lib / "same.md").write_bytes(b"\x00\x01 binary now")


def _touch_only(lib: Path) -> None:
    _bump(lib / "same.txt")


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit same size": _edit_same_size,
    "rename": _rename,
    "delete": _delete,
    "add": _add,
    "junk to article": _junk_becomes_article,
    "article to junk": _article_becomes_junk,
    "touch": _touch_only,
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_start_after_a_change_sees_what_a_first_scan_sees(tmp_path: Path, change: str) -> None:
    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    Library((lib,), catalog).scan()
    CHANGES[change](lib)
    seen = Library((lib,), catalog).scan()
    assert seen.parsed >= (0 if change in ("delete", "rename") else 1)
    _same(seen, _without_snapshot((lib,), tmp_path, "fresh"))
    before = _stamp(catalog)
    _same(Library((lib,), catalog).scan(), seen)  # and the next start is unchanged again
    assert _stamp(catalog) == before


def test_a_poll_after_a_snapshot_start_sees_changes(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    Library((lib,), catalog).scan()
    library = Library((lib,), catalog)
    assert library.scan().parsed == 0
    assert library.scan().parsed == 0
    _edit_same_size(lib)
    _delete(lib)
    polled = library.scan()
    assert polled.parsed == 1
    assert "Omega" in [a.title for a in polled.articles]
    _same(polled, _without_snapshot((lib,), tmp_path, "fresh"))


def test_two_roots_and_a_file_reached_twice(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a / "x.txt", "X in a")
    _write(b / "x.txt", "X in b")
    _write(a / "real.txt", "Real one")
    os.symlink(a / "real.txt", a / "z-link.txt")  # the same file twice: listed once
    os.symlink(b, a / "zz-b")  # the other root inside this one: its files belong to a
    catalog = tmp_path / "cat.sqlite3"
    first = Library((a, b), catalog).scan()
    assert sorted(x.id for x in first.articles) == ["real", "x", "zz-b/x"]
    again = Library((a, b), catalog).scan()
    assert again.parsed == 0
    _same(again, first)
    swapped = Library((b, a), catalog).scan()  # other roots: the snapshot does not apply
    _same(swapped, _without_snapshot((b, a), tmp_path, "swapped"))


def _stored(catalog: Path) -> bytes:
    from newsreader.library.catalog import Catalog

    with Catalog.open(catalog) as held:
        blob = held.snapshot()
    assert blob is not None
    return blob


def test_the_snapshot_is_a_file_the_catalog_vouches_for(tmp_path: Path) -> None:
    """Written beside the catalog, which keeps only its header: a catalog thrown away (or
    rebuilt) does not take a stale file for its own."""
    from newsreader.library.catalog import SNAPSHOT_SUFFIX
    from newsreader.library.snapshot import HEADER_SIZE, state_of

    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    file = catalog.with_name(catalog.name + SNAPSHOT_SUFFIX)
    with sqlite3.connect(catalog) as conn:
        (row,) = conn.execute("SELECT data FROM snapshot").fetchone()
    assert len(row) == HEADER_SIZE and row == state_of(file.read_bytes())
    assert Library((lib,), catalog).scan().parsed == 0
    catalog.unlink()  # the file stays
    rebuilt = Library((lib,), catalog).scan()
    assert rebuilt.parsed >= len(first.articles)  # read again, not taken from the file
    _same(rebuilt, first)


def test_a_snapshot_stored_whole_in_the_catalog_is_still_read(tmp_path: Path) -> None:
    """As versions before the file kept it: the first start after an upgrade is not a miss."""
    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    blob = _stored(catalog)
    with sqlite3.connect(catalog) as conn:
        conn.execute("UPDATE snapshot SET data = ?", (blob,))
    catalog.with_name(catalog.name + ".snapshot").unlink()
    before = _stamp(catalog)
    again = Library((lib,), catalog).scan()
    assert again.parsed == 0
    _same(again, first)
    assert _stamp(catalog) == before  # applied as it is: nothing written


@pytest.mark.parametrize("where", ["row", "file"])
@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "other roots", "gone"])
def test_a_damaged_snapshot_is_only_a_miss(tmp_path: Path, damage: str, where: str) -> None:
    from newsreader.library.catalog import SNAPSHOT_SUFFIX

    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    blob = _stored(catalog)
    file = catalog.with_name(catalog.name + SNAPSHOT_SUFFIX)
    bad = {
        "garbage": b"\x00" * 64,
        "truncated": blob[: len(blob) // 2],
        "flipped": blob[:-3] + bytes([blob[-3] ^ 0x20]) + blob[-2:],
        "other roots": blob.replace(str(lib).encode(), str(tmp_path / "lix").encode()),
        "gone": None,
    }[damage]
    if where == "file":
        file.unlink()
        if bad is not None:
            file.write_bytes(bad)
    else:
        with sqlite3.connect(catalog) as conn:
            if bad is None:
                conn.execute("DELETE FROM snapshot")
            else:
                conn.execute("UPDATE snapshot SET data = ?", (bad,))
    again = Library((lib,), catalog).scan()
    assert again.parsed == 0  # the catalog's rows still spare the reading
    _same(again, first)
    assert Library((lib,), catalog).scan().articles == first.articles


def test_a_file_name_that_is_not_utf8_is_listed_and_remembered(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")
    _write(lib / name, "Café", "2024-01-01")
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    assert [a.title for a in first.articles] == ["Café"]
    again = Library((lib,), catalog).scan()
    assert again.parsed == 0 and again.articles == first.articles
    assert again.articles[0].path == lib / name


def test_a_snapshot_of_another_walk_order_still_applies(tmp_path: Path) -> None:
    """A folder can list its files in a new order (rewritten, copied, another file system):
    the walk's digest differs, but the same files with the same stats are still unchanged, so
    nothing is written; a real change after that is still seen."""
    from newsreader.library.snapshot import decode, encode

    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    snap = decode(_stored(catalog))
    assert snap is not None and len(snap.paths) > 3
    with sqlite3.connect(catalog) as conn:  # stored whole, as an older version did
        conn.execute(
            "UPDATE snapshot SET data = ?", (encode(snap._replace(walk_digest=bytes(16))),)
        )
    before = _stamp(catalog)
    again = Library((lib,), catalog).scan()
    _same(again, first)
    assert _stamp(catalog) == before  # a miss would have stored a new snapshot
    _edit_same_size(lib)
    edited = Library((lib,), catalog).scan()
    assert edited.parsed == 1 and "Omega" in [a.title for a in edited.articles]


def test_a_start_after_changes_in_two_roots_lists_what_a_first_scan_lists(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):  # no two files share a name: unchanged files keep their ids
        for i in range(6):
            _write(root / f"{root.name}{i}.txt", f"{root.name} story {i}", f"2024-01-0{i + 1}")
        (root / f"junk-{root.name}.txt").write_bytes(b"")
    catalog = tmp_path / "cat.sqlite3"
    Library((a, b), catalog).scan()
    (b / "b1.txt").unlink()
    (a / "a2.txt").write_bytes(b"")  # an article becomes junk
    _write(b / "b9.txt", "b story 9", "2023-12-31")
    _write(a / "sub" / "a1.txt", "a story in a folder", "2024-01-01")
    seen = Library((a, b), catalog).scan()
    fresh = _without_snapshot((a, b), tmp_path, "fresh")
    _same(seen, fresh)
    assert list(map(str, seen.skipped)) == list(map(str, fresh.skipped))
    assert seen.parsed == 3


def test_remembered_is_the_last_runs_list_without_looking_at_the_folder(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    catalog = tmp_path / "cat.sqlite3"
    assert Library((lib,), catalog).remembered() is None  # no run yet
    first = Library((lib,), catalog).scan()
    (lib / "a.txt").unlink()  # changed since the last run: remembered does not know yet
    _write(lib / "new.txt", "Gamma", "2025-01-01")
    later = Library((lib,), catalog)
    remembered = later.remembered()
    assert remembered is not None
    assert [a.title for a in remembered.articles] == [a.title for a in first.articles]
    now = later.scan()  # the walk then tells the truth
    assert {a.title for a in now.articles} == {a.title for a in first.articles} - {"Alpha"} | {
        "Gamma"
    }
    other_root = Library((lib / "sub",), catalog)  # same catalog file, other roots
    assert other_root.remembered() is None
