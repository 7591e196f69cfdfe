"""The CLI's did-you-mean: a typo's results shown with a note, --as-typed, ``suggest`` for
scripts, and queries that cannot be searched refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import CLI
from tests.search.newsprose import news_files


@pytest.fixture
def news_library(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    root.mkdir()
    for name, text in news_files(120).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_typo_shows_the_suggestions_results_and_scripts_can_ask(
    cli: CLI,
    news_library: Path,
) -> None:
    run = cli("search", "ceasfire", "--json", library=news_library)
    assert run.code == 0
    hits = run.json()
    assert isinstance(hits, list) and hits  # the bare array stays the contract
    assert "Showing results for ceasefire; search instead for ceasfire" in run.err
    typed = cli("search", "ceasfire", "--as-typed", library=news_library)
    assert typed.code == 0 and typed.out == ""
    assert "Did you mean: ceasefire" in typed.err and "No matches." in typed.err
    asked = cli("suggest", "--json", "parliment", "budget", library=news_library)
    assert asked.code == 0
    assert asked.json() == {"query": "parliment budget", "suggestion": "parliament budget"}
    plain = cli("suggest", "minster", library=news_library)
    assert plain.out == "minister\n"
    assert cli("suggest", "minister", library=news_library).out == ""


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("date:0000", "not a date"),
        ("title:", "title: needs a word"),
        ("-fire", "only excludes"),
    ],
)
def test_queries_that_cannot_be_searched_are_refused_with_a_reason(
    cli: CLI,
    news_library: Path,
    query: str,
    reason: str,
) -> None:
    run = cli("search", "--", query, library=news_library)
    assert run.code == 2 and run.out == ""
    assert reason in run.err and len(run.err.strip().splitlines()) == 1
