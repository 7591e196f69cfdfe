"""The command line package: runnable as a module, and a subcommand loads only its own code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsreader import __version__
from tests.cli.conftest import modules_loaded_by_search


def test_runs_as_a_module() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "newsreader.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.strip() == f"newsreader {__version__}"


def test_search_loads_neither_the_feed_nor_the_state_commands(seed_library: Path) -> None:
    loaded = modules_loaded_by_search(seed_library)
    assert "newsreader.cli.library_commands" in loaded
    for module in ("newsreader.cli.feed_commands", "newsreader.cli.state_commands", "textual"):
        assert module not in loaded
