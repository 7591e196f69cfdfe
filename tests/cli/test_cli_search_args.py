"""`newsreader search` takes query words that start with `-`, and its options anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.cli import main
from tests.cli.conftest import CLI

SEED_ID = "000_ccd60dcd14a62a27"


@pytest.fixture
def truce_library(seed_library: Path) -> Path:
    """The seed (Hamas, truce talks, Rafah) plus one Hamas truce-talks article without Rafah."""
    (seed_library / "talks.txt").write_text(
        "Hamas delegation back at truce talks in Cairo\n\nTue May 07 2024\n\n"
        "A Hamas delegation returned to the truce talks in Cairo on Tuesday.\n\n"
        "Mediators said the truce talks would go on for a second day.\n",
        encoding="utf-8",
    )
    return seed_library


def _ids(run_json: list[dict[str, str]]) -> list[str]:
    return [hit["id"] for hit in run_json]


def test_readme_example_excludes_a_word(cli: CLI, truce_library: Path) -> None:
    both = cli("search", '"truce talks"', "title:hamas", "--json", library=truce_library)
    assert both.code == 0, both.err
    assert sorted(_ids(both.json())) == sorted([SEED_ID, "talks"])

    run = cli("search", '"truce talks"', "title:hamas", "-rafah", library=truce_library)
    assert run.code == 0, run.err
    assert "Hamas delegation back at truce talks" in run.out
    assert "Rafah" not in run.out


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "-rafah", "truce", "--limit", "5"],
        ["-rafah", "--limit=5", "truce", "--json"],
        ["truce", "--limit", "5", "-rafah", "--json"],
        ["--lim", "5", "truce", "--json", "NOT", "rafah"],
        ["truce", "--json", "--", "-rafah"],
    ],
)
def test_options_anywhere_and_dash_words(cli: CLI, truce_library: Path, args: list[str]) -> None:
    run = cli("search", *args, library=truce_library)
    assert run.code == 0, run.err
    assert _ids(run.json()) == ["talks"]


def test_limit_still_limits(cli: CLI, truce_library: Path) -> None:
    run = cli("search", "truce", "--limit", "1", "--json", library=truce_library)
    assert run.code == 0, run.err
    assert len(run.json()) == 1
    bad = cli("search", "-rafah", "--limit", "0", library=truce_library)
    assert bad.code == 2 and "at least 1" in bad.err


def test_in_process_main_takes_dash_words(
    truce_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    code = main(["--library", str(truce_library), "search", "truce", "-rafah", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert _ids(json.loads(out)) == ["talks"]


def test_other_readme_examples_work_as_written(cli: CLI, truce_library: Path) -> None:
    snippet = cli("search", "ceasefire", "--json", library=truce_library)
    assert snippet.code == 0 and isinstance(snippet.json(), list)
    dated = cli("search", "date:2024-05 ceasfire~", library=truce_library)
    assert dated.code == 0, dated.err
    unread = cli("list", "--unread", "--json", library=truce_library)
    assert unread.code == 0 and len(unread.json()) == 2
    fetch = cli("fetch", "--limit", "3", library=truce_library)
    assert fetch.code == 0, fetch.err  # no feeds yet: nothing to do, not an error
