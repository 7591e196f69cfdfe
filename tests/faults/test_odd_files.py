"""Folders and files no article library should have: very deep trees, kernel files behind
symlinks, files whose read gives nothing."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow


@pytest.fixture
def deep(tmp_path: Path) -> Iterator[Callable[[Path, int], Path]]:
    """Makes a folder N levels deep; removes it bottom up afterwards (``shutil.rmtree``, and
    so pytest's own clean-up, recurses once per level)."""
    made: list[Path] = []

    def make(top: Path, levels: int) -> Path:
        folder = top
        for _ in range(levels):  # one mkdir at a time: os.makedirs recurses per level
            folder = folder / "d"
            folder.mkdir()
            made.append(folder)
        return folder

    yield make
    for folder in reversed(made):
        for child in folder.iterdir():
            if not child.is_dir() or child.is_symlink():
                child.unlink()
        folder.rmdir()


def test_a_folder_1500_levels_deep(
    cli: CLI, tmp_path: Path, fault_row: FaultRow, deep: Callable[[Path, int], Path]
) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "top.txt").write_text("Top title\n\nThe top body.\n", "utf-8")
    (deep(lib, 1500) / "bottom.txt").write_text("Bottom title\n\nThe bottom body.\n", "utf-8")
    for args in (("index",), ("list",), ("search", "bottom")):
        run = cli(*args, library=lib)
        assert run.code == 0, (args, run.err)
        assert "Bottom title" in run.out or "2 articles" in run.out, run.out
    fault_row.cycles = 3
    fault_row.recovered = 3
    fault_row.note = "1,500 nested folders: index, list, search"


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="needs /proc")
def test_links_to_kernel_files_are_not_read(cli: CLI, tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "real.txt").write_text("Real title\n\nThe real body.\n", "utf-8")
    targets = {
        "environ.txt": "/proc/self/environ",
        "status.txt": "/proc/self/status",
        "kmsg.txt": "/proc/kmsg",
        "uevent.txt": "/sys/kernel/uevent_seqnum",
        "null.txt": "/dev/null",
    }
    for name, target in targets.items():
        (lib / name).symlink_to(target)
    (lib / "deeper").mkdir()
    (lib / "deeper" / "proc.md").symlink_to("/proc/self/cmdline")
    run = cli("index", library=lib)
    assert run.code == 0, run.err
    assert run.out.startswith("1 article: 1 added"), run.out
    for name in (*targets, "proc.md"):
        line = next(x for x in run.out.splitlines() if name in x)
        assert "skipped" in line, line
    listing = cli("list", library=lib)
    assert [x.split("[")[-1] for x in listing.out.splitlines()] == ["real]"]
    assert "NEWSREADER" not in cli("search", "xdg", library=lib).out  # no environment indexed
    fault_row.cycles = len(targets) + 1
    fault_row.recovered = len(targets) + 1
    fault_row.note = "symlinks to /proc/kmsg, /proc/self/environ, /sys, /dev/null"


def test_a_read_that_gives_nothing_is_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-blocking read of a character device with nothing to give returns None."""
    from newsreader.library.parse import ParseError, read_article_bytes

    file = tmp_path / "quiet.txt"
    file.write_text("Quiet\n\nBody.\n", "utf-8")

    class _Nothing:
        def __init__(self, fd: int, mode: str) -> None:
            os.close(fd)

        def __enter__(self) -> _Nothing:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self, size: int) -> None:
            return None

    monkeypatch.setattr(os, "fdopen", _Nothing)
    with pytest.raises(ParseError, match="nothing to read"):
        read_article_bytes(file)


def test_lines_that_made_the_parser_backtrack(
    cli: CLI, tmp_path: Path, fault_row: FaultRow
) -> None:
    """Two lines of a few hundred bytes each held `index` for minutes (on every run): a
    Markdown heading with a long run of spaces, and share-button noise with no spaces."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "heading.md").write_text("# A" + " " * 5000 + "b\n\nThe heading body.\n", "utf-8")
    (lib / "noise.txt").write_text("Noise\n\n" + "icon-" * 60 + "!\n\nThe noise body.\n", "utf-8")
    (lib / "share.txt").write_text(
        "Share\n\nicon-facebook icon-twitter\n\nThe share body.\n", "utf-8"
    )
    run = cli("index", library=lib, timeout=60)
    assert run.code == 0 and run.out.startswith("3 articles"), run.err
    shown = cli("show", "--json", "share", library=lib).json()
    assert shown["paragraphs"] == ["The share body."]  # the noise line still goes
    assert cli("show", "--json", "heading", library=lib).json()["title"].startswith("A ")
    fault_row.cycles = 2
    fault_row.recovered = 2
    fault_row.note = "a heading of 5,000 spaces, 60 x 'icon-' (minutes each before)"


def _run_briefly(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a process with a deadline: a read that blocks fails the test, not the run."""
    from tests.cli.conftest import entry_point

    return subprocess.run(
        [*entry_point(), *args],
        capture_output=True,
        text=True,
        timeout=20,
        env={**os.environ},
        cwd=tmp_path,
    )


def test_fifos_given_to_add_or_as_the_feeds_file_are_refused_at_once(
    tmp_path: Path, user_dirs: Path, fault_row: FaultRow
) -> None:
    os.mkfifo(tmp_path / "page.html")
    (tmp_path / "link.html").symlink_to(tmp_path / "page.html")
    for name in ("page.html", "link.html"):
        run = _run_briefly(tmp_path, "add", name)
        assert run.returncode == 2, run.stderr
        [line] = run.stderr.strip().splitlines()
        assert name in line and "not a regular file" in line, line
    data = user_dirs / "data" / "newsreader"
    data.mkdir(parents=True, exist_ok=True)
    os.mkfifo(data / "feeds.json")  # nothing will ever write to it
    for args in (("feeds", "list"), ("fetch",)):
        run = _run_briefly(tmp_path, *args)
        assert run.returncode == 2, (args, run.stderr)
        [line] = run.stderr.strip().splitlines()
        assert "feeds.json" in line and "not a regular file" in line, line
        assert "Traceback" not in run.stderr
    fault_row.cycles = fault_row.recovered = 4
    fault_row.note = "a FIFO given to add (also by symlink) or as feeds.json: exit 2 at once"
