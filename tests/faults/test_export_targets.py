"""Writing a file replaces only a regular file, goes through symlinks, and never lands on the
state file: ``export``, the theme in config.toml, feeds.json."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from newsreader.context import build_context
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow, save_some_state


def _one_line_refusal(run_err: str, *words: str) -> None:
    assert len(run_err.splitlines()) == 1, run_err
    assert "Traceback" not in run_err
    for word in words:
        assert word in run_err, run_err


def test_export_never_replaces_what_is_not_a_regular_file(
    cli: CLI, tmp_path: Path, seed_library: Path, fault_row: FaultRow
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-fifo.json"
    to_fifo.symlink_to(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    cases = {fifo: "a FIFO", to_fifo: "a FIFO", folder: "a folder"}
    if os.geteuid() == 0:  # a device node of our own (the same device as /dev/null)
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        cases[device] = "a character device"
    for target, kind in cases.items():
        run = cli("export", str(target), library=seed_library, timeout=30)
        assert run.code == 2, (target, run.err)
        _one_line_refusal(run.err, kind, "only replaces regular files")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert to_fifo.is_symlink() and os.readlink(to_fifo) == str(fifo)
    if os.geteuid() == 0:
        assert stat.S_ISCHR(os.lstat(tmp_path / "null").st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    fault_row.cycles = len(cases)
    fault_row.recovered = len(cases)
    fault_row.note = "export onto a FIFO, a link to one, a folder" + (
        ", a device node" if os.geteuid() == 0 else ""
    )


def test_export_writes_through_a_symlink(cli: CLI, tmp_path: Path, seed_library: Path) -> None:
    real = tmp_path / "backups" / "real.json"
    real.parent.mkdir()
    real.write_text("old", "utf-8")
    os.chmod(real, 0o600)
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    run = cli("export", str(link), library=seed_library)
    assert run.code == 0, run.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert json.loads(real.read_text("utf-8"))["format"] == "newsreader-backup"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600  # its permissions kept
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "backups" / "new.json")
    assert cli("export", str(dangling), library=seed_library).code == 0
    assert dangling.is_symlink() and (tmp_path / "backups" / "new.json").is_file()


def test_export_to_stdout(cli: CLI, tmp_path: Path, seed_library: Path) -> None:
    run = cli("export", "-", library=seed_library)
    assert run.code == 0, run.err
    assert json.loads(run.out)["format"] == "newsreader-backup"
    assert not (tmp_path / "-").exists()
    (tmp_path / "b.json").write_text(run.out, "utf-8")
    assert cli("import", str(tmp_path / "b.json"), library=seed_library).code == 0


def test_export_refuses_the_state_file_and_its_snapshots(
    cli: CLI, tmp_path: Path, seed_library: Path, fault_row: FaultRow
) -> None:
    ctx = build_context([seed_library])
    saved = save_some_state(ctx)
    state = ctx.paths.state_file
    before = state.read_bytes()
    snapshot = next(ctx.paths.snapshot_dir.glob("state-*.sqlite3"))
    link = tmp_path / "state-link.json"
    link.symlink_to(state)
    targets = [
        state,
        link,
        snapshot,
        ctx.paths.snapshot_dir / "new.json",
        Path(os.path.relpath(state, tmp_path)),
    ]  # relative to the CLI's cwd
    for target in targets:
        run = cli("export", str(target), library=seed_library)
        assert run.code == 2, (target, run.err)
        _one_line_refusal(run.err, "export to a file of your own")
    assert state.read_bytes()[:16] == b"SQLite format 3\x00" and len(state.read_bytes()) >= len(
        before[:4096]
    )
    marks = cli("bookmarks", "--json", library=seed_library)
    assert "damaged" not in marks.err, marks.err
    assert {b["note"] for b in marks.json()} == saved.notes
    fault_row.cycles = len(targets)
    fault_row.recovered = len(targets)
    fault_row.note = "export onto the state file (also by symlink, relative) and snapshots"


def test_a_restore_says_what_was_lost_and_where_the_file_went(
    cli: CLI, tmp_path: Path, seed_library: Path
) -> None:
    """What an old export onto the state file did: the next run restores a snapshot; it says
    from when, what it holds, and where the replaced file is, and that one can import it."""
    from newsreader.state import StateStore

    ctx = build_context([seed_library])
    saved = save_some_state(ctx)
    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    summary = ctx.library.scan().articles[0]
    store.add_bookmark(ctx.library.load(summary), 0, note="after the snapshot")
    store.close()
    backup = cli("export", "-", library=seed_library).out
    ctx.paths.state_file.write_text(backup, "utf-8")
    for extra in ("-wal", "-shm"):
        Path(f"{ctx.paths.state_file}{extra}").unlink(missing_ok=True)
    run = cli("list", library=seed_library)
    assert run.code == 0, run.err
    assert "restored the snapshot from" in run.err
    assert "(1 article read, 1 bookmark)" in run.err  # the snapshot has not the second one
    assert "minute" in run.err and "are not in it" in run.err
    assert len(cli("bookmarks", "--json", library=seed_library).json()) == 1
    aside = next(ctx.paths.data_dir.glob("state.sqlite3.corrupt-*"))
    assert str(aside) in run.err
    assert f"'newsreader import {aside}'" in run.err
    assert cli("import", str(aside), library=seed_library).code == 0
    marks = cli("bookmarks", "--json", library=seed_library).json()
    assert {b["note"] for b in marks} == {*saved.notes, "after the snapshot"}


def test_theme_saved_through_a_symlinked_config(tmp_path: Path) -> None:
    from newsreader.config import save_theme

    real = tmp_path / "dotfiles" / "config.toml"
    real.parent.mkdir()
    real.write_text("# mine\n[keys]\n", "utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    save_theme(link, "nord")
    assert link.is_symlink()
    assert real.read_text("utf-8") == 'theme = "nord"\n# mine\n[keys]\n'
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="a FIFO"):
        save_theme(fifo, "nord")  # refused at once, not a read that waits for a writer
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_feeds_file_saved_through_a_symlink(tmp_path: Path) -> None:
    from newsreader.feeds import add_subscription, load_subscriptions

    real = tmp_path / "sync" / "feeds.json"
    real.parent.mkdir()
    link = tmp_path / "feeds.json"
    link.symlink_to(real)
    assert add_subscription(link, "http://127.0.0.1:9/feed.xml", "A feed")
    assert link.is_symlink() and real.is_file()
    assert [f.url for f in load_subscriptions(link)] == ["http://127.0.0.1:9/feed.xml"]
