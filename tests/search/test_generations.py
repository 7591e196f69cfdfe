"""Old index generations leave the disk once no process reads them, and not before."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsreader.search import SearchIndex
from newsreader.search.generations import read_current
from tests.conftest import REPO
from tests.search.conftest import Shelf, article_text

FILES = {
    f"g{i:02d}.txt": article_text(
        f"Story {i}", f"Shared words and token{i} here.", "A second paragraph about herons."
    )
    for i in range(12)
}

# A reader in another process: each line on stdin is a query, each answer one JSON line.
READER = """
import json, sys
from pathlib import Path
from newsreader.search import SearchIndex
index = SearchIndex(Path(sys.argv[1]))
for line in sys.stdin:
    result = index.search(line.strip())
    print(json.dumps({"ids": sorted(h.id for h in result.hits), "error": result.error}),
          flush=True)
"""


class Reader:
    def __init__(self, index_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(READER), str(index_dir)],
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def search(self, query: str) -> list[str]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(query + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        assert answer["error"] is None, answer
        ids: list[str] = answer["ids"]
        return ids

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def reader_of() -> Iterator[Callable[[Path], Reader]]:
    started: list[Reader] = []

    def start(index_dir: Path) -> Reader:
        started.append(Reader(index_dir))
        return started[-1]

    yield start
    for r in started:
        r.kill()


def _live(s: Shelf) -> Path:
    current = read_current(s.index_dir)
    assert current is not None
    return current[1]


def _generations(s: Shelf) -> list[str]:
    return sorted(p.name for p in s.index_dir.iterdir() if p.name.startswith("gen-"))


def test_rebuild_with_no_reader_leaves_one_generation(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    assert s.ids("token3") == ["g03"]  # this process has had the old one open too
    for _ in range(2):
        s.update(rebuild=True)
        assert _generations(s) == [_live(s).name]
        assert s.ids("token3") == ["g03"]
    s.index.close()
    assert _generations(s) == [_live(s).name]


def test_old_generation_lives_while_another_process_reads_it(
    shelf: Callable[..., Shelf], reader_of: Callable[[Path], Reader]
) -> None:
    s = shelf(FILES)
    old = _live(s)
    reader = reader_of(s.index_dir)
    assert reader.search("token3") == ["g03"]

    during: list[list[str]] = []

    def search_meanwhile(done: int, total: int) -> None:
        if done in (1, total // 2, total):  # the new generation is being written
            during.append(reader.search("token4 herons"))

    s.update(rebuild=True, progress=search_meanwhile)
    assert during == [["g04"]] * 3
    new = _live(s)
    assert new != old
    assert old.is_dir()  # the other process still has it open
    assert _generations(s) == sorted([old.name, new.name])

    # Its next search moves it to the new generation and lets go of the old: deleted.
    assert reader.search("token5") == ["g05"]
    assert not old.exists()
    assert _generations(s) == [new.name]
    assert s.ids("token5") == ["g05"]


def test_reader_killed_outright_pins_nothing(
    shelf: Callable[..., Shelf], reader_of: Callable[[Path], Reader]
) -> None:
    s = shelf(FILES)
    old = _live(s)
    reader = reader_of(s.index_dir)
    assert reader.search("token3") == ["g03"]
    s.update(rebuild=True)
    assert old.is_dir()
    reader.kill()
    assert reader.proc.returncode == -signal.SIGKILL

    # The next open anywhere (a new process's first search) deletes it.
    fresh = SearchIndex(s.index_dir)
    try:
        assert [h.id for h in fresh.search("token3").hits] == ["g03"]
    finally:
        fresh.close()
    assert not old.exists()
    assert _generations(s) == [_live(s).name]


def test_killed_build_leaves_nothing_behind(shelf: Callable[..., Shelf]) -> None:
    s = shelf(FILES)
    live = _live(s)

    def die(done: int, total: int) -> None:
        if done == total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        s.update(rebuild=True, progress=die)
    assert _generations(s) == [live.name]
    assert s.ids("token3") == ["g03"]
