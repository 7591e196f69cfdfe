"""Joining a build's segments (``whoosh_merge.py``, ``joining.py``): the joined index must hold
exactly what a build of the live articles into one segment holds, answer every query with
the same hits and floats, and never undo an update or a rebuild that lands meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsreader.search import (
    IndexReport,
    SearchIndex,
    build,
    freshness,
    joining,
    neighbours,
    whoosh_merge,
)
from newsreader.search.generations import read_current
from newsreader.search.index import open_generation
from tests.search.conftest import Shelf, article_text
from tests.search.newsprose import news_files

QUERIES = (
    "minister",
    "ceasefire talks",
    '"prime minister"',
    '"said that"',
    '"said the minister"',
    '"minister said"',
    "talks -ceasefire",
    "budget OR harbour",
    "title:minister",
    "parliament vote",
)


def _generation(s: Shelf) -> Path:
    current = read_current(s.index_dir)
    assert current is not None
    return current[1]


def _segments(s: Shelf) -> list[Any]:
    ix: Any = open_generation(_generation(s))  # its private segment list
    try:
        return list(ix._segments())
    finally:
        ix.close()


def _columns(s: Shelf) -> dict[str, list[tuple[str, object]]]:
    """Every column (path, signature, date) of every document, in document order."""
    ix: Any = open_generation(_generation(s))  # the public column API
    try:
        with ix.reader() as r:
            names = [n for n, f in ix.schema.items() if f.column_type]
            readers = {n: r.column_reader(n) for n in names}
            return {
                n: [(readers["path"][d], c[d]) for d in r.all_doc_ids()] for n, c in readers.items()
            }
    finally:
        ix.close()


def _answers(s: Shelf) -> list[tuple[str, list[tuple[str, float]], int]]:
    """Every query's hits with their scores and its total, through the app's search."""
    out = []
    for q in QUERIES:
        result = s.index.search(q, limit=15)
        out.append((q, [(h.id, h.score) for h in result.hits], result.total))
    return out


@pytest.fixture(params=[False, True], ids=["plain", "neighbours"])
def built(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Shelf:
    """A library of 60 articles built into many small segments, with and without the
    neighbours field (``neighbours.NEAR_MIN``)."""
    monkeypatch.setattr(build, "SEGMENT_POSTINGS", 1500)
    monkeypatch.setattr(neighbours, "NEAR_MIN", 0 if request.param else 10**9)
    s = shelf()
    for name, text in news_files(60).items():
        title, day, first, *rest = text.split("\n\n")  # a dateline: every segment has one
        s.write(name, "\n\n".join([title, day, f"GENEVA (Reuters) — {first}", *rest]))
    s.update(rebuild=True)
    assert len(_segments(s)) >= 6
    assert neighbours.indexed(_generation(s)) is request.param
    return s


def test_joined_segments_hold_what_one_segment_holds_and_answer_the_same(
    built: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.index_digest import digest

    before = _answers(built)
    columns = _columns(built)
    count = len(_segments(built))
    assert joining.join_segments(built.index_dir) == count - 1
    assert len(_segments(built)) == 1
    folder = _generation(built)
    assert len(list(folder.glob("*.seg"))) == 1  # the joined ones' files are gone
    assert not list(folder.glob(f"{joining.SCRATCH}*"))
    assert _answers(built) == before and _columns(built) == columns
    assert {"path", "sig", "date"} <= set(columns)
    # No document changed: the record of what the index holds carries over, and so do the
    # did-you-mean words (a file for the joined segment, none for the ones it replaced).
    assert freshness.holds(folder, built.scan().state)
    (joined,) = _segments(built)
    assert [p.name for p in folder.glob("vocab-*.txt")] == [f"vocab-{joined.segment_id()}.txt"]
    fresh = SearchIndex(built.index_dir)
    try:
        assert fresh.suggest("minster").suggestion == "minister"
    finally:
        fresh.close()
    joined_digest = digest(folder)
    monkeypatch.setattr(build, "SEGMENT_POSTINGS", 10**9)
    built.update(rebuild=True)  # a build into one segment
    assert len(_segments(built)) == 1
    assert digest(_generation(built)) == joined_digest


def test_deleted_documents_are_left_out_as_a_fresh_build_leaves_them(
    built: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A segment with deletions is joined without its deleted documents: what a build of
    the live articles into one segment holds, the field totals BM25 averages included."""
    from benchmarks.index_digest import digest
    from newsreader.search import incremental
    from newsreader.search.word_pairs import read_common

    monkeypatch.setattr(incremental, "MERGE_LIMIT", 2)  # the update leaves the build's segments
    victims = sorted(built.root.iterdir())[:3:2]
    for victim in victims:
        victim.unlink()
    built.update()  # deletes their documents in build segments, adds no segment
    assert sum(1 for seg in _segments(built) if seg.deleted_count()) == 2
    assert joining.join_segments(built.index_dir) > 0
    assert [seg.deleted_count() for seg in _segments(built)] == [0]
    joined, answers = digest(_generation(built)), _answers(built)
    found = {h.id for q in ("minister", "said") for h in built.index.search(q, limit=100).hits}
    assert found and not found & {v.stem for v in victims}
    # The same common words as the joined generation (a new sample of 58 articles may pick
    # others, and the pairs field is made of them).
    common = read_common(_generation(built))
    monkeypatch.setattr(build, "sample_common", lambda *args: common)
    monkeypatch.setattr(build, "SEGMENT_POSTINGS", 10**9)
    built.update(rebuild=True)
    assert digest(_generation(built)) == joined
    assert _answers(built) == answers


def test_an_update_during_a_copy_is_not_kept_waiting_nor_undone(
    built: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy holds no lock: an update that lands meanwhile commits at once; the copy it
    made moot (a document of the run deleted) is dropped and made again from the new table
    of contents."""
    from newsreader.search import incremental

    monkeypatch.setattr(incremental, "MERGE_LIMIT", 2)
    victim = sorted(built.root.iterdir())[0]
    real = whoosh_merge._JoinWriter.write
    reports: list[IndexReport] = []

    def write_with_an_update(self: Any) -> Any:
        if not reports:
            victim.unlink()
            reports.append(built.update())  # the index's own lock is free during a copy
        return real(self)

    monkeypatch.setattr(whoosh_merge._JoinWriter, "write", write_with_an_update)
    assert joining.join_segments(built.index_dir) > 0
    assert reports and reports[0].removed == 1 and reports[0].notice is None
    found = {h.id for q in ("minister", "said") for h in built.index.search(q, limit=100).hits}
    assert found and victim.stem not in found
    assert [seg.deleted_count() for seg in _segments(built)] == [0]  # joined after it


class _Seg:
    def __init__(self, docs: int, deleted: int = 0) -> None:
        self.docs, self.deleted = docs, deleted

    def doc_count_all(self) -> int:
        return self.docs

    def deleted_count(self) -> int:
        return self.deleted


def test_runs_take_small_whole_segments_side_by_side_up_to_the_limit() -> None:
    segs = [_Seg(10), _Seg(10), _Seg(10, deleted=1), _Seg(10), _Seg(10), _Seg(10), _Seg(30)]
    segs += [_Seg(10), _Seg(10), _Seg(10)]
    # A segment of a quarter of the limit or more ends a run; no run of one.
    assert whoosh_merge.runs(segs, 100) == [range(0, 6), range(7, 10)]
    assert whoosh_merge.runs(segs, 44) == [range(0, 4), range(4, 6), range(7, 10)]
    assert whoosh_merge.runs(segs, 25) == []  # 10 documents: a quarter of 25 or more
    assert whoosh_merge.runs([_Seg(5) for _ in range(6)], 24) == [range(0, 4), range(4, 6)]
    assert whoosh_merge.runs([_Seg(10)], 100) == []
    # A part holding more than half of its run (joined before) waits for as much again.
    assert whoosh_merge.runs([_Seg(20), _Seg(1), _Seg(1)], 100) == []
    assert whoosh_merge.runs([_Seg(20), *[_Seg(1) for _ in range(20)]], 100) == [range(0, 21)]


def test_a_run_whose_articles_are_all_deleted_leaves_no_empty_segment(
    built: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.search import incremental

    monkeypatch.setattr(incremental, "MERGE_LIMIT", 2)  # the update leaves the build's segments
    for path in list(built.root.iterdir()):
        path.unlink()
    built.update()
    assert _segments(built) and all(
        s.deleted_count() == s.doc_count_all() for s in _segments(built)
    )
    joining.join_segments(built.index_dir)
    assert _segments(built) == []
    assert built.index.search("minister").hits == ()
    built.write("late.txt", article_text("Late", "A minister spoke."))
    built.update()
    assert [h.id for h in built.index.search("minister").hits] == ["late"]


def test_a_rebuild_during_a_copy_is_left_as_it_built(
    built: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy's generation is replaced meanwhile: nothing is put into the old one as if it
    were live, and the new one is left as the rebuild wrote it."""
    real = whoosh_merge._JoinWriter.write
    rebuilt: list[list[str]] = []

    def write_after_a_rebuild(self: Any) -> Any:
        if not rebuilt:
            built.update(rebuild=True)
            rebuilt.append([seg.segment_id() for seg in _segments(built)])
        return real(self)

    monkeypatch.setattr(whoosh_merge._JoinWriter, "write", write_after_a_rebuild)
    assert joining.join_segments(built.index_dir) == 0
    assert rebuilt and [seg.segment_id() for seg in _segments(built)] == rebuilt[0]
    assert built.index.search("minister").hits
