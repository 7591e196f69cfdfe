"""``newsreader serve`` as a whole process on 127.0.0.1, with a small library of two articles."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli.conftest import cli, entry_point  # noqa: F401  (in-process CLI calls)
from tests.conftest import SEED

ORKNEY = """Lighthouse keepers return to Orkney

Tue Jun 04 2024

KIRKWALL: The lighthouse keepers of Orkney came back to the islands this spring, counting \
puffins along the cliffs.

They said the puffins were fewer than last year.
"""


@dataclass
class Served:
    """A running server: its address, the token it printed (if any), what it printed."""

    proc: subprocess.Popen[str]
    url: str
    token: str | None
    lines: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def two_articles(tmp_path: Path) -> Path:
    lib = tmp_path / "library"
    lib.mkdir()
    shutil.copy(SEED, lib / SEED.name)
    (lib / "orkney.txt").write_text(ORKNEY, encoding="utf-8")
    return lib


@pytest.fixture
def serve(two_articles: Path, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Call ``serve("--host", "0.0.0.0")``: starts the server and waits for its announcement;
    every server started is stopped (SIGTERM) and must exit 0."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        port = free_port()
        proc = subprocess.Popen(
            [*entry_point(), "--library", str(two_articles), "serve", "--port", str(port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ},
            cwd=tmp_path,
        )
        served = Served(proc, f"http://127.0.0.1:{port}", None)
        started.append(served)
        ready = threading.Event()

        def read() -> None:  # keeps the pipe drained for the server's request log
            assert proc.stdout is not None
            for line in proc.stdout:
                served.lines.append(line)
                if "token:" in line:
                    served.token = line.rsplit(" ", 1)[1].strip()
                if "serving on" in line:  # printed after the token, once the port is bound
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(60), "the server did not start"
        assert proc.poll() is None, "".join(served.lines)
        return served

    yield start
    for served in started:
        served.proc.terminate()
        try:
            code = served.proc.wait(20)
        except subprocess.TimeoutExpired:
            served.proc.kill()
            raise
        assert code == 0, "".join(served.lines)


def wait_until(
    check: Callable[[], bool],
    seconds: float = 20,
    step: Callable[[], None] = lambda: time.sleep(0.05),
) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        step()
    return check()
