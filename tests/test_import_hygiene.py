"""Domain code never imports Textual, and start-up paths don't pay for heavy imports."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import newsreader

DOMAIN = [
    "newsreader.library",
    "newsreader.search",
    "newsreader.state",
    "newsreader.feeds",
    "newsreader.app",  # the application layer: the TUI runs on it, but it has no Textual
]


def _modules() -> list[str]:
    names = ["newsreader.cli", "newsreader.config", "newsreader.paths", "newsreader.context"]
    for pkg in DOMAIN:
        try:
            mod = __import__(pkg, fromlist=["_"])
        except ImportError:
            continue
        names.append(pkg)
        names += [f"{pkg}.{m.name}" for m in pkgutil.iter_modules(mod.__path__)]
    return names


def _loaded_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", _modules())
def test_domain_module_does_not_import_textual(module: str) -> None:
    loaded = _loaded_after(module)
    assert "textual" not in loaded, f"{module} imports textual"


def test_cli_import_is_light() -> None:
    loaded = _loaded_after("newsreader.cli")
    for heavy in ("textual", "whoosh", "rich.progress", "sqlite3"):
        assert heavy not in loaded, f"importing the CLI pulls in {heavy}"


def test_package_version_is_exposed() -> None:
    assert newsreader.__version__
