"""Fixtures for the state store tests: a state file path in tmp_path and an opened store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.state import StateStore


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """Where the state file lives (its folder does not exist yet)."""
    return tmp_path / "data" / "state.sqlite3"


@pytest.fixture
def snapshot_dir(tmp_path: Path) -> Path:
    """Where snapshots go."""
    return tmp_path / "data" / "snapshots"


@pytest.fixture
def store(state_file: Path, snapshot_dir: Path) -> Iterator[StateStore]:
    """A store on a fresh file; closed after the test."""
    s = StateStore.open(state_file, snapshot_dir)
    yield s
    s.close()
