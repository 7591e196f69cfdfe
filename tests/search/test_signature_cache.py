"""An index update trusts the signatures it remembers only while nobody else has written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

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
