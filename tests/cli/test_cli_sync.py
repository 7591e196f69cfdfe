"""``newsreader sync``: the folder from config or --dir, one-line errors with exit 2, files in
the folder that cannot be used skipped with a notice, and ``--status``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import CLI


def backup(tmp_path: Path, note: str = "a note", edited: str | None = None) -> Path:
    """A backup file with one read article and one bookmark, to import as a local change."""
    stamp = "2026-01-02T03:04:05.000000+00:00"
    doc = {
        "format": "newsreader-backup",
        "version": 1,
        "articles": [
            {
                "id": "a1",
                "path": "/elsewhere/a1.txt",
                "content_hash": "hash1",
                "title": "One",
                "read": True,
                "progress": 40,
                "paragraph": 3,
                "offset": 0,
                "first_opened": stamp,
                "last_opened": stamp,
                "updated": stamp,
            }
        ],
        "bookmarks": [
            {
                "uuid": "11111111-2222-3333-4444-555555555555",
                "article_id": "a1",
                "article_title": "One",
                "quote": "a passage",
                "prefix": "",
                "suffix": "",
                "paragraph": 1,
                "start": 0,
                "end": 9,
                "note": note,
                "created": stamp,
                "updated": edited or stamp,
                "orphaned": False,
            }
        ],
    }
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sync"], "no sync folder: set sync_dir in config.toml or pass --dir DIR"),
        (["sync", "--json"], "--json goes with --status"),
        (["sync", "--dir", "{file}"], "is not a folder"),
        (["sync", "--dir", "{missing}/deeper"], "its parent folder does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: CLI, tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "file").write_text("x")
    args = [a.format(file=tmp_path / "file", missing=tmp_path / "missing") for a in args]
    run = cli(*args)
    assert run.code == 2
    assert message in run.err and len(run.err.strip().splitlines()) == 1
    assert "Traceback" not in run.err


def test_a_bad_sync_dir_in_config_is_one_line_and_exit_2(cli: CLI, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("sync_dir = 3\n")
    run = cli("--config", str(cfg), "sync")
    assert run.code == 2 and "'sync_dir' must be a string" in run.err


def test_status_before_any_sync_says_so(cli: CLI) -> None:
    run = cli("sync", "--status")
    assert run.code == 0 and "has not synced yet" in run.out
    status = cli("sync", "--status", "--json").json()
    assert status["device"] is None and status["devices"] == []


def test_sync_from_config_then_status(cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    cfg = tmp_path / "c.toml"
    cfg.write_text('sync_dir = "Sync"\n')  # relative to the config file's folder
    assert cli("--config", str(cfg), "import", str(backup(tmp_path))).code == 0
    run = cli("--config", str(cfg), "sync")
    assert run.code == 0, run.err
    assert "0 changes in from 0 files, 4 out" in run.err  # read, position, opened, bookmark
    status = cli("--config", str(cfg), "sync", "--status", "--json").json()
    (device,) = status["devices"]
    assert device["this"] and device["changes"] == 4 and status["unexported"] == 0
    assert status["sync_dir"] == str(folder)
    assert [p.name for p in (folder / status["device"]).iterdir()] == ["0000000001.jsonl"]
    # an import after sync was set up is recorded as it happens: only what it changed
    later = backup(tmp_path, "edited", edited="2026-02-01T00:00:00.000000+00:00")
    assert cli("--config", str(cfg), "import", str(later)).code == 0
    status = cli("--config", str(cfg), "sync", "--status", "--json").json()
    assert status["unexported"] == 1


def test_files_that_cannot_be_used_are_skipped_with_a_notice(cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    (folder / "notes.txt").write_text("not ours")
    (folder / "0123456789abcdef").mkdir()
    (folder / "0123456789abcdef" / "0000000001.jsonl").write_bytes(b'{"format": "newsr')
    (folder / ".stfolder").mkdir()  # the sync tool's own: ignored silently
    run = cli("sync", "--dir", str(folder))
    assert run.code == 0, run.err
    assert "skipped notes.txt: not a device folder of newsreader; will retry" in run.err
    assert "skipped 0123456789abcdef/0000000001.jsonl: incomplete" in run.err
    assert ".stfolder" not in run.err
    status = cli("sync", "--dir", str(folder), "--status")
    assert "0123456789abcdef/0000000001.jsonl: incomplete" in status.out
    (folder / "notes.txt").unlink()
    cli("sync", "--dir", str(folder))
    assert "notes.txt" not in cli("sync", "--status").out  # gone from the folder, forgotten


def test_status_with_no_changes_anywhere_says_none_yet(cli: CLI, tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    folder.mkdir()
    assert cli("sync", "--dir", str(folder)).code == 0
    lines = cli("sync", "--dir", str(folder), "--status").out.splitlines()
    at = lines.index("devices:")
    assert lines[at + 1].strip() == "(none with changes yet)"
