"""The CLI contract that scripts depend on: outputs, exit codes, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader import __version__
from tests.cli.conftest import CLI, entry_point

SEED_ID = "000_ccd60dcd14a62a27"


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_version(cli_process: CLI) -> None:
    run = cli_process("--version")  # the installed entry point runs
    assert run.code == 0 and __version__ in run.out


def test_paths_lists_every_location(cli: CLI, user_dirs: Path, seed_library: Path) -> None:
    run = cli("paths", library=seed_library)
    assert run.code == 0
    assert f"library:      {seed_library}" in run.out
    assert str(user_dirs / "data" / "newsreader" / "state.sqlite3") in run.out
    assert str(user_dirs / "cache" / "newsreader" / "index") in run.out
    assert str(user_dirs / "config" / "newsreader" / "config.toml") in run.out


def test_default_library_is_the_bundled_seeds(cli: CLI) -> None:
    run = cli("list", "--json")
    assert run.code == 0, run.err
    rows = run.json()
    assert [r["id"] for r in rows] == [SEED_ID]


def test_show_json_plain_and_unknown(cli: CLI, seed_library: Path) -> None:
    data = cli("show", SEED_ID, "--json", library=seed_library).json()
    assert data["title"].startswith("Hamas to Continue Truce Talks")
    assert data["date"] == "2024-05-06" and data["dateline"] == "GAZA"
    assert len(data["paragraphs"]) == 8
    assert data["path"] == str(seed_library / f"{SEED_ID}.txt")

    plain = cli("show", SEED_ID, library=seed_library)
    assert plain.code == 0
    assert "\x1b[" not in plain.out  # piped: no colour
    assert plain.out.splitlines()[0] == data["title"]
    assert data["paragraphs"][7] in plain.out

    bad = cli("show", "no-such-id", library=seed_library)
    assert bad.code == 2
    _one_line_error(bad.err)


def test_list_json_fields(cli: CLI, seed_library: Path) -> None:
    from newsreader.library.parse import content_hash

    rows = cli("list", "--json", library=seed_library).json()
    own = content_hash((seed_library / f"{SEED_ID}.txt").read_bytes())
    assert rows == [
        {
            "id": SEED_ID,
            "title": "Hamas to Continue Truce Talks Despite Israel’s Rafah Evacuation Orders",
            "path": str(seed_library / f"{SEED_ID}.txt"),
            "date": "2024-05-06",
            "read": False,
            "progress": 0,
            "starred": False,
            "tags": [],
            "source_tags": [],
            "story": own,  # told once: its own story
        }
    ]
    assert cli("list", "--json", "--unread", library=seed_library).json() == rows


@pytest.mark.parametrize(
    "args",
    [
        ["--library", "/definitely/not/here", "list"],
        ["search"],
        ["search", "x", "--limit", "0"],
        ["no-such-command"],
        ["show"],
    ],
)
def test_bad_input_exits_2_with_one_line(cli_process: CLI, args: list[str]) -> None:
    run = cli_process(*args)  # the process's exit code, not only main's return value
    assert run.code == 2
    _one_line_error(run.err)


def test_bad_config_exits_2(cli: CLI, user_dirs: Path) -> None:
    cfg = user_dirs / "config" / "newsreader" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("library = [")
    run = cli("list")
    assert run.code == 2
    _one_line_error(run.err)
    assert "config" in run.err


def test_library_from_env_and_config(
    cli: CLI, seed_library: Path, user_dirs: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWSREADER_LIBRARY", str(seed_library))
    assert "NEWSREADER_LIBRARY" in cli("paths").out
    monkeypatch.delenv("NEWSREADER_LIBRARY")
    cfg = user_dirs / "config" / "newsreader" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'library = ["{seed_library}"]\n')
    run = cli("paths")
    assert f"library:      {seed_library}" in run.out and "config" in run.out


def test_skipped_files_are_reported_by_index(cli: CLI, seed_library: Path) -> None:
    (seed_library / "empty.txt").write_bytes(b"")
    (seed_library / "junk.txt").write_bytes(b"\x00\xff\x00")
    run = cli("index", library=seed_library)
    assert run.code == 0, run.err
    assert "1 article: 1 added" in run.out
    assert "empty.txt: empty file" in run.out
    assert "junk.txt: binary file" in run.out
    again = cli("index", library=seed_library)
    assert "0 added, 0 updated, 0 removed" in again.out


def test_python_dash_m_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "newsreader", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"newsreader {__version__}"


def test_piped_list_and_search_keep_one_record_per_line(
    cli_process: CLI, seed_library: Path
) -> None:
    listing = cli_process("list", library=seed_library)  # stdout a real pipe
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(f"[{SEED_ID}]")
    assert "Israel’s Rafah Evacuation Orders" in lines[0]


def test_search_tells_a_person_how_many_matched_but_not_a_pipe(
    cli: CLI,
    seed_library: Path,
    tmp_path: Path,
) -> None:
    import os
    import pty
    import subprocess

    piped = cli("search", "gaza", library=seed_library)
    assert piped.code == 0 and "match" not in piped.err
    # stderr on a terminal (stdout still piped): one dim line with the count.
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            [*entry_point(), "--library", str(seed_library), "search", "gaza"],
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
            timeout=120,
            env={**os.environ},
            cwd=tmp_path,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    assert proc.returncode == 0
    assert "1 article matches" in b"".join(chunks).decode()


@pytest.mark.parametrize("command", [["index"], ["search", "museum"]])
def test_another_installed_whoosh_is_one_line_and_exit_2(
    cli: CLI, seed_library: Path, other_whoosh: str, command: list[str]
) -> None:
    run = cli(*command, library=seed_library)
    assert run.code == 2, run
    assert run.err.count("\n") == 1 and "Traceback" not in run.err, run.err
    assert "whoosh-reloaded==2.7.5" in run.err and other_whoosh in run.err
    assert "pip install" in run.err
