"""Article text with terminal escapes and Rich markup is shown inert by the CLI."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow

HOSTILE = (
    "[bold red]Markup[/] title \x1b]0;pwned\x07\x1b[2J\n\n2024-05-06\n\n"
    "BERLIN: Body with [link=https://evil]click[/link] and \x1b[31mred\x1b[0m and "
    "\x1b]52;c;Y2xpcGJvYXJk\x07 clipboard [/] and :smile: emoji.\n"
)


def _assert_inert(out: str) -> None:
    assert "\x1b]" not in out  # no OSC (title, clipboard, hyperlink) from the article
    assert "\x07" not in out
    assert "[bold red]Markup[/]" in out  # markup shown literally
    assert "[link=https://evil]click[/link]" in out


def test_cli_output_is_inert_when_piped(cli: CLI, tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.txt").write_text(HOSTILE, "utf-8")
    show = cli("show", "evil", library=lib)
    assert show.code == 0, show.err
    _assert_inert(show.out)
    assert "\x1b" not in show.out
    listing = cli("list", library=lib)
    assert "[bold red]Markup[/] title" in listing.out and "\x1b" not in listing.out
    fault_row.cycles = 2
    fault_row.recovered = 2


def test_cli_output_is_inert_on_a_terminal(tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.txt").write_text(HOSTILE, "utf-8")
    main, child = pty.openpty()
    script = Path(sys.executable).with_name("newsreader")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "newsreader"]
    proc = subprocess.Popen([*argv, "--library", str(lib), "show", "evil"],
                            stdout=child, stderr=child, stdin=subprocess.DEVNULL,
                            env={**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"})
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, out
    # Rich styles the output (CSI colour codes are fine) but the article's own escapes are gone.
    _assert_inert(out)
    assert "\x1b[2J" not in out
    fault_row.cycles = 1
    fault_row.recovered = 1
