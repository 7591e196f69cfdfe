"""A phrase of a common word and a rarer one checks only the articles where the rarer word has
the common one beside it, and finds exactly what the position check alone finds."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.corpus import article
from newsreader.search import generations, neighbours
from newsreader.search.analysis import index_sequence
from newsreader.search.engine import Engine, Layers
from newsreader.search.index import open_generation
from newsreader.search.neighbours import MORE, NONE, common_ids, near_value, near_values
from newsreader.search.query import parse
from newsreader.search.query_model import Phrase, from_whoosh
from newsreader.search.word_pairs import read_common
from tests.search.conftest import Shelf, article_text
from tests.search.test_engine import _same, _whoosh_top, two_segments_changed


def test_a_words_value_names_its_common_neighbours_on_each_side() -> None:
    common = frozenset({"said", "that", "the"})
    ids = common_ids(common)
    text = (
        "Said council. Council said.\n\n"
        "The velkaro the.\n\n"
        "Said dunpri that dunpri.\n\n"
        "Zorblat mivex. Said\n\nkorvel the"
    )
    found = near_values(index_sequence(text)[1], common)
    assert found["council"] == near_value(ids["said"], ids["said"])
    assert found["velkaro"] == near_value(ids["the"], ids["the"])
    # Two different common words before it over the article: either may be asked for.
    assert found["dunpri"] == near_value(MORE, ids["that"])
    # No common word beside it, or only across a paragraph break: no posting at all.
    assert "zorblat" not in found
    assert found["korvel"] == near_value(NONE, ids["the"])  # the article's last word
    assert found["mivex"] == near_value(NONE, ids["said"])
    assert not set(found) & set(ids), "common words have pairs, not neighbours"


@pytest.fixture(autouse=True)
def neighbours_indexed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Libraries this small are built without the neighbours field (``NEAR_MIN``)."""
    monkeypatch.setattr(neighbours, "NEAR_MIN", 0)


@pytest.fixture
def placed(shelf: Callable[..., Shelf]) -> Shelf:
    """Generated articles (whose ``said``, ``the`` and ``that`` are common) and four that put
    ``velkaro`` beside them in known ways."""
    files = {f"g{i:02d}.txt": article(i) for i in range(36)}
    files |= {
        "said.txt": article_text("One", "Officials said velkaro would hold."),
        "after.txt": article_text("Two", "A velkaro said nothing, the mayor velkaro."),
        "apart.txt": article_text("Three", "Said the mayor. Velkaro came later."),
        "both.txt": article_text("Four", "That velkaro, then said velkaro again."),
    }
    s = shelf(files)
    current = generations.read_current(s.index_dir)
    assert current is not None and {"said", "the", "that"} <= read_common(current[1])
    assert "velkaro" not in read_common(current[1])
    return s


def test_phrases_beside_a_common_word_find_exactly_the_articles_that_have_them(
    placed: Shelf,
) -> None:
    assert sorted(placed.ids('"said velkaro"')) == ["both", "said"]
    assert placed.ids('"velkaro said"') == ["after"]
    assert sorted(placed.ids('"that velkaro"')) == ["both"]
    assert placed.ids('"the velkaro"') == []
    assert placed.ids('"velkaro came"') == ["apart"]  # no common word: positions only
    assert sorted(placed.ids('"said velkaro again"')) == ["both"]
    # An update writes the new article's neighbours too.
    placed.write("new.txt", article_text("Five", "Nobody said velkaro twice."))
    placed.update()
    assert sorted(placed.ids('"said velkaro"')) == ["both", "new", "said"]


def test_a_small_library_is_built_without_neighbours_and_answers_the_same(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(neighbours, "NEAR_MIN", 100)
    s = shelf({f"g{i:02d}.txt": article(i) for i in range(40)})
    current = generations.read_current(s.index_dir)
    assert current is not None and not neighbours.indexed(current[1])
    ix: Any = open_generation(current[1])
    with ix.searcher() as searcher:
        assert "near_body" not in searcher.schema
        engine = Engine(searcher)
        for text in _phrases(20, read_common(current[1]), seed=5, articles=40):
            q = parse(text).query
            assert _same(engine.top(q, 10).hits, _whoosh_top(searcher, q, 10)[0]), text


def _phrases(count: int, common: frozenset[str], seed: int, articles: int = 80) -> list[str]:
    """Phrases of a common word and a word beside it that is not, from the articles' text."""
    rng = random.Random(seed)
    found: list[str] = []
    while len(found) < count:
        words = [w.strip(".,;:“”\"'’").lower() for w in article(rng.randrange(articles)).split()]
        i = rng.randrange(len(words) - 1)
        pair = words[i : i + 2]
        if all(w.isalpha() for w in pair) and sum(w in common for w in pair) == 1:
            found.append(f'"{pair[0]} {pair[1]}"')
    return found


def test_the_candidates_checked_are_only_those_with_the_common_word_beside(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = two_segments_changed(shelf(), 80, monkeypatch)
    current = generations.read_current(s.index_dir)
    assert current is not None
    ix: Any = open_generation(current[1])
    with ix.searcher() as searcher:
        narrow, wide = Engine(searcher), Engine(searcher, Layers(neighbours=False))
        checked = {True: 0, False: 0}
        for text in _phrases(40, read_common(current[1]), seed=3):
            q = parse(text).query
            for limit in (1, 10, 200):
                expected, total = _whoosh_top(searcher, q, limit)
                for engine in (narrow, wide):
                    top = engine.top(q, limit)
                    assert _same(top.hits, expected), (text, limit, engine.layers)
                    assert top.estimated or top.total == total, (text, top.total, total)
            body = next(p for p in _body_phrases(from_whoosh(q)))
            for engine in (narrow, wide):
                checked[engine is narrow] += len(engine._phrase(body).scores)
        # The rarer word's articles without the common word beside it are not checked.
        assert checked[True] * 2 < checked[False], checked


def _body_phrases(node: Any) -> list[Phrase]:
    if isinstance(node, Phrase):
        return [node] if node.fieldname == "body" else []
    return [p for child in getattr(node, "subqueries", ()) for p in _body_phrases(child)]
