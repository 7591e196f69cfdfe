"""``newsreader completion bash|zsh|fish``: scripts the real shells load and complete with."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import CLI, modules_loaded_by_search

BASH_COMPLETE = """
source "$1"; shift
COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_newsreader
printf '%s\\n' "${COMPREPLY[@]}"
"""


@pytest.fixture
def script(cli: CLI, tmp_path: Path) -> Callable[[str], Path]:
    def write(shell: str) -> Path:
        run = cli("completion", shell)
        assert run.code == 0, run.err
        path = tmp_path / f"newsreader.{shell}"
        path.write_text(run.out)
        return path

    return write


def _shell(*argv: str, cwd: Path) -> list[str]:
    run = subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=cwd)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    return run.stdout.splitlines()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["fe"], ["feeds", "fetch"]),
        (["feeds", ""], ["add", "list", "remove", "import", "export"]),
        (["search", "--li"], ["--limit"]),
        (["search", "--limit", "5", "--j"], ["--json"]),
        (["--library", "lib", "--config", "c.toml", "se"], ["search", "serve"]),
        (["completion", ""], ["bash", "zsh", "fish"]),
        (["--library", "li"], ["lib"]),  # a folder
        (["export", "c."], ["c.toml"]),  # a file
        (["bookmarks", "--"], ["--help", "--json", "--markdown"]),
        (["ta"], ["tag", "tags"]),
        (["st"], ["star", "stories"]),
        (["saved", ""], ["add", "remove", "show"]),
        (["saved", "add", "--s"], ["--sort"]),
        (["list", "--s"], ["--starred", "--saved"]),
        (["star", "--"], ["--help", "--off"]),
        (["sync", "--"], ["--help", "--dir", "--status", "--json"]),
        (["sy"], ["sync"]),
        (["sto"], ["stories"]),
        (["rel"], ["related"]),
        (["related", "--"], ["--help", "--limit", "--json"]),
    ],
)
def test_bash_completes_in_a_real_bash(
    script: Callable[[str], Path], tmp_path: Path, words: list[str], expected: list[str]
) -> None:
    path = script("bash")
    (tmp_path / "lib").mkdir()
    (tmp_path / "c.toml").write_text("")
    got = _shell("bash", "-c", BASH_COMPLETE, "_", str(path), "newsreader", *words, cwd=tmp_path)
    assert got == expected


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh not installed")
def test_zsh_script_parses_and_offers_described_commands(
    script: Callable[[str], Path], tmp_path: Path
) -> None:
    path = script("zsh")
    _shell("zsh", "-n", str(path), cwd=tmp_path)
    # zsh's own completion widgets need a terminal: stand-ins print what they were given.
    probe = f"""
        compdef() {{ print -r -- "compdef $*"; }}
        source {path}
        _describe() {{ print -rl -- "${{(@P)4}}"; }}
        _files() {{ print -r -- "_files $*"; }}
        words=(newsreader feeds ""); CURRENT=3; PREFIX=""; _newsreader
        words=(newsreader --library x search --li); CURRENT=5; PREFIX=--li; _newsreader
        words=(newsreader --library ""); CURRENT=3; PREFIX=""; _newsreader
    """
    got = _shell("zsh", "-f", "-c", probe, cwd=tmp_path)
    assert got[0] == "compdef _newsreader newsreader"
    assert "add:subscribe to a feed, or to a site that announces one" in got
    assert "--limit:show at most N hits (default 10)" in got
    assert got[-1] == "_files -/"


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish not installed")
def test_fish_completes_in_a_real_fish(script: Callable[[str], Path], tmp_path: Path) -> None:
    path = script("fish")
    _shell("fish", "-n", str(path), cwd=tmp_path)
    got = _shell(
        "fish", "--no-config", "-c", f"source {path}; complete -C 'newsreader feeds '", cwd=tmp_path
    )
    assert got == [
        "add\tsubscribe to a feed, or to a site that announces one",
        "export\twrite the subscriptions as OPML (categories as folders)",
        "import\tsubscribe to the feeds of an OPML file (folders become categories; idempotent)",
        "list\tlist subscriptions",
        "remove\tunsubscribe (saved articles stay)",
    ]
    got = _shell(
        "fish",
        "--no-config",
        "-c",
        f"source {path}; complete -C 'newsreader --library x search --li'",
        cwd=tmp_path,
    )
    assert got == ["--limit\tshow at most N hits (default 10)"]


def test_completion_needs_no_config_or_library(cli: CLI, tmp_path: Path) -> None:
    run = cli("--config", str(tmp_path / "missing.toml"), "completion", "bash")
    assert run.code == 0 and "complete -o filenames -F _newsreader newsreader" in run.out


def test_an_unknown_shell_is_one_line_exit_2(cli: CLI) -> None:
    run = cli("completion", "tcsh")
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def test_search_loads_no_completion_man_page_or_serve_code(seed_library: Path) -> None:
    loaded = modules_loaded_by_search(seed_library)
    for module in (
        "newsreader.cli.completion",
        "newsreader.cli.manpage",
        "newsreader.cli.serve",
        "textual_serve",
        "aiohttp",
    ):
        assert module not in loaded
