"""How people type is how they find: apostrophes, hyphens, accents, stems, phrases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from newsreader.library import parse_file
from newsreader.search import find_matches
from tests.conftest import SEED
from tests.search.conftest import Shelf, article_text

SEED_ID = SEED.stem


def _seed_shelf(shelf: Callable[..., Shelf]) -> Shelf:
    return shelf({SEED.name: SEED.read_text(encoding="utf-8")})


def test_straight_apostrophe_finds_curly_and_bare_word_finds_possessive(
    shelf: Callable[..., Shelf],
) -> None:
    s = _seed_shelf(shelf)
    for query in ("Israel's", "Israel’s", "israel", "ISRAEL", "Netanyahu's office"):
        assert s.ids(query) == [SEED_ID], query
    hit = s.index.search("Israel's").hits[0]
    assert "Israel’s" in [hit.title[a:b] for a, b in hit.title_spans]


def test_hyphenated_name_found_whole_and_by_its_part(shelf: Callable[..., Shelf]) -> None:
    s = _seed_shelf(shelf)
    whole = s.index.search("al-Qanou")
    part = s.index.search("Qanou")
    assert [h.id for h in whole.hits] == [SEED_ID]
    assert [h.id for h in part.hits] == [SEED_ID]
    art = parse_file(SEED, SEED_ID)
    marked = {art.paragraphs[m.paragraph][m.start : m.end] for m in find_matches("Qanou", art)}
    assert marked == {"Qanou"}  # only the part inside "al-Qanou", plus the bare "Qanou"
    marked_whole = {
        art.paragraphs[m.paragraph][m.start : m.end] for m in find_matches("al-qanou", art)
    }
    assert marked_whole == {"al-Qanou", "Al-Qanou"}


def test_hyphen_spellings_meet(shelf: Callable[..., Shelf]) -> None:
    s = shelf(
        {
            "a.txt": article_text("Truce news", "The cease-fire held overnight."),
            "b.txt": article_text("Other news", "A ceasefire was agreed on Monday."),
        }
    )
    assert sorted(s.ids("ceasefire")) == ["a", "b"]
    assert sorted(s.ids("cease-fire")) == ["a", "b"]
    assert s.ids("fire") == ["a"]


def test_stemming_joins_inflections(shelf: Callable[..., Shelf]) -> None:
    s = shelf(
        {
            "a.txt": article_text("Budget", "Officials are estimating the cost of negotiations."),
            "b.txt": article_text("Weather", "Rain fell on the hills."),
        }
    )
    for query in ("estimate", "estimated", "negotiation", "negotiate", "Estimating"):
        assert s.ids(query) == ["a"], query


def test_accents_fold(shelf: Callable[..., Shelf]) -> None:
    s = shelf({"a.txt": article_text("Café society", "A naïve résumé from São Paulo.")})
    for query in ("cafe", "CAFÉ", "naive", "resume", "sao paulo"):
        assert s.ids(query) == ["a"], query


def test_phrase_matches_words_in_order_only(shelf: Callable[..., Shelf]) -> None:
    s = _seed_shelf(shelf)
    assert s.ids('"permanent ceasefire"') == [SEED_ID]
    assert s.ids('"ceasefire permanent"') == []
    assert s.ids('"Israel’s order to begin evacuating"') == [SEED_ID]
    assert s.ids('"qanou told"') == [SEED_ID]  # a phrase may start inside a compound


def test_phrase_does_not_cross_paragraphs(shelf: Callable[..., Shelf]) -> None:
    s = shelf({"a.txt": article_text("T", "The talks ended", "Tuesday came")})
    assert s.ids('"ended tuesday"') == []
    assert s.ids('"talks ended"') == ["a"]


def test_find_matches_marks_each_match_in_reading_order(tmp_path: Path) -> None:
    art = parse_file(SEED, SEED_ID)
    matches = find_matches("ceasefire", art)
    assert len(matches) == 4
    assert list(matches) == sorted(matches, key=lambda m: (m.paragraph, m.start))
    assert all(art.paragraphs[m.paragraph][m.start : m.end].lower() == "ceasefire" for m in matches)
    phrase = find_matches('"permanent ceasefire"', art)
    assert [art.paragraphs[m.paragraph][m.start : m.end] for m in phrase] == [
        "permanent ceasefire",
        "permanent ceasefire",
    ]
    assert find_matches("hamas -ceasefire", art)  # excluded words are not marked...
    assert not any(
        art.paragraphs[m.paragraph][m.start : m.end].lower() == "ceasefire"
        for m in find_matches("hamas -ceasefire", art)
    )
    assert find_matches('"unbalanced', art) == ()  # ...and bad syntax never raises
