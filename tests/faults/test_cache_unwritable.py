"""A full or read-only cache folder: ``index`` and ``search`` say so in one line, exit 2."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import CLI
from tests.faults import mounts
from tests.faults.conftest import FaultRow


@pytest.fixture
def stack() -> Iterator[contextlib.ExitStack]:
    with contextlib.ExitStack() as s:
        yield s


@pytest.mark.parametrize("kind", ["tmpfs full", "read-only mount"])
def test_index_and_search_on_an_unwritable_cache(
    cli: CLI,
    seed_library: Path,
    user_dirs: Path,
    stack: contextlib.ExitStack,
    fault_row: FaultRow,
    kind: str,
) -> None:
    cache = user_dirs / "cache"
    cache.mkdir(parents=True)
    if kind == "tmpfs full":
        stack.enter_context(mounts.tmpfs(cache, 256))
        mounts.fill(cache)
        reason = "No space left on device"
    else:  # an index is there; a new article cannot be added to it
        assert cli("index", library=seed_library).code == 0
        (seed_library / "new.txt").write_text("New title\n\nA truce again.\n", "utf-8")
        stack.enter_context(mounts.read_only(cache))
        reason = "Read-only file system"
    index = cli("index", library=seed_library)
    assert index.code == 2, index.err
    assert index.err.count("\n") == 1 and "unexpected" not in index.err, index.err
    assert "cannot write the search index" in index.err and reason in index.err, index.err
    search = cli("search", "truce", library=seed_library)
    assert "run 'newsreader index'" not in search.err  # running it would fail the same way
    assert reason in search.err, search.err
    if kind == "tmpfs full":
        assert search.code == 2 and "no earlier index" in search.err, search.err
    else:
        assert search.code == 0 and "searching the last complete one" in search.err
        assert "Rafah" in search.out
    fault_row.cycles = 2
    fault_row.recovered = 2
    fault_row.note = f"index and search, cache {kind}"
