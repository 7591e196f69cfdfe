"""A library scanned again and again with its folders watched (the search server's): an
unchanged library is answered without a walk, and every kind of change is still seen."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.corpus import article
from newsreader.library import Library, LibraryScan, scan, walk, watch


def _write(path: Path, seed: int, title: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = article(seed)
    if title is not None:
        text = title + text[text.index("\n") :]
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    for i in range(12):
        _write(root / f"a{i}.txt", i)
    _write(root / "sub" / "b.txt", 40)
    probe = watch.FolderWatch.start((root,), [str(root)])
    if probe is None:
        pytest.skip("no inotify on this filesystem: every scan walks, as before")
    probe.close()
    return root


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the walks scans make."""
    counted: list[int] = []
    real = walk.walk

    def counting(roots: tuple[Path, ...]) -> object:
        counted.append(1)
        return real(roots)

    monkeypatch.setattr(scan, "walk", counting)
    return counted


def _titles(lib: Library) -> set[str]:
    return {a.title for a in lib.scan().articles}


def _fresh_titles(root: Path, tmp_path: Path, n: int) -> set[str]:
    return {a.title for a in Library((root,), tmp_path / f"fresh{n}.sqlite3").scan().articles}


def test_an_unchanged_library_is_not_walked_again(
    library: Path, tmp_path: Path, walks: list[int]
) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    lib.watch_folders = True
    first = _titles(lib)
    _titles(lib)  # the first watch was armed on the roots only: this walk learns the folders
    before = len(walks)
    for _ in range(5):
        assert _titles(lib) == first
    assert len(walks) == before
    (library / ".a0.txt.swp").write_text("an editor's swap file")  # the walk skips it too
    assert _titles(lib) == first
    assert len(walks) == before


def _append(root: Path) -> None:
    with (root / "a1.txt").open("a", encoding="utf-8") as f:
        f.write("\nA new closing paragraph.\n")


def _retitle_same_size(root: Path) -> None:
    path = root / "a2.txt"
    text = path.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    path.write_text(first[::-1] + "\n" + rest, encoding="utf-8")


def _add_in_new_folder(root: Path) -> None:
    _write(root / "new" / "deeper" / "c.txt", 77, title="Arrived in a new folder")


def _delete(root: Path) -> None:
    (root / "a3.txt").unlink()


def _rename(root: Path) -> None:
    (root / "a4.txt").rename(root / "sub" / "a4-moved.txt")


def _atomic_replace(root: Path) -> None:  # how most editors and sync tools save
    _write(root / ".a5.tmp", 88, title="Saved by renaming over")
    os.replace(root / ".a5.tmp", root / "a5.txt")


def _replace_root(root: Path) -> None:
    root.rename(root.with_name("lib-old"))
    _write(root / "only.txt", 99, title="A root that is another folder now")


def _edit_through_symlink(root: Path) -> None:
    target = root.parent / "elsewhere" / "t.txt"
    _write(target, 5, title="Kept elsewhere")
    (root / "linked.txt").symlink_to(target)


CHANGES: dict[str, Callable[[Path], None]] = {
    "appended": _append,
    "retitled, same size": _retitle_same_size,
    "added in a new folder": _add_in_new_folder,
    "deleted": _delete,
    "renamed": _rename,
    "replaced by rename": _atomic_replace,
    "root replaced": _replace_root,
    "linked from elsewhere": _edit_through_symlink,
}


def _add_sharing_a_name(root: Path) -> None:  # a6.txt and a6.md: both ids change
    (root / "a6.md").write_text("# Told in Markdown\n\nThe same name, another suffix.\n")


FILE_CHANGES: dict[str, Callable[[Path], None]] = {
    "appended": _append,
    "retitled, same size": _retitle_same_size,
    "deleted": _delete,
    "renamed": _rename,
    "replaced by rename": _atomic_replace,
    "added": lambda root: _write(root / "late.txt", 123, title="Arrived late"),
    "added, sharing a name": _add_sharing_a_name,
}


def _rows(found: LibraryScan) -> list[tuple[object, ...]]:
    return [(a.id, a.path_str, a.title, a.size, a.mtime_ns, a.content_hash) for a in found.articles]


@pytest.mark.parametrize("change", list(FILE_CHANGES))
def test_files_changed_in_watched_folders_are_seen_without_a_walk(
    library: Path, tmp_path: Path, walks: list[int], change: str
) -> None:
    """The watch's events name the files: only those are looked at again, and the scan is
    the one a walk gives, down to its ids, its order and its catalog state."""
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    lib.watch_folders = True
    lib.scan()
    lib.scan()
    before = len(walks)
    FILE_CHANGES[change](library)
    found = lib.scan()
    assert len(walks) == before
    fresh = Library((library,), tmp_path / "fresh.sqlite3").scan()
    assert _rows(found) == _rows(fresh)
    assert found.skipped == fresh.skipped
    if change not in ("added", "added, sharing a name", "renamed"):  # else in another order
        assert found.state == fresh.state
    (library / "a0.txt").unlink()  # and the next change after it is seen too
    assert _rows(lib.scan()) == _rows(Library((library,), tmp_path / "fresh2.sqlite3").scan())


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_is_seen(library: Path, tmp_path: Path, change: str) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    lib.watch_folders = True
    _titles(lib)
    _titles(lib)
    CHANGES[change](library)
    assert _titles(lib) == _fresh_titles(library, tmp_path, 1)
    if change == "linked from elsewhere":  # its target's folder is not watched: walk always
        target = library.parent / "elsewhere" / "t.txt"
        _write(target, 6, title="Edited where it is kept")
        assert "Edited where it is kept" in _titles(lib)
    _write(library / "late.txt", 123, title="Arrived after the change")  # still watched
    assert _titles(lib) == _fresh_titles(library, tmp_path, 2)


def test_watches_are_given_back_to_the_system(library: Path, tmp_path: Path) -> None:
    """Each watch is an inotify instance, of which a user has 128 for every program: a
    library let go of, or told to stop, must not keep its own."""
    import gc

    def instances() -> int:
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):  # the listing's own, closed by now
                count += "inotify" in os.readlink(f"/proc/self/fd/{fd}")
        return count

    before = instances()
    for n in range(3):
        lib = Library((library,), tmp_path / f"catalog{n}.sqlite3")
        lib.watch_folders = True
        lib.scan()
    kept = Library((library,), tmp_path / "kept.sqlite3")
    kept.watch_folders = True
    kept.scan()
    del lib
    gc.collect()
    assert instances() == before + 1  # only the library still held
    kept.stop_watching()
    assert instances() == before
    assert _titles(kept)  # and it still scans (a new watch, armed again)


def test_a_folder_without_inotify_is_walked_every_time(
    library: Path, tmp_path: Path, walks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "_local", lambda _path: False)  # e.g. an NFS or sshfs mount
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    lib.watch_folders = True
    for _ in range(3):
        _titles(lib)
    assert len(walks) == 3
    shutil.rmtree(library / "sub")
    assert _titles(lib) == _fresh_titles(library, tmp_path, 1)


def test_the_walk_kept_for_the_watch_is_small_and_still_patched_right(
    tmp_path: Path,
) -> None:
    """A watched library keeps its last walk between scans (the app's and the server's
    whole session): its numbers are held in arrays, ~40 bytes a file instead of ~210 in
    lists of ints and tuples, its paths in one string of what follows the root (a string
    each took ~90 bytes a file at 100k), and edits, new files and removals still patch it."""
    import tracemalloc

    root = tmp_path / "many"
    root.mkdir()
    for i in range(3000):
        (root / f"n{i:04d}.txt").write_text(f"Title {i}\n\nBody {i}.\n", encoding="utf-8")
    probe = watch.FolderWatch.start((root,), [str(root)])
    if probe is None:
        pytest.skip("no inotify on this filesystem")
    probe.close()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        w = walk.walk((root,))
        numbers = (w.sizes, w.mtimes, w.inodes, w.root_of)
        as_walked = tracemalloc.get_traced_memory()[0] - before
        del w, numbers
        before = tracemalloc.get_traced_memory()[0]
        kept = walk.walk((root,)).kept()
        as_kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert as_kept * 4 < as_walked, (as_kept, as_walked)
    assert sorted(kept.paths) == sorted(str(p) for p in root.iterdir())
    assert list(kept.inodes) == [(os.stat(p).st_dev, os.stat(p).st_ino) for p in kept.paths]

    lib = Library((root,), tmp_path / "watched.sqlite3")
    lib.watch_folders = True
    try:
        assert len(lib.scan().articles) == 3000
        assert isinstance(lib._walked, walk.Walk) and isinstance(lib._walked.inodes, walk.Inodes)
        assert isinstance(lib._walked.paths, walk.PackedPaths)
        _write(root / "n0001.txt", 5, title="Edited in place")
        (root / "n0002.txt").unlink()
        _write(root / "new.txt", 6, title="A new one")
        scanned = lib.scan()
        titles = {a.title for a in scanned.articles}
        assert {"Edited in place", "A new one"} <= titles and "Title 2" not in titles
        assert len(scanned.articles) == 3000
        assert titles == _fresh_titles(root, tmp_path, 1)
    finally:
        lib.stop_watching()


@pytest.mark.parametrize(
    ("roots", "paths", "root_of"),
    [
        (("/lib",), ["/lib/a.txt", "/lib/sub/b.md", "/lib/\udcff.txt"], [0, 0, 0]),
        (("/", "/two/"), ["/a.txt", "/two/b.txt", "/two/c/d.txt"], [0, 1, 1]),
        (("/lib", "/other"), ["/lib/a.txt", "/elsewhere/b.txt"], [0, 1]),  # not spelled from it
        (("/lib",), [], []),
    ],
)
def test_packed_paths_read_back_as_the_walk_spelled_them(
    roots: tuple[str, ...], paths: list[str], root_of: list[int]
) -> None:
    packed = walk.PackedPaths(paths, roots, root_of)
    assert list(packed) == paths and len(packed) == len(paths)
    assert [packed[i] for i in range(len(paths))] == paths
    if paths:
        assert packed[-1] == paths[-1]
    with pytest.raises(IndexError):
        packed[len(paths)]
    with pytest.raises(TypeError):
        packed.append("/lib/new.txt")


def test_paths_beyond_ascii_are_kept_as_strings() -> None:
    # One wide character makes a whole packed string 2 or 4 bytes a character: 100k paths
    # with an emoji took 24 MB packed against 11 MB as a list of strings.
    ascii_paths = ["/lib/a.txt", "/lib/b.txt"]
    wide = ["/lib/a.txt", "/lib/caf\u00e9 \U0001f4f0.txt"]
    assert isinstance(walk.PackedPaths.of(ascii_paths, ("/lib",), [0, 0]), walk.PackedPaths)
    assert walk.PackedPaths.of(wide, ("/lib",), [0, 0]) is wide
