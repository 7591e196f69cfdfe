"""File names are bytes: control characters and undecodable bytes reach no terminal, break no
index, and the ids printed for them can be typed back."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import CLI, entry_point
from tests.faults.conftest import FaultRow

OSC52 = b"evil\x1b]52;c;cHduZWQ=\x07"
HOSTILE_NAMES = {
    OSC52 + b".txt": b"Clipboard title\n\nThe clipboard body.\n",
    b"new\nline.txt": b"Newline title\n\nThe newline body.\n",
    b"caf\xe9.txt": b"Cafe title\n\nThe latin body.\n",  # Latin-1: not UTF-8
    b"bidi\xe2\x80\xaeevil.txt": b"Bidi title\n\nThe bidi body.\n",  # U+202E
}


def _library(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    lib.mkdir()
    raw = os.fsencode(lib)
    for name, body in HOSTILE_NAMES.items():
        with open(raw + b"/" + name, "wb") as fh:
            fh.write(body)
    return lib


def _run(*args: str, lib: Path) -> subprocess.CompletedProcess[bytes]:
    """The CLI with a strict UTF-8 stdout, its output as raw bytes."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    return subprocess.run(
        [*entry_point(), "--library", str(lib), *args],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


def _assert_inert(data: bytes) -> str:
    text = data.decode("utf-8")  # strict: no undecodable byte from a name
    assert "\x1b]" not in text and "\x07" not in text and "\u202e" not in text
    return text


def test_hostile_names_are_inert_and_their_ids_work(tmp_path: Path, fault_row: FaultRow) -> None:
    lib = _library(tmp_path)
    index = _run("index", lib=lib)
    assert index.returncode == 0, index.stderr
    _assert_inert(index.stdout + index.stderr)
    assert b"4 articles: 4 added" in index.stdout

    listing = _run("list", lib=lib)
    assert listing.returncode == 0, listing.stderr
    lines = _assert_inert(listing.stdout).splitlines()
    assert len(lines) == 4, lines  # a newline in a name does not split its line
    assert any("[caf\\xe9]" in line for line in lines)

    as_json = _run("list", "--json", lib=lib)
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(_assert_inert(as_json.stdout))
    assert sorted(r["title"] for r in rows) == [
        "Bidi title",
        "Cafe title",
        "Clipboard title",
        "Newline title",
    ]
    for row in rows:  # every id as printed is one `show` finds
        shown = _run("show", row["id"], lib=lib)
        assert shown.returncode == 0, (row["id"], shown.stderr)
        assert row["title"].encode() in shown.stdout
        assert "\\x" in row["path"] or "\\u" in row["path"]

    for query in ("body", "latin", "clipboard"):
        found = _run("search", query, lib=lib)
        assert found.returncode == 0, found.stderr
        _assert_inert(found.stdout + found.stderr)
    hits = json.loads(_assert_inert(_run("search", "--json", "body", lib=lib).stdout))
    assert len(hits) == 4
    assert {h["id"] for h in hits} == {r["id"] for r in rows}
    fault_row.cycles = 4
    fault_row.recovered = 4
    fault_row.note = "OSC 52, newline, Latin-1 and U+202E names: index, list, search, show"


def test_bookmarks_and_state_of_a_non_utf8_name(tmp_path: Path, cli: CLI) -> None:
    """The state file's keys and the backup hold the printable id, not the raw bytes."""
    from newsreader.context import build_context
    from newsreader.state import StateStore

    lib = _library(tmp_path)
    ctx = build_context([lib])
    scan = ctx.library.scan()
    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    try:
        for summary in scan.articles:
            store.mark_opened(summary)
            store.add_bookmark(ctx.library.load(summary), 0, note="kept")
    finally:
        store.close()
    assert store.notices == []
    marks = _run("bookmarks", lib=lib)
    assert marks.returncode == 0, marks.stderr
    assert "`caf\\xe9`" in _assert_inert(marks.stdout)
    as_json = json.loads(_assert_inert(_run("bookmarks", "--json", lib=lib).stdout))
    assert len(as_json) == 4 and not any(b["orphaned"] for b in as_json)
    backup = tmp_path / "backup.json"
    assert cli("export", str(backup)).code == 0
    assert cli("import", str(backup)).err.endswith("8 unchanged\n")
    listing = _run("list", "--unread", lib=lib)
    assert listing.stdout == b""  # all four were marked read under their printable ids


def test_imported_bookmark_ids_are_inert(cli: CLI, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    backup = {
        "format": "newsreader-backup",
        "version": 1,
        "exported": "2024-05-06T10:00:00Z",
        "articles": [],
        "bookmarks": [
            {
                "uuid": "u1",
                "article_id": "x\x1b]52;c;cHduZWQ=\x07\nfake line",
                "article_title": "T",
                "quote": "q",
                "prefix": "",
                "suffix": "",
                "paragraph": 0,
                "start": 0,
                "end": 1,
                "note": "",
                "created": "2024-05-06T10:00:00Z",
                "updated": "2024-05-06T10:00:00Z",
                "orphaned": False,
            }
        ],
    }
    file = tmp_path / "b.json"
    file.write_text(json.dumps(backup), "utf-8")
    assert cli("import", str(file), library=lib).code == 0
    for args in (("bookmarks",), ("bookmarks", "--json")):
        run = cli(*args, library=lib)
        assert run.code == 0, run.err
        assert "\x1b" not in run.out and "\x07" not in run.out
    assert "x\\x1b]52;c;cHduZWQ=\\x07\\x0afake line" in cli("bookmarks", library=lib).out


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("progress", 9223372036854775807, "'progress' is too large"),
        ("paragraph", 2**64, "'paragraph' is too large"),
        ("title", "\ud800", "'title' is not valid text"),
    ],
)
def test_import_out_of_range_is_bad_input(
    cli: CLI, tmp_path: Path, field: str, value: object, reason: str
) -> None:
    article = {
        "id": "a",
        "path": "/x/a.txt",
        "content_hash": "h",
        "title": "A",
        "read": True,
        "progress": 10,
        "paragraph": 0,
        "offset": 0,
        "first_opened": None,
        "last_opened": None,
        "updated": "2024-05-06T10:00:00Z",
        field: value,
    }
    file = tmp_path / "b.json"
    file.write_text(
        json.dumps(
            {"format": "newsreader-backup", "version": 1, "articles": [article], "bookmarks": []}
        ),
        "utf-8",
    )
    run = cli("import", str(file))
    assert run.code == 2, run.err
    assert reason in run.err and len(run.err.splitlines()) == 1


def test_import_accepts_a_bom(cli: CLI, tmp_path: Path) -> None:
    file = tmp_path / "b.json"
    file.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(
            {"format": "newsreader-backup", "version": 1, "articles": [], "bookmarks": []}
        ).encode()
    )
    run = cli("import", str(file))
    assert run.code == 0, run.err


def test_import_of_an_endless_file_stops(cli: CLI) -> None:
    run = cli("import", "/dev/zero", timeout=60)
    assert run.code == 2 and "over 256 MiB" in run.err, run.err


def test_an_unknown_id_is_quoted_printable(cli: CLI, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    run = cli("show", "x\x1b]52;c;cHduZWQ=\x07", library=lib)
    assert run.code == 2 and "\x1b" not in run.err and "x\\x1b]52" in run.err, run.err
