"""newsreader(1): written from the parser, shipped as man/newsreader.1, rendered by man."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from newsreader.cli.manpage import manpage
from tests.conftest import REPO

PAGE = REPO / "man" / "newsreader.1"


def test_the_shipped_page_is_the_parsers() -> None:
    assert PAGE.read_text(encoding="utf-8") == manpage(), (
        "man/newsreader.1 is out of date: python -m newsreader.cli.manpage > man/newsreader.1"
    )


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff not installed")
def test_groff_reads_it_without_a_warning() -> None:
    run = subprocess.run(
        ["groff", "-man", "-ww", "-z", str(PAGE)], capture_output=True, text=True, timeout=30
    )
    assert run.returncode == 0 and run.stderr == ""


@pytest.mark.skipif(shutil.which("man") is None, reason="man not installed")
def test_man_renders_every_command_and_option() -> None:
    run = subprocess.run(
        ["man", "-l", str(PAGE)],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "MANWIDTH": "100", "MANPAGER": "cat", "PAGER": "cat"},
    )
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert "newsreader - read, search and bookmark news articles in the terminal" in text
    for shown in (
        "--config PATH",
        "-V, --version",
        "newsreader search [-h] [--limit N] [--json] [--as-typed] query [query ...]",
        "feeds remove",
        "newsreader stories [-h] [--json]",
        "newsreader related [-h] [--limit N] [--json] id",
        "newsreader serve [-h] [--host HOST] [--port PORT]",
        "newsreader completion [-h] {bash,zsh,fish}",
        "EXIT STATUS",
    ):
        assert shown in text, shown
