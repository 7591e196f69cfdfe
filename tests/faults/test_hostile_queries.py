"""Hostile queries: random strings, unbalanced quotes and brackets, bare operators, field
syntax gone wrong and 10 kB inputs never raise, from the index, the reader's highlighter or
the CLI; each gets hits or a one-line message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.corpus import write_corpus
from newsreader.library import Article, Library
from newsreader.search import SearchIndex, find_matches
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow

SYNTAX = [
    '"',
    "“",
    "”",
    "'",
    "’",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "*",
    "?",
    "~",
    "~2",
    "^",
    "^3",
    "-",
    "+",
    "!",
    "\\",
    "/",
    "AND",
    "OR",
    "NOT",
    "ANDNOT",
    "ANDMAYBE",
    "and",
    "or",
    "not",
    "title:",
    "body:",
    "date:",
    "dateline:",
    "id:",
    "path:",
    "sig:",
    "date:[",
    " to ",
    " TO ",
    "2024",
    "2024-13",
    "2024-02-30",
    "-0001",
    "99999999",
    "0",
    "ceasefire",
    "talks",
    "al-",
    "Israel’s",
    "&&",
    "||",
    "\x00",
    "\x1b[2J",
    "\u200b",
    "\ufeff",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "🙂",
    "\t",
    "\n",
    " ",
    " ",
    "  ",
]


def _queries() -> st.SearchStrategy[str]:
    syntax = st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=25).map("".join)
    mixed = st.lists(
        st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), min_size=1, max_size=20
    ).map(" ".join)
    huge = st.tuples(
        st.one_of(syntax, st.text(min_size=1, max_size=12)), st.integers(2_000, 10_240)
    ).map(lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]])
    return st.one_of(st.text(max_size=80), syntax, mixed, huge)


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchIndex, Article]]:
    """A real index over 30 generated articles, and one article to highlight in."""
    work = tmp_path_factory.mktemp("queries")
    write_corpus(work / "lib", 30, seed=9)
    library = Library((work / "lib",), work / "catalog.sqlite3")
    scan = library.scan()
    index = SearchIndex(work / "index")
    index.update(scan, library)
    yield index, library.load(scan.articles[0])
    index.close()


def test_hostile_queries_never_raise(
    searched: tuple[SearchIndex, Article], fault_row: FaultRow, full_run: bool
) -> None:
    index, article = searched
    fault_row.note = "random text, syntax soup, up to 10 kB; index search + reader highlights"

    @settings(
        max_examples=1100 if full_run else 60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(_queries())
    def check(query: str) -> None:
        fault_row.cycles += 1
        try:
            result = index.search(query, limit=10)
            spans = find_matches(query, article)
        except Exception:
            fault_row.crashes += 1
            raise
        assert result.error is None or (result.error and "\n" not in result.error)
        for hit in result.hits:
            assert all(0 <= a <= b <= len(hit.snippet) for a, b in hit.snippet_spans)
            assert all(0 <= a <= b <= len(hit.title) for a, b in hit.title_spans)
        for span in spans:
            assert 0 <= span.start <= span.end <= len(article.paragraphs[span.paragraph])
        fault_row.recovered += 1

    check()
    assert fault_row.cycles >= (1000 if full_run else 60)
    assert fault_row.crashes == 0


CLI_QUERIES = [
    '"unbalanced',
    "((((((",
    "title:",
    "date:[2024 to",
    "AND",
    "OR OR NOT",
    "-",
    "*",
    "~",
    "date:2024-99",
    "\x1b]0;x\x07",
    "x" * 10_240,
]


def test_hostile_queries_from_the_cli(
    cli: CLI, seed_library: Path, fault_row: FaultRow, full_run: bool
) -> None:
    problems = []
    fault_row.note = "newsreader search: unbalanced, bare operators, bad dates, 10 kB"
    for query in CLI_QUERIES if full_run else CLI_QUERIES[::4]:
        run = cli("search", query, "--json", library=seed_library)
        fault_row.cycles += 1
        if run.code not in (0, 2):
            fault_row.crashes += 1
        # Hits (a JSON list), or a one-line message on bad input.
        if (run.code == 0 and isinstance(run.json(), list)) or (
            run.code == 2 and run.err.count("\n") == 1 and run.err.startswith("newsreader: ")
        ):
            fault_row.recovered += 1
        else:
            problems.append((query[:40], run.code, run.err[-500:]))
    assert not problems, problems
