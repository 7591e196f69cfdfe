"""Shared fixtures: every test gets its own per-user folders and no inherited library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_ccd60dcd14a62a27.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", help="run the long fault/benchmark tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point XDG data/cache/config at tmp_path so no test touches the real user's files, and
    drop the user's proxy settings, which would send the tests' local requests elsewhere."""
    home = tmp_path / "home"
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("NEWSREADER_LIBRARY", raising=False)
    monkeypatch.delenv("NEWSREADER_DEBUG", raising=False)
    # A search server outlives the command that started it: only the tests of it start one.
    monkeypatch.setenv("NEWSREADER_SEARCH_SERVER", "0")
    for proxy in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):  # tests ask 127.0.0.1
        monkeypatch.delenv(proxy, raising=False)
        monkeypatch.delenv(proxy.upper(), raising=False)
    return home


@pytest.fixture
def seed_library(tmp_path: Path) -> Path:
    """A library folder holding a copy of the shipped seed article."""
    lib = tmp_path / "library"
    lib.mkdir()
    shutil.copy(SEED, lib / SEED.name)
    return lib


WHOOSH_USERS = (
    "whoosh_read",
    "whoosh_write",
    "schema",
    "matchers",
    "query",
    "query_model",
    "terms",
    "engine",
    "ranking",
    "fallback",
    "build",
    "vocab",
)
"""The search modules that import the Whoosh adapter (directly or through one another)."""


@pytest.fixture
def other_whoosh(monkeypatch: pytest.MonkeyPatch) -> str:
    """Another whoosh-reloaded release is installed (2.7.9): the adapter's version check runs
    again on the next import of these modules, as in a fresh process (all restored after)."""
    import sys

    import whoosh

    import newsreader.search

    monkeypatch.setattr(whoosh, "__version__", (2, 7, 9))
    for name in WHOOSH_USERS:
        monkeypatch.delitem(sys.modules, f"newsreader.search.{name}", raising=False)
        monkeypatch.delattr(newsreader.search, name, raising=False)
    return "2.7.9"
