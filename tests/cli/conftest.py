"""Run the command line: in this process through ``cli.main(argv)`` (so coverage sees it), or
as the installed ``newsreader`` entry point in a subprocess, as scripts do."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class Run:
    """A finished CLI run."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def entry_point() -> list[str]:
    script = Path(sys.executable).with_name("newsreader")
    if script.exists():
        return [str(script)]
    found = shutil.which("newsreader")
    return [found] if found else [sys.executable, "-m", "newsreader"]


CLI = Callable[..., Run]


def subprocess_cli(cwd: Path) -> CLI:
    """``newsreader`` as a whole process: the entry point, exit codes, pipes and signals."""

    def run(
        *args: str, library: Path | None = None, stdin: str | None = None, timeout: float = 120
    ) -> Run:
        argv = [*entry_point()]
        if library is not None:
            argv += ["--library", str(library)]
        proc = subprocess.run(
            [*argv, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ},
            cwd=cwd,
            input=stdin,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CLI:
    """Call as ``cli("search", "x", library=path)``: ``main(argv)`` in this process, with
    stdout and stderr captured, stdin from ``stdin`` and the working directory ``tmp_path``;
    env follows the autouse XDG fixture. ``timeout`` is the subprocess fixture's; unused here."""
    from newsreader.cli import main

    monkeypatch.chdir(tmp_path)

    def run(
        *args: str, library: Path | None = None, stdin: str | None = None, timeout: float = 120
    ) -> Run:
        argv = [] if library is None else ["--library", str(library)]
        capsys.readouterr()  # what ran before this call is not its output
        with monkeypatch.context() as m:
            m.setattr(sys, "stdin", io.StringIO(stdin or ""))
            code = main([*argv, *args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


@pytest.fixture
def cli_process(tmp_path: Path) -> CLI:
    """The same calls as ``cli``, through the installed entry point in a subprocess."""
    return subprocess_cli(tmp_path)


def modules_loaded_by_search(library: Path) -> set[str]:
    """The modules a fresh process has loaded after one ``newsreader search`` on ``library``."""
    code = (
        "import sys; from newsreader.cli import main; code = main(['--library', sys.argv[1], "
        "'search', 'x']); print(' '.join(sys.modules)); raise SystemExit(code)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(library)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())
