"""Files under the size cap that are huge in another way (many paragraphs, one endless line,
one word repeated millions of times) cost about what a long article costs, and are shown and
searched truncated, with a notice."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from newsreader.library import parse
from newsreader.library.parse import parse_file
from tests.cli.conftest import entry_point
from tests.faults.conftest import FaultRow

MIB = 1024 * 1024
RSS_LIMIT_MB = 150  # a 4 kB article's index or search process peaks at ~40 MB


def _measured(lib: Path, *args: str) -> tuple[int, str, float, float]:
    """(exit code, stdout, seconds, peak RSS in MB) of one whole CLI process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*entry_point(), "--library", str(lib), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out, time.perf_counter() - start, usage.ru_maxrss / 1024


def test_eight_mib_of_one_word(tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "bees.txt").write_text("Bees\n\n" + "b " * (4 * MIB - 4), "utf-8")
    code, index_out, index_s, index_mb = _measured(lib, "index")
    assert code == 0
    code, out, search_s, search_mb = _measured(lib, "search", "--json", "b")
    assert code == 0 and [h["id"] for h in json.loads(out)] == ["bees"]
    assert index_mb < RSS_LIMIT_MB and search_mb < RSS_LIMIT_MB, (index_mb, search_mb)
    assert "too long to index whole: bees" in index_out, index_out
    fault_row.cycles = 2
    fault_row.recovered = 2
    fault_row.note = (
        f"8 MiB of 'b b': index {index_s:.1f} s {index_mb:.0f} MB, "
        f"search b {search_s:.1f} s {search_mb:.0f} MB"
    )


def test_many_paragraphs_are_cut_with_a_notice(tmp_path: Path) -> None:
    MAX_PARAGRAPHS = parse.MAX_PARAGRAPHS
    lib = tmp_path / "lib"
    lib.mkdir()
    paragraphs = [f"para{n} text" for n in range(MAX_PARAGRAPHS + 3000)]
    paragraphs[-1] = "lastonly text"
    (lib / "many.txt").write_text("Many\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")
    article = parse_file(lib / "many.txt", "many")
    assert len(article.paragraphs) == MAX_PARAGRAPHS
    assert article.paragraphs[-1] == f"para{MAX_PARAGRAPHS - 1} text"
    assert article.truncated is not None and f"{MAX_PARAGRAPHS:,} paragraphs" in article.truncated
    code, out, _s, _mb = _measured(lib, "index")
    assert code == 0 and "too long to index whole: many" in out, out
    shown = json.loads(_measured(lib, "show", "--json", "many")[1])
    assert len(shown["paragraphs"]) == MAX_PARAGRAPHS and "2,000 paragraphs" in shown["truncated"]
    assert _measured(lib, "search", "--json", "para1999")[1].count('"id"') == 1
    assert _measured(lib, "search", "--json", "lastonly")[1].strip() == "[]"


def test_one_endless_line_becomes_paragraphs(tmp_path: Path) -> None:
    MAX_TEXT, MAX_PARAGRAPH = parse.MAX_TEXT, parse.MAX_PARAGRAPH
    words = [f"w{n % 5000}x" for n in range(MAX_TEXT // 3)]
    file = tmp_path / "line.txt"
    file.write_text("Line\n\n" + " ".join(words) + "\n", "utf-8")
    article = parse_file(file, "line")
    assert len(article.paragraphs) > 1
    assert all(len(p) <= MAX_PARAGRAPH for p in article.paragraphs)
    kept = " ".join(article.paragraphs).split()
    assert kept == words[: len(kept)]  # cut at spaces only
    assert sum(map(len, article.paragraphs)) > MAX_TEXT * 0.9
    assert sum(map(len, article.paragraphs)) <= MAX_TEXT
    assert article.truncated is not None and "characters" in article.truncated
    short = tmp_path / "short.txt"
    short.write_text("Short\n\nA normal body.\n", "utf-8")
    assert parse_file(short, "short").truncated is None


def test_the_reader_says_the_article_is_cut(tmp_path: Path) -> None:
    from newsreader.tui.page import LineKind, lay_out

    MAX_PARAGRAPHS = parse.MAX_PARAGRAPHS

    file = tmp_path / "many.txt"
    file.write_text("Many\n\n" + "\n\n".join(f"p{n}" for n in range(MAX_PARAGRAPHS + 5)), "utf-8")
    page = lay_out(parse_file(file, "many"), 80)
    tail = " ".join(line.text for line in page.lines[-6:] if line.kind is LineKind.META)
    assert "too long to show whole" in tail and f"{MAX_PARAGRAPHS:,} paragraphs" in tail


def test_an_article_of_made_up_words_indexes_a_bounded_vocabulary(tmp_path: Path) -> None:
    """Each new word costs a stem and a term written out: their number is capped."""
    from newsreader.search.analysis import MAX_TERMS, index_positions

    words = [f"zq{n}x" for n in range(30_000)]
    assert len(index_positions(" ".join(words))) == MAX_TERMS
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "made.txt").write_text("Made up\n\n" + " ".join(words) + "\n", "utf-8")
    assert _measured(lib, "index")[0] == 0
    assert _measured(lib, "search", "--json", "zq7x")[1].count('"id"') == 1  # an early word
    assert _measured(lib, "search", "--json", "zq29999x")[1].strip() == "[]"
