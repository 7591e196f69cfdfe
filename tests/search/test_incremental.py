"""Incremental updates: new, changed and removed files, ids that move, two threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from newsreader.search import IndexReport
from newsreader.search.generations import read_current
from tests.search.conftest import Shelf, article_text


def _files(n: int) -> dict[str, str]:
    return {
        f"n{i:02d}.txt": article_text(f"Story {i}", f"Common words and marker{i} here.")
        for i in range(n)
    }


def test_add_change_delete(shelf: Callable[..., Shelf]) -> None:
    s = shelf(_files(5))
    assert s.ids("common", limit=50).__len__() == 5

    s.write("new.txt", article_text("Fresh", "A pelican landed."))
    report = s.update()
    assert isinstance(report, IndexReport)
    assert (report.added, report.updated, report.removed, report.rebuilt) == (1, 0, 0, False)
    assert s.ids("pelican") == ["new"]

    s.write("n01.txt", article_text("Story 1", "Now about a walrus instead."))
    report = s.update()
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert s.ids("walrus") == ["n01"]
    assert s.ids("marker1") == []

    (s.root / "n02.txt").unlink()
    report = s.update()
    assert (report.added, report.updated, report.removed) == (0, 0, 1)
    assert s.ids("marker2") == []
    assert sorted(s.ids("common", limit=50)) == ["n00", "n03", "n04"]


def test_nothing_changed_writes_nothing(shelf: Callable[..., Shelf]) -> None:
    s = shelf(_files(3))
    report = s.update()
    assert report == IndexReport(unchanged=3)


def test_touch_without_change_is_not_reindexed(shelf: Callable[..., Shelf]) -> None:
    s = shelf(_files(2))
    s.write("n00.txt", (s.root / "n00.txt").read_text(encoding="utf-8"))
    report = s.update()
    assert isinstance(report, IndexReport) and report.updated == 0 and report.unchanged == 2


def test_hit_ids_follow_the_latest_scan(shelf: Callable[..., Shelf]) -> None:
    s = shelf({"a.txt": article_text("A", "The heron waded.")})
    assert s.ids("heron") == ["a"]
    s.write("a.md", "# B\n\nA different article about owls.\n")  # now a.txt and a.md collide
    s.update()
    scan = s.scan()
    assert s.ids("heron") == [a.id for a in scan.articles if a.path.name == "a.txt"]
    assert s.ids("heron") != ["a"]


def test_file_that_vanishes_before_loading_is_skipped(shelf: Callable[..., Shelf]) -> None:
    s = shelf(_files(2))
    s.write("gone.txt", article_text("Gone", "An ibis flew."))
    scan = s.scan()
    (s.root / "gone.txt").unlink()
    report = s.index.update(scan, s.library)
    assert report.added == 0
    assert s.ids("ibis") == []


def test_search_while_updating_in_another_thread(shelf: Callable[..., Shelf]) -> None:
    s = shelf(_files(30))
    errors: list[BaseException] = []
    counts: list[int] = []

    def searcher() -> None:
        try:
            for _ in range(40):
                counts.append(s.index.search("common", limit=50).total)
        except BaseException as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    thread = threading.Thread(target=searcher)
    for i in range(30, 36):
        s.write(f"n{i:02d}.txt", article_text(f"Story {i}", "Common words again."))
    thread.start()
    s.update()
    s.update(rebuild=True)
    thread.join()
    assert not errors
    assert counts and all(c >= 30 for c in counts)  # always a complete index
    assert s.index.search("common", limit=50).total == 36


def test_parallel_full_build_matches_single_process(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.search import build

    monkeypatch.setattr(build, "PARALLEL_MIN", 2)
    files = _files(24)
    one = shelf(files, name="one")
    two = shelf(files, name="two")
    progress: list[tuple[int, int]] = []
    report = two.update(rebuild=True, procs=2, progress=lambda d, t: progress.append((d, t)))
    assert isinstance(report, IndexReport) and report.added == 24
    assert progress and progress[-1][1] == 24 and max(d for d, _ in progress) <= 24
    for query in ("common", "marker7", '"common words"', "mark*"):
        assert sorted(one.ids(query, limit=50)) == sorted(two.ids(query, limit=50)), query
    current = read_current(two.index_dir)
    assert current is not None and len(list(current[1].glob("*.seg"))) == 2  # one per process
    two.write("n99.txt", article_text("Late", "A godwit."))  # a later incremental update
    assert isinstance(two.update(), IndexReport) and two.ids("godwit") == ["n99"]


def test_an_update_never_merges_full_build_segments(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.search import build, incremental
    from newsreader.search.index import open_generation

    monkeypatch.setattr(build, "SEGMENT_POSTINGS", 60)  # a segment every 3 articles
    monkeypatch.setattr(incremental, "MERGE_LIMIT", 3)
    s = shelf()
    for name, text in _files(40).items():
        s.write(name, text)
    s.update(rebuild=True)

    def segments() -> dict[str, int]:
        current = read_current(s.index_dir)
        assert current is not None
        ix: Any = open_generation(current[1])  # its private segment list
        try:
            return {seg.segment_id(): seg.doc_count_all() for seg in ix._segments()}
        finally:
            ix.close()

    built = {k: n for k, n in segments().items() if n >= 3}
    assert len(built) > 8  # Whoosh's MERGE_SMALL alone merges these (MERGE_LIMIT 10**9: fails)
    for i in range(6):
        s.write(f"n{i:02d}.txt", article_text(f"Story {i}", f"Changed words and walrus{i}."))
        s.update()
        after = segments()
        assert all(seg in after for seg in built), i
        assert s.ids(f"walrus{i}") == [f"n{i:02d}"]


def test_segments_merged_by_updates_hold_what_a_full_build_holds(
    shelf: Callable[..., Shelf],
) -> None:
    """Updates write one-article segments and now and then merge the small ones (the full
    build's too, at this size) by indexing their stored documents again: every term,
    posting, length and stored field must be what a full build of the same files gives."""
    from benchmarks.index_digest import digest
    from newsreader.search.word_pairs import read_common

    def text(title: str, words: str) -> str:  # a dateline: every segment has that field
        return article_text(title, f"GENEVA (Reuters) — {words}", "A second paragraph.")

    s = shelf({f"n{i:02d}.txt": text(f"Story {i}", f"Common words, marker{i}.") for i in range(12)})

    def generation() -> Any:
        current = read_current(s.index_dir)
        assert current is not None
        return current[1]

    def segment_count() -> int:
        return len(list(generation().glob("*.seg")))

    most = 0
    for i in range(9):
        s.write(f"n{i % 4:02d}.txt", text(f"Story {i}", f"Common words, walrus{i}."))
        s.write(f"new{i}.txt", text(f"New {i}", f"Common words, heron{i}."))
        s.update()
        most = max(most, segment_count())
    (s.root / "n05.txt").unlink()  # a deleted document is left out of the next merge
    s.update()
    assert segment_count() < most  # segments were merged on the way
    assert s.ids("walrus8") == ["n00"] and s.ids("walrus4") == []
    assert s.ids("marker5") == []
    updated, common = digest(generation()), read_common(generation())
    s.update(rebuild=True)
    assert read_common(generation()) == common  # the pairs field is made of the same words
    assert digest(generation()) == updated
