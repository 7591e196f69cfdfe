"""Query syntax: operators, fields, prefixes, fuzzy words, dates, and input that is not syntax."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.search.query import date_bounds, parse
from tests.search.conftest import Shelf, article_text

FILES = {
    "gaza.txt": article_text(
        "Truce talks in Cairo", "Negotiators discussed a truce for Gaza.", day="Mon May 06 2024"
    ),
    "rafah.txt": article_text(
        "Rafah evacuation", "Families left Rafah before the truck convoy.", day="Fri Jan 12 2024"
    ),
    "kyiv.txt": article_text(
        "Winter in Kyiv", "Power cuts hit Kyiv as talks stalled in Gaza.", day="Tue Nov 14 2023"
    ),
}


@pytest.fixture
def s(shelf: Callable[..., Shelf]) -> Shelf:
    return shelf(FILES)


def test_plain_words_must_all_match(s: Shelf) -> None:
    assert sorted(s.ids("talks")) == ["gaza", "kyiv"]
    assert s.ids("talks kyiv") == ["kyiv"]


def test_not_minus_and_or(s: Shelf) -> None:
    assert s.ids("talks -kyiv") == ["gaza"]
    assert s.ids("talks NOT kyiv") == ["gaza"]
    assert sorted(s.ids("rafah OR kyiv")) == ["kyiv", "rafah"]


def test_title_field(s: Shelf) -> None:
    assert sorted(s.ids("gaza")) == ["gaza", "kyiv"]
    assert s.ids("title:kyiv") == ["kyiv"]
    assert s.ids("title:gaza") == []


def test_prefix_and_fuzzy(s: Shelf) -> None:
    assert sorted(s.ids("truc*")) == ["gaza", "rafah"]  # truce, truck
    assert s.ids("negotiaters~") == ["gaza"]
    result = s.index.search("evacuaton~")
    assert [h.id for h in result.hits] == ["rafah"]
    assert result.hits[0].title_spans  # the fuzzy match is highlighted in the title


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date:2024", ["gaza", "rafah"]),
        ("date:2024-05", ["gaza"]),
        ("date:2024-05-06", ["gaza"]),
        ("date:[2023-11 to 2024-01]", ["kyiv", "rafah"]),
        ("date:[2024-02 to]", ["gaza"]),
        ("talks date:2023", ["kyiv"]),
    ],
)
def test_dates(s: Shelf, query: str, expected: list[str]) -> None:
    assert sorted(s.ids(query)) == expected


def test_bad_date_is_a_message_not_a_crash(s: Shelf) -> None:
    result = s.index.search("talks date:yesterday")
    assert result.error and "date" in result.error


def test_date_bounds() -> None:
    assert date_bounds("2024-02") == (20240201, 20240229)
    assert date_bounds("2023-02") == (20230201, 20230228)
    assert date_bounds("2024-13") is None
    assert date_bounds("[2024-06 to 2024-01]") == (20240101, 20240630)


def test_no_all_word_match_falls_back_to_any_word(s: Shelf) -> None:
    result = s.index.search("kyiv zanzibar")
    assert result.fallback_any
    assert [h.id for h in result.hits] == ["kyiv"]
    strict = s.index.search("kyiv talks")
    assert not strict.fallback_any


def test_did_you_mean_from_the_index_vocabulary(s: Shelf) -> None:
    result = s.index.search("negotiaters")
    assert result.suggestion == "negotiators"
    assert s.index.search("evacution rafah").suggestion == "evacuation rafah"
    assert s.index.search("talks").suggestion is None


def test_did_you_mean_skips_deleted_articles_for_the_spelling(
    shelf: Callable[..., Shelf],
) -> None:
    # The correction's spelling is read from an article that has the word; the first one in
    # the index was deleted (Whoosh keeps its postings until a merge): the next one is used.
    s = shelf(
        {
            "a.txt": article_text("Old", "Negotiating went on."),
            "b.txt": article_text("New", "The negotiators' draft was read by negotiators."),
            "c.txt": article_text("More", "Negotiators again, and negotiators."),
        }
    )
    (s.root / "a.txt").unlink()
    s.update()
    result = s.index.search("negotiaters")
    assert result.suggestion == "negotiators" and result.corrected
    assert sorted(h.id for h in result.hits) == ["b", "c"]  # the suggestion's, not the deleted
    assert s.index.search("negotiaters", correct=False).hits == ()


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "((talks",
        "talks))",
        "AND",
        "OR",
        "NOT",
        "-",
        "*",
        "~",
        "title:",
        "date:",
        "date:[",
        "\x00\x1b[31mtalks",
        "talks " * 2000,
        "x" * 10_000,
        '""',
        "^2",
        "title:(",
        "[a TO b]",
        "\u202e talks",
        "tal\u0301ks",
    ],
)
def test_bad_syntax_never_raises(s: Shelf, query: str) -> None:
    result = s.index.search(query)
    assert result.error is None or "\n" not in result.error


def test_unbalanced_quote_searches_the_words(s: Shelf) -> None:
    result = s.index.search('"truce talks')
    assert [h.id for h in result.hits] == ["gaza"]
    assert result.error and "unmatched" in result.error


def test_long_query_is_cut_with_a_note(s: Shelf) -> None:
    result = s.index.search("talks " * 2000)
    assert result.error and "too long" in result.error
    assert sorted(h.id for h in result.hits) == ["gaza", "kyiv"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"ab \"()-*~?:^[]{}\\/'’“”NOTAND OR title:date:2024-", "\x00", "\u0301", "é", "\n"]
        ),
        max_size=40,
    )
)
def test_parse_never_raises(query: str) -> None:
    parsed = parse(query)
    assert parsed.error is None or "\n" not in parsed.error


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=60))
def test_search_never_raises(s: Shelf, query: str) -> None:
    result = s.index.search(query)
    for hit in result.hits:
        for a, b in hit.snippet_spans:
            assert 0 <= a < b <= len(hit.snippet)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("date:0000", "not a date: '0000'"),  # searched "date 0000" and found every article
        ("talks date:0000", "not a date"),
        ("date:2024-02-30", "not a date"),
        ("title:", "title: needs a word"),  # searched the word "title"
        ("title: talks", "title: needs a word"),
        ("-talks", "only excludes"),  # searched "talks"
        ("NOT talks -gaza", "only excludes"),
    ],
)
def test_a_query_that_cannot_be_searched_says_why(s: Shelf, query: str, reason: str) -> None:
    result = s.index.search(query)
    assert result.hits == () and result.error is not None and reason in result.error
