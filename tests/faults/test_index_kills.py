"""SIGKILL during a full index build (one or two processes) and during an incremental update:
afterwards a fresh SearchIndex answers from the last complete index, and one update later
the index is current again (repaired or rebuilt on its own) and every search is right."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.corpus import write_corpus
from newsreader.library import Library
from newsreader.search import SearchIndex
from tests.faults.conftest import FaultRow

CHILD = Path(__file__).with_name("index_child.py")
KINDS = ("build", "build2", "update")


def _letters(n: int) -> str:
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if n == 0:
            return out


@dataclass
class Shelf:
    """The library on disk and the words added to it (word -> file name), and gone from it."""

    root: Path
    index_dir: Path
    catalog: Path
    present: dict[str, str] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    extra: dict[str, str] = field(default_factory=dict)
    """Corpus file -> the word its added closing paragraph holds."""

    def write_marker(self, name: str, word: str) -> None:
        text = (
            f"Marker story {word}\n\nMon May 06 2024\n\nGENEVA: The {word} report was "
            f"filed today.\n\nA second paragraph mentions {word} again.\n"
        )
        (self.root / name).write_text(text, "utf-8")
        self.present[word] = name

    def mutate(self, cycle: int, rng: random.Random) -> None:
        """Add two marker articles, give six corpus articles a new closing paragraph, rewrite
        one older marker article and delete another."""
        older = [w for w, name in self.present.items() if name.startswith("m")]
        for k in range(2):
            self.write_marker(f"m{cycle:04d}{k}.txt", f"zq{_letters(cycle * 2 + k)}x")
        for k, path in enumerate(rng.sample(sorted(self.root.glob("a*.txt")), 6)):
            word = f"zu{_letters(cycle * 6 + k)}x"
            old = self.extra.get(path.name)
            if old is not None:
                self.present.pop(old)
                self.gone.add(old)
            base = path.read_text("utf-8").split("\n\nLate addition:")[0].rstrip("\n")
            path.write_text(f"{base}\n\nLate addition: the {word} was noted.\n", "utf-8")
            self.extra[path.name] = word
            self.present[word] = path.name
        if len(older) >= 2:
            changed, deleted = rng.sample(older, 2)
            name = self.present.pop(changed)
            self.gone.add(changed)
            self.write_marker(name, f"zr{_letters(cycle)}x")
            (self.root / self.present.pop(deleted)).unlink()
            self.gone.add(deleted)

    def run_child(self, kind: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                str(CHILD),
                str(self.root),
                str(self.index_dir),
                str(self.catalog),
                kind,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its forked index workers share its process group
        )

    def check(self, rng: random.Random) -> tuple[bool, bool]:
        """(answered from the last complete index at once, right after one update)."""
        index = SearchIndex(self.index_dir)
        try:
            before = _names(index, "quokkabridge") == ["known.txt"]
            library = Library((self.root,), self.catalog)
            index.update(library.scan(), library)
            right = _names(index, "quokkabridge") == ["known.txt"]
            words = list(self.present)
            for word in rng.sample(words, min(6, len(words))) + words[-3:]:
                right &= _names(index, word) == [self.present[word]]
            for word in rng.sample(sorted(self.gone), min(4, len(self.gone))):
                right &= _names(index, word) == []
            return before, right
        finally:
            index.close()


def _names(index: SearchIndex, word: str) -> list[str]:
    result = index.search(word)
    return [h.path.name for h in result.hits]


def _timed_run(shelf: Shelf, kind: str) -> float:
    """Run ``kind`` to the end; seconds from ``start`` to ``done``."""
    proc = shelf.run_child(kind)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "start"
    started = time.perf_counter()
    done = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and done.startswith("done"), err
    return elapsed


def test_sigkill_during_index_build_and_update(
    tmp_path: Path, fault_row: FaultRow, full_run: bool
) -> None:
    rng = random.Random(8)
    shelf = Shelf(tmp_path / "lib", tmp_path / "index", tmp_path / "catalog.sqlite3")
    corpus = 120 if full_run else 40
    write_corpus(shelf.root, corpus, seed=3)
    (shelf.root / "known.txt").write_text(
        "Known story\n\nMon May 06 2024\n\nBERN: The quokkabridge was opened.\n", "utf-8"
    )
    durations = {"build": _timed_run(shelf, "build"), "build2": _timed_run(shelf, "build2")}
    shelf.mutate(9999, rng)  # an update with work to do
    durations["update"] = _timed_run(shelf, "update")
    cycles = 200 if full_run else 3
    midway = 0
    errors: list[str] = []
    for cycle in range(cycles):
        kind = KINDS[cycle % 3]
        if kind == "update":
            shelf.mutate(cycle, rng)
        proc = shelf.run_child(kind)
        assert proc.stdout is not None
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0.0, 0.4))  # during start-up and the scan
        elif proc.stdout.readline().strip() == "start":
            time.sleep(rng.uniform(0.0, durations[kind] * 1.2))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        fault_row.cycles += 1
        if proc.returncode != -signal.SIGKILL and "done" not in out:
            fault_row.crashes += 1  # died on its own
            errors.append(err[-1500:])
        midway += "done" not in out
        try:
            before, right = shelf.check(rng)
        except Exception as exc:  # the suite counts what a user would see as a crash
            fault_row.crashes += 1
            errors.append(f"cycle {cycle}: {exc!r}")
            before = right = False
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # orphaned workers of a killed build
        fault_row.corrupt += not (before and right)
        fault_row.recovered += before and right
        if not (before and right):
            errors.append(
                f"cycle {cycle} ({kind}): last index answered={before}, after update={right}"
            )
    fault_row.note = (
        f"{midway} killed mid-update; corpus {corpus} articles; build "
        f"{durations['build']:.2f}s, 2 procs {durations['build2']:.2f}s, "
        f"update {durations['update']:.2f}s"
    )
    assert not errors, errors[:5]
    assert fault_row.recovered == cycles
    assert midway > 0
