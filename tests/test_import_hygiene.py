"""Domain code never imports Textual, and start-up paths don't pay for heavy imports."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsreader

DOMAIN = [
    "newsreader.library",
    "newsreader.search",
    "newsreader.state",
    "newsreader.feeds",
    "newsreader.stories",
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


LEAN_CHECK = """
import functools, sys
from newsreader.cli import main
code = main(["--library", sys.argv[1], "search", "harbour", "--json"])
assert code == 0, code
print("loaded:", ",".join(m for m in ("asyncio", "urllib.request", "email", "whoosh.lang.morph_en",
                           "cached_property", "importlib.metadata", "rich", "logging", "secrets")
                           if m in sys.modules))
# What Whoosh was given in their place works, and the real modules still import.
import whoosh.query.terms, whoosh.reading
assert "rendering" in whoosh.query.terms.variations("render")
assert whoosh.reading.cached_property is functools.cached_property
import urllib.request, cached_property, asyncio
assert urllib.request.Request and cached_property.cached_property is not functools.cached_property
assert asyncio.run(asyncio.sleep(0, result=7)) == 7
"""


def _run_on_a_library(tmp_path: Path, script: str, **env: str) -> str:
    """``script`` in a fresh interpreter, given a one-article library; its stdout."""
    library = tmp_path / "news"
    if not library.exists():  # a second run finds the library as the first left it
        library.mkdir()
        (library / "a.txt").write_text("Harbour news\n\nMon Mar 02 2026\n\nBoats in the harbour.\n")
    proc = subprocess.run(
        [sys.executable, "-c", script, str(library)],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            **{var: str(tmp_path / var) for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME")},
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            **env,
        },
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_a_cli_search_does_not_load_what_its_answer_does_not_use(tmp_path: Path) -> None:
    out = _run_on_a_library(tmp_path, LEAN_CHECK)
    assert "loaded: \n" in out, out


INDEX_CHECK = """
import sys
from newsreader.cli import main
sys.argv = ["newsreader", "--library", sys.argv[1], "index"]
assert main() == 0  # as the installed command runs it: a server is looked for first
print("loaded:", ",".join(m for m in ("socket", "subprocess", "whoosh", "secrets",
                                     "dataclasses", "inspect") if m in sys.modules))
"""


def test_an_index_with_nothing_to_do_loads_no_sockets_and_no_whoosh(tmp_path: Path) -> None:
    """A cron job's ``index`` run in its own process, the library unchanged: it loads
    neither the search server's sockets nor Whoosh (a search loads them), nor
    ``dataclasses`` (with ``inspect``, and making each class, it cost more than the update
    check)."""
    # No server runs and none is started (config), as when a server's idle time ran out.
    config = tmp_path / "config" / "newsreader"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("search_server_minutes = 0\n", encoding="utf-8")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    _run_on_a_library(tmp_path, INDEX_CHECK, XDG_RUNTIME_DIR=str(runtime))  # it builds
    out = _run_on_a_library(tmp_path, INDEX_CHECK, XDG_RUNTIME_DIR=str(runtime))
    assert "0 added, 0 updated" in out, out
    assert "loaded: \n" in out, out
