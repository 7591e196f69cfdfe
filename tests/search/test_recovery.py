"""The index is a cache that heals: damage, stale locks, killed builds, busy writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.search import IndexReport, SearchIndex
from newsreader.search.generations import WHOOSH_VERSION, read_current
from tests.conftest import REPO
from tests.search.conftest import Shelf, article_text

FILES = {
    f"s{i:02d}.txt": article_text(
        f"Story {i}", f"Shared words and token{i} here.", "A second paragraph about herons."
    )
    for i in range(12)
}


def _generation(s: Shelf) -> Path:
    current = read_current(s.index_dir)
    assert current is not None
    return current[1]


def _segment_files(s: Shelf) -> list[Path]:
    files = sorted(_generation(s).glob("*.seg"))
    assert files, list(_generation(s).iterdir())
    return files


def _fresh_answers(s: Shelf) -> tuple[IndexReport, list[str]]:
    """A new SearchIndex, as a new process would make: update, then search."""
    s.index.close()
    s.index = SearchIndex(s.index_dir)
    report = s.update()
    return report, sorted(s.ids("token3 herons"))


@pytest.mark.parametrize("damage", ["truncate", "delete", "garble", "delete_toc", "empty_toc"])
def test_damaged_index_is_rebuilt_with_a_notice(shelf: Callable[..., Shelf], damage: str) -> None:
    s = shelf(FILES)
    seg = _segment_files(s)[0]
    if damage == "truncate":
        with open(seg, "r+b") as fh:
            fh.truncate(seg.stat().st_size // 2)
    elif damage == "delete":
        seg.unlink()
    elif damage == "garble":
        data = bytearray(seg.read_bytes())
        for i in range(0, len(data), 7):
            data[i] = (data[i] * 31 + 17) % 256
        seg.write_bytes(bytes(data))
    elif damage == "delete_toc":
        for toc in _generation(s).glob("*.toc"):
            toc.unlink()
    else:
        for toc in _generation(s).glob("*.toc"):
            toc.write_bytes(b"")
    report, found = _fresh_answers(s)
    assert found == ["s03"]
    assert report.rebuilt and report.notice and "rebuilt" in report.notice
    assert "\n" not in report.notice


def test_damage_found_while_searching_heals_in_place(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    assert s.ids("token3") == ["s03"]
    s.index.close()
    for seg in _segment_files(s):
        seg.write_bytes(b"\0" * 64)
    assert s.ids("token3") == ["s03"]  # failed read -> rebuilt from the last scan -> answered


def test_wrong_schema_version_rebuilds(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    current = s.index_dir / "CURRENT"
    data = json.loads(current.read_text())
    current.write_text(json.dumps({**data, "schema": 0}))
    report, found = _fresh_answers(s)
    assert found == ["s03"]
    assert report.rebuilt and "format" in (report.notice or "")


@pytest.mark.parametrize("recorded", ["2.7.4", "3.0.0", None])
def test_generation_written_by_another_whoosh_rebuilds(
    shelf: Callable[..., Shelf], recorded: str | None
) -> None:
    """An upgraded (or downgraded) Whoosh may read the old files differently: rebuilt."""
    s = shelf(FILES)
    current = s.index_dir / "CURRENT"
    data = json.loads(current.read_text())
    assert data["whoosh"] == WHOOSH_VERSION
    old_generation = _generation(s)
    data.pop("whoosh")
    current.write_text(json.dumps(data if recorded is None else {**data, "whoosh": recorded}))
    report, found = _fresh_answers(s)
    assert found == ["s03"]
    assert report.rebuilt and "format" in (report.notice or "")
    assert _generation(s) != old_generation
    assert json.loads(current.read_text())["whoosh"] == WHOOSH_VERSION


def test_another_installed_whoosh_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import whoosh

    from newsreader.search import whoosh_read

    monkeypatch.setattr(whoosh, "__version__", (2, 7, 9))
    with pytest.raises(whoosh_read.WhooshVersionError, match=r"whoosh-reloaded==2\.7\.5.*2\.7\.9"):
        whoosh_read.check_whoosh_version()


def test_missing_current_pointer_rebuilds(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    (s.index_dir / "CURRENT").unlink()
    report, found = _fresh_answers(s)
    assert found == ["s03"] and report.rebuilt


def test_stale_lock_files_do_not_block(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    (s.index_dir / "write.lock").write_text("12345")
    (_generation(s) / "MAIN_WRITELOCK").write_text("")
    s.write("new.txt", article_text("New", "A spoonbill."))
    t = time.perf_counter()
    report = s.update()
    assert time.perf_counter() - t < 2
    assert report.added == 1 and s.ids("spoonbill") == ["new"]


def _run(code: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(30)
"""


def test_busy_writer_elsewhere_searches_last_snapshot(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    holder = _run(HOLD_LOCK, str(s.index_dir / "write.lock"))
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        s.write("new.txt", article_text("New", "A spoonbill."))
        t = time.perf_counter()
        report = s.update()
        assert time.perf_counter() - t < 5  # waits briefly, never hangs
        assert report.notice and "another newsreader" in report.notice
        assert s.ids("token3") == ["s03"]  # the last complete index answers
    finally:
        holder.kill()
        holder.wait()
    assert s.update().added == 1


KILL_MIDWAY = """
import os, signal, sys
from pathlib import Path
from newsreader.library import Library
from newsreader.search import SearchIndex
root, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
lib = Library((root,), root.parent / "kill-catalog.sqlite3")
scan = lib.scan()
def progress(done, total):
    if done == total // 2:
        os.kill(os.getpid(), signal.SIGKILL)
SearchIndex(index_dir).update(scan, lib, rebuild=True, progress=progress)
"""


@pytest.mark.parametrize("had_index", [True, False])
def test_build_killed_halfway(shelf: Callable[..., Shelf], tmp_path: Path, had_index: bool) -> None:
    s = shelf(FILES) if had_index else shelf({})
    if not had_index:
        for name, text in FILES.items():
            s.write(name, text)
    proc = _run(KILL_MIDWAY, str(s.root), str(s.index_dir))
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    if had_index:
        fresh = SearchIndex(s.index_dir)  # no update: searches the last good snapshot
        assert [h.id for h in fresh.search("token3").hits] == ["s03"]
        fresh.close()
    _report, found = _fresh_answers(s)
    assert found == ["s03"]
    gens = [p for p in s.index_dir.iterdir() if p.name.startswith("gen-")]
    assert len(gens) <= 2  # the killed build's folder is cleaned up
