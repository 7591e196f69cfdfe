"""Hostile article files: whatever is in a library folder, scanning never crashes and every
skipped file has a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.library import Library
from tests.faults.conftest import FaultRow

_ENCODINGS = ["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]


def _contents() -> st.SearchStrategy[bytes]:
    text = st.text(max_size=3000).flatmap(
        lambda t: st.sampled_from(_ENCODINGS).map(lambda e: t.encode(e, "replace"))
    )
    huge_line = st.integers(1, 50).map(lambda n: b"x" * (n * 20_000))
    return st.one_of(
        st.binary(max_size=3000), text, huge_line, st.just(b"\xef\xbb\xbf"), st.just(b"\r\n\r\n")
    )


def _run_cases(tmp: Path, cases: list[bytes], row: FaultRow) -> None:
    lib = tmp / "lib"
    lib.mkdir()
    for i, data in enumerate(cases):
        # Spread over nested folders with odd names.
        folder = lib / f"d{i % 7}" / ("\u00e9t\u00e9" if i % 3 else "x y")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i}.{'md' if i % 2 else 'txt'}").write_bytes(data)
    row.cycles += len(cases)
    try:
        scan = Library((lib,), tmp / "catalog.sqlite3", max_bytes=200_000).scan()
        for summary in scan.articles:
            Library((lib,), None).load(summary)  # every listed article opens
    except Exception:
        row.crashes += 1
        raise
    row.recovered += sum(1 for s in scan.skipped if s.reason) + len(scan.articles)
    assert len(scan.articles) + len(scan.skipped) == len(cases)
    assert all(s.reason and "\n" not in s.reason for s in scan.skipped)
    assert all(a.title for a in scan.articles)


def test_random_article_files_never_crash(
    tmp_path_factory: pytest.TempPathFactory, fault_row: FaultRow, full_run: bool
) -> None:
    fault_row.note = "hypothesis batches of files"

    @settings(
        max_examples=120 if full_run else 8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(_contents(), min_size=10, max_size=40))
    def check(cases: list[bytes]) -> None:
        _run_cases(tmp_path_factory.mktemp("hostile"), cases, fault_row)

    check()
    assert fault_row.cycles >= (1000 if full_run else 8)


def test_special_files_and_deep_trees(tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    deep = lib
    for i in range(60):
        deep = deep / f"level{i}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("Deep title\n\nBody.\n")
    os.mkfifo(lib / "fifo.txt")
    os.symlink(lib / "a.txt", lib / "b.txt")
    os.symlink(lib / "b.txt", lib / "a.txt")  # a symlink loop between files
    os.symlink(lib, deep / "back-to-top")  # a folder loop
    os.symlink("/dev/zero", lib / "zero.txt")  # a device behind a link: must not block
    (lib / "big.txt").write_bytes(b"Big\n\n" + b"y" * 300_000)
    scan = Library((lib,), None, max_bytes=200_000).scan()
    reasons = sorted(s.reason for s in scan.skipped)
    fault_row.cycles = 6
    fault_row.note = "FIFO, symlink loops, link to /dev/zero, 60 folders deep, 300 kB file"
    fault_row.recovered = len(scan.skipped) + len(scan.articles)
    assert [a.title for a in scan.articles] == ["Deep title"]
    assert reasons == sorted(
        [
            "not a regular file",
            "symlink loop",
            "symlink loop",
            "not a regular file",
            "too large (300005 bytes; limit 200000)",
        ]
    )
