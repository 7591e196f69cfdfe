"""The committed equivalence check: our engine ranks and counts as Whoosh's exhaustive ranking
on every query shape, with the phrase thresholds lowered so that a small library takes every
path a big one does (partial reads, the best-first heap, estimated totals)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import check_equivalence as eq


def _check(tmp_path: Path, size: int, per_shape: int) -> eq.Paths:
    generation = eq.build(tmp_path, size)
    queries = eq.make_queries(tmp_path / f"corpus-{size}", per_shape)
    with eq.thresholds(eq.SMALL):
        rows, paths = eq.compare(generation, queries)
    assert {r.shape for r in rows} == set(eq.SHAPES)
    for r in rows:
        assert r.queries == per_shape and r.same == r.answers, (r.shape, r.failures[:3])
    return paths


def test_engine_answers_as_whoosh_on_every_shape_at_200(tmp_path: Path) -> None:
    paths = _check(tmp_path, 200, 6)
    assert paths.partial_reads and paths.heap and paths.estimated


@pytest.mark.slow
def test_engine_answers_as_whoosh_on_every_shape_at_2k(tmp_path: Path) -> None:
    paths = _check(tmp_path, 2000, 20)
    assert paths.partial_reads and paths.heap and paths.estimated


def test_the_script_prints_its_table_and_layer_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert eq.main(["--size", "60", "--queries", "2", "--workdir", str(tmp_path), "--layers"]) == 0
    out = capsys.readouterr().out
    assert "| phrase |" in out and "| packed tier (terms.PACKED_BYTES) off |" in out
    assert "| partial reads off |" in out and "**no**" not in out  # same answers, layer off


@pytest.mark.slow
def test_the_fallback_ranks_as_the_engine_at_2k(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the engine fails, the answer is Whoosh's exhaustive ranking: the same hits and
    totals as the engine's, on every shape (Whoosh's limited search ranked some of these
    queries otherwise; its own AndNotMatcher kept some articles with both words)."""
    import math

    from newsreader.search import ranking
    from newsreader.search.engine import Engine
    from newsreader.search.index import open_generation
    from newsreader.search.phrase_candidates import TopDocs
    from newsreader.search.query import parse

    monkeypatch.setattr(ranking, "log_fallback", lambda exc: None, raising=False)
    generation = eq.build(tmp_path, 2000)
    queries = eq.make_queries(tmp_path / "corpus-2000", 30)

    class Broken(Engine):
        def top(self, query: object, limit: int, keep: object = None) -> TopDocs:
            raise ValueError("not a Whoosh 3 posting list")

    with open_generation(generation).searcher() as searcher:
        vocab = ranking.vocabulary(searcher)
        engine = Engine(searcher)
        for texts in queries.values():
            for text in texts:
                q = ranking.expand_fuzzy(parse(text), lambda: vocab).query
                ours = engine.top(q, 10)
                theirs = ranking.rank_top(searcher, Broken(searcher), q, 10)
                assert [d for d, _ in theirs.hits] == [d for d, _ in ours.hits], text
                assert all(
                    math.isclose(a, b, rel_tol=eq.REL_TOL)
                    for (_, a), (_, b) in zip(theirs.hits, ours.hits, strict=True)
                )
                if not ours.estimated:
                    assert theirs.total == ours.total, text
