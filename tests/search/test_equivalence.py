"""The committed equivalence check: our engine ranks and counts as Whoosh's exhaustive ranking
on every query shape, with the phrase thresholds lowered so that a small library takes every
path a big one does (partial reads, the best-first heap, estimated totals)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import check_equivalence as eq


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
    assert paths.partial_reads and paths.heap and paths.estimated and paths.bounded


def test_the_script_prints_its_table_and_layer_times(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert eq.main(["--size", "60", "--queries", "2", "--workdir", str(tmp_path), "--layers"]) == 0
    out = capsys.readouterr().out
    assert "| phrase |" in out and "| title-bounded top (title_top.py) |" in out
