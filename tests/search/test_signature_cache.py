"""An index update trusts the signatures it remembers only while nobody else has written."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from newsreader.library import ArticleSummary
from newsreader.search import SearchIndex
from tests.search.conftest import Shelf, article_text


def test_another_writer_invalidates_remembered_signatures(shelf: Callable[..., Shelf]) -> None:
    s = shelf(
        {
            "a.txt": article_text("Truce", "A ceasefire was agreed."),
            "b.txt": article_text("Talks", "Negotiators met in Cairo."),
        }
    )
    assert s.update().unchanged == 2  # this SearchIndex now remembers both signatures
    other = SearchIndex(s.index_dir)  # e.g. the CLI while the TUI runs
    try:
        s.write("b.txt", article_text("Talks", "Negotiators met in Doha."))
        report = other.update(s.scan(), s.library)
        assert report.updated == 1
    finally:
        other.close()
    # The first index must see the other's commit, not re-index b or miss a later change.
    report = s.update()
    assert (report.updated, report.added, report.unchanged) == (0, 0, 2)
    s.write("a.txt", article_text("Truce", "A ceasefire held in Rafah."))
    report = s.update()
    assert report.updated == 1 and report.unchanged == 1
    assert s.ids("rafah") == ["a"] and s.ids("doha") == ["b"] and s.ids("cairo") == []


def test_an_update_with_nothing_to_do_keeps_the_open_searcher(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-lived index (the search server's, the app's) updated before every search: when
    the update writes nothing, the next search must not reopen every segment and reread the
    spelling vocabulary (~0.7 s at 100k articles), only when it wrote something."""
    from newsreader.search import index as index_module

    s = shelf({"a.txt": article_text("Truce", "A ceasefire was agreed.")})
    s.update()
    opened: list[object] = []
    real = index_module.open_generation

    def counting(folder: object) -> object:
        opened.append(folder)
        return real(folder)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "open_generation", counting)
    assert s.ids("ceasefire") == ["a"]
    searches_opened = len(opened)
    for _ in range(3):
        assert s.update().unchanged == 1
        assert s.ids("ceasefire") == ["a"]
    assert len(opened) == searches_opened
    s.write("a.txt", article_text("Truce", "A ceasefire held in Rafah."))
    assert s.update().updated == 1
    assert s.ids("rafah") == ["a"]  # the commit is seen
    assert len(opened) > searches_opened


@pytest.mark.parametrize("procs", [1, 2])
def test_the_first_update_after_a_full_build_reads_no_column(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    """A full build records its documents' signatures: the next process to find one file
    changed compares it without reading every document's two columns (~0.45 s at 10k
    articles, seconds at 100k), in one build process or two."""
    from newsreader.search import build

    monkeypatch.setattr(build, "PARALLEL_MIN", 2)
    files = {f"n{i}.txt": article_text(f"Story {i}", f"Words and marker{i}.") for i in range(6)}
    s = shelf(files)
    s.update(rebuild=True, procs=procs)
    fresh = SearchIndex(s.index_dir)  # another process: it remembers nothing

    def unwanted(_ix: object) -> dict[str, bytes]:
        raise AssertionError("read every signature from the index")

    monkeypatch.setattr(build, "indexed_signatures", unwanted)
    try:
        s.write("n3.txt", article_text("Story 3", "Words and a walrus."))
        report = fresh.update(s.scan(), s.library)
        assert (report.updated, report.unchanged) == (1, 5)
        assert [h.id for h in fresh.search("walrus").hits] == ["n3"]
        assert fresh.search("marker3").hits == ()
    finally:
        fresh.close()


class _Unread(tuple[ArticleSummary, ...]):
    """A list of articles that must not be gone through (its length may be asked)."""

    def __iter__(self) -> Iterator[ArticleSummary]:
        raise AssertionError("went through every article")


@pytest.mark.parametrize("change", ["changed", "added", "deleted"])
def test_an_update_after_a_patched_scan_looks_only_at_what_it_changed(
    shelf: Callable[..., Shelf], change: str
) -> None:
    """A library scanned again in the same process (the search server's, watched) says what
    it changed since its last scan; an index known to hold that scan compares only those
    articles, not every summary with every signature (a pass over 100k)."""
    from newsreader.library import LibraryScan

    files = {f"n{i}.txt": article_text(f"Story {i}", f"Words and marker{i}.") for i in range(6)}
    s = shelf(files)
    s.library.watch_folders = True
    s.update()
    s.update()
    if change == "deleted":
        (s.root / "n3.txt").unlink()
    else:
        s.write("n3.txt" if change == "changed" else "n9.txt", article_text("S", "A walrus."))
    scan = s.scan()
    assert scan.since is not None
    blind = LibraryScan(
        _Unread(scan.articles), scan.skipped, scan.parsed, scan.by_id, scan.state, scan.since
    )
    report = s.index.update(blind, s.library)
    expected = {"changed": (0, 1, 0, 5), "added": (1, 0, 0, 6), "deleted": (0, 0, 1, 5)}
    assert (report.added, report.updated, report.removed, report.unchanged) == expected[change]
    walrus = {"changed": ["n3"], "added": ["n9"], "deleted": []}
    assert s.ids("walrus") == walrus[change]
    assert s.ids("marker3") == ([] if change != "added" else ["n3"])
    s.write("n1.txt", article_text("Story 1", "Words and an otter."))  # and the next one
    assert s.update().updated == 1 and s.ids("otter") == ["n1"]
