"""An index update trusts the signatures it remembers only while nobody else has written."""

from __future__ import annotations

from collections.abc import Callable

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
