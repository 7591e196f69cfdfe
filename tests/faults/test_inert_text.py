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
    fault_row.note = "show and list, piped"


def test_cli_output_is_inert_on_a_terminal(tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.txt").write_text(HOSTILE, "utf-8")
    main, child = pty.openpty()
    script = Path(sys.executable).with_name("newsreader")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "newsreader"]
    proc = subprocess.Popen(
        [*argv, "--library", str(lib), "show", "evil"],
        stdout=child,
        stderr=child,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm-256color"},
    )
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
    fault_row.note = "show on a terminal (pty)"


def test_imported_backup_text_is_inert(cli: CLI, tmp_path: Path, fault_row: FaultRow) -> None:
    """A backup file is untrusted too: its titles, quotes and notes reach the screen."""
    import json

    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.txt").write_text(HOSTILE, "utf-8")
    evil = "[bold]x[/] \x1b]0;pwned\x07\x1b[2J\x1b[31m\u202e"
    stamp = "2024-05-06T10:00:00+00:00"
    backup = {
        "format": "newsreader-backup",
        "version": 1,
        "exported": stamp,
        "articles": [
            {
                "id": "evil",
                "path": str(lib / "evil.txt"),
                "content_hash": "x",
                "title": f"title {evil}",
                "read": True,
                "progress": 5,
                "paragraph": 0,
                "offset": 0,
                "first_opened": stamp,
                "last_opened": stamp,
                "updated": stamp,
            }
        ],
        "bookmarks": [
            {
                "uuid": "u1",
                "article_id": "evil",
                "article_title": f"title {evil}",
                "quote": f"quote {evil}",
                "prefix": evil,
                "suffix": evil,
                "paragraph": 0,
                "start": 0,
                "end": 5,
                "note": f"note {evil}",
                "created": stamp,
                "updated": stamp,
                "orphaned": False,
            }
        ],
    }
    (tmp_path / "backup.json").write_text(json.dumps(backup), "utf-8")
    imported = cli("import", str(tmp_path / "backup.json"), library=lib)
    assert imported.code == 0, imported.err
    shown = cli("bookmarks", library=lib)
    assert shown.code == 0, shown.err
    assert "note [bold]x[/]" in shown.out  # markup shown literally
    assert not any(c in shown.out for c in "\x1b\x07\u202e"), repr(shown.out)
    fault_row.cycles = fault_row.recovered = 1
    fault_row.note = "titles, quotes and notes from an imported backup"
