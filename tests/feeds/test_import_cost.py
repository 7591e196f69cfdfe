"""Start-up never pays for the network and extraction libraries (~0.35 s together)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("trafilatura", "feedparser", "urllib3", "lxml", "justext", "htmldate", "courlan")


@pytest.mark.parametrize("module", ["newsreader.feeds", "newsreader.cli", "newsreader.context"])
def test_heavy_libraries_are_imported_only_when_used(module: str) -> None:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in out.stdout.split()}
    assert not loaded & set(HEAVY), f"importing {module} loads {sorted(loaded & set(HEAVY))}"
