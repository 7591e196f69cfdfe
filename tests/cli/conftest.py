"""Run the installed ``newsreader`` entry point as a subprocess, as scripts do."""

from __future__ import annotations

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


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    """Call as ``cli("search", "x", library=path)``; env follows the autouse XDG fixture."""

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
            cwd=tmp_path,
            input=stdin,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
