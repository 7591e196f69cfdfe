"""``newsreader search`` never answers from stale data: whatever happened to the library or to
the index since the last command (a file edited, added, deleted; the index changed by another
writer; the catalog thrown away) shows in the next search, even though an unchanged library
is answered without comparing the index with it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.context import build_context
from newsreader.search import SearchIndex
from newsreader.search.freshness import RECORD
from newsreader.search.generations import read_current
from tests.cli.conftest import CLI

ARTICLE = "{title}\n\nMon Mar 02 2026\n\n{body}\n"


def write(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(ARTICLE.format(title=title, body=body), encoding="utf-8")
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    root.mkdir()
    for i in range(6):
        write(root, f"a{i}.txt", f"Harbour report number {i}", f"Boats came in {i} times today.")
    return root


def ids(cli: CLI, library: Path, word: str) -> list[str]:
    run = cli("search", word, "--json", "--as-typed", library=library)
    assert run.code == 0, run.err
    return sorted(hit["id"] for hit in run.json())


def live_generation(library: Path) -> Path:
    current = read_current(build_context([library]).index_dir)
    assert current is not None
    return current[1]


def test_an_edit_an_addition_and_a_deletion_show_in_the_next_search(
    cli: CLI, library: Path
) -> None:
    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]
    assert (live_generation(library) / RECORD).is_file()  # the next run takes the shortcut
    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]
    write(library, "a2.txt", "Harbour report number 2", "Gulls came in today.")
    assert ids(cli, library, "gulls") == ["a2"]
    assert "a2" not in ids(cli, library, "boats")
    write(library, "b.txt", "A new arrival", "Pelicans and boats.")
    assert ids(cli, library, "pelicans") == ["b"]
    (library / "a0.txt").unlink()
    assert ids(cli, library, "boats") == ["a1", "a3", "a4", "a5", "b"]


def test_whole_processes_see_a_file_saved_between_them(cli_process: CLI, library: Path) -> None:
    assert ids(cli_process, library, "boats") == [f"a{i}" for i in range(6)]
    assert ids(cli_process, library, "herons") == []
    write(library, "a3.txt", "Harbour report number 3", "Herons came in today.")
    assert ids(cli_process, library, "herons") == ["a3"]


def test_an_index_changed_by_a_writer_that_keeps_no_record_is_compared_in_full(
    cli: CLI, library: Path
) -> None:
    """Another program (an older newsreader, say) deletes a document and commits; it leaves
    this library's record in place, but the record no longer names the newest commit."""
    from whoosh import index as windex

    from newsreader.search.schema import path_key

    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]
    folder = live_generation(library)
    ix = windex.open_dir(str(folder))
    writer = ix.writer()
    writer.delete_by_term("path", path_key(str(library / "a4.txt")))
    writer.commit()
    ix.close()
    assert (folder / RECORD).is_file()
    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]


def test_an_index_rebuilt_by_another_writer_is_compared_in_full(cli: CLI, library: Path) -> None:
    """Another process rebuilds from the list it saw (a1 missing, say, mid-save): the new
    generation has no record, so the next search compares it with the library."""
    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]
    ctx = build_context([library])
    scan = ctx.library.scan()
    other = SearchIndex(ctx.index_dir)
    partial = type(scan)(tuple(a for a in scan.articles if a.id != "a1"), ())
    other.update(partial, ctx.library, rebuild=True)
    other.close()
    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]


def test_a_catalog_thrown_away_and_a_same_stat_edit_are_not_mistaken_for_no_change(
    cli: CLI, library: Path
) -> None:
    """The same files with the same sizes and times, but the catalog rebuilt from the files
    finds other text: the walk alone would call that unchanged."""
    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]
    path = library / "a5.txt"
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace("Boats", "Swans")  # same length
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    build_context([library]).library.catalog_file.unlink()  # type: ignore[union-attr]
    assert ids(cli, library, "swans") == ["a5"]


def test_a_damaged_record_of_signatures_is_not_trusted(cli: CLI, library: Path) -> None:
    """Trusted, a record missing a5 would have a5 indexed twice."""
    from newsreader.search.freshness import (
        SIGNATURES,
        _decode_signatures,
        _encode_signatures,
    )

    assert ids(cli, library, "boats") == [f"a{i}" for i in range(6)]
    write(library, "a1.txt", "Harbour report number 1", "Cormorants came in today.")
    assert ids(cli, library, "cormorants") == ["a1"]  # an update: the record keeps signatures
    sigs = live_generation(library) / SIGNATURES
    held = _decode_signatures(sigs.read_bytes())
    assert held is not None and any(p.endswith("a5.txt") for p in held)
    sigs.write_bytes(
        _encode_signatures({p: s for p, s in held.items() if not p.endswith("a5.txt")})
    )
    write(library, "a0.txt", "Harbour report number 0", "Boats and gulls came in today.")
    assert ids(cli, library, "boats") == ["a0", "a2", "a3", "a4", "a5"]
