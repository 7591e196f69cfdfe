"""The bulk engine ranks exactly as Whoosh's own matchers would, over several segments, with
deleted documents, for every query shape people type."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from benchmarks.corpus import article
from newsreader.search import generations
from newsreader.search.engine import Engine
from newsreader.search.index import open_generation
from newsreader.search.query import parse
from tests.search.conftest import Shelf

QUERIES = (
    "said",
    "gaza",
    "the",
    "Israel’s",
    "al-Qanou",
    "qanou",
    "gaza ceasefire",
    "said that",
    "with were",
    '"said that"',
    '"the council"',
    '"hostage-prisoner deal"',
    "gaza -hamas",
    "gaza ANDNOT hamas",
    "title:gaza OR peace",
    "evacu*",
    "ceasfire~",
    "date:2023 gaza",
    '"said that" gaza',
    'gaza OR "said that"',
    "nosuchwordanywhere",
    '"said nosuchword"',
    '"said that the"',
    '"that the"',
    '"of the"',
    '"the the"',
    '"title:the the"',
    '"the of" gaza',
    '"said that" OR "of the"',
    '"that said" -gaza',
)
PAIRED = ('"said that"', '"that the"', '"of the"', '"the the"')
"""Phrases of two common words in the test library: answered from pair postings."""


def _whoosh_top(searcher: Any, q: Any, limit: int) -> tuple[list[tuple[int, float]], int]:
    # Unlimited: Whoosh's block-quality skipping with a limit drops real top hits (seen at
    # 1k and 10k articles), so the exhaustive ranking is the reference.
    results = searcher.search(q, limit=None)
    return list(results.items())[:limit], len(results)


def _same(ours: list[tuple[int, float]], theirs: list[tuple[int, float]]) -> bool:
    return len(ours) == len(theirs) and all(
        a[0] == b[0] and math.isclose(a[1], b[1], rel_tol=1e-9)
        for a, b in zip(ours, theirs, strict=True)
    )


@pytest.fixture
def big_shelf(shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch) -> Shelf:
    """80 generated articles in two segments (a 2-process build), then one changed and one
    deleted article (deletions in a segment, a small new segment)."""
    return two_segments_changed(shelf(), 80, monkeypatch)


def two_segments_changed(s: Shelf, count: int, monkeypatch: pytest.MonkeyPatch) -> Shelf:
    """``count`` generated articles built by two processes (two segments), then a005 changed
    (``said`` gone from it) and a007 deleted: deletions in a segment and a small new one."""
    from newsreader.search import build

    monkeypatch.setattr(build, "PARALLEL_MIN", 10)
    for i in range(count):
        s.write(f"a{i:03d}.txt", article(i))
    s.update(rebuild=True, procs=2)
    s.write("a005.txt", article(5).replace("said", "reported"))
    (s.root / "a007.txt").unlink()
    s.update()
    return s


def test_engine_matches_whoosh_on_every_query_shape(big_shelf: Shelf) -> None:
    current = generations.read_current(big_shelf.index_dir)
    assert current is not None
    ix: Any = open_generation(current[1])  # Whoosh's own API below, beyond the adapter's
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) >= 2 and searcher.reader().has_deletions()
        engine = Engine(searcher)
        for text in QUERIES:
            q = parse(text).query
            for limit in (1, 10, 200):
                top = engine.top(q, limit)
                expected, total = _whoosh_top(searcher, q, limit)
                assert _same(top.hits, expected), (text, limit, top.hits[:3], expected[:3])
                if not top.estimated:
                    assert top.total == total, (text, top.total, total)
        # ANDNOT is a set difference, also for a segment's first candidate (Whoosh's own
        # AndNotMatcher kept it: ``matchers.ExactAndNot``).
        gaza = set(searcher.docs_for_query(parse("gaza").query))
        hamas = set(searcher.docs_for_query(parse("hamas").query))
        q = parse("gaza ANDNOT hamas").query
        expected = _whoosh_top(searcher, q, 10_000)[0]
        assert not {d for d, _s in expected} & hamas
        top = engine.top(q, 200)
        assert top.total == len(gaza - hamas) == len(expected)
        assert _same(top.hits, expected[:200])
        # A second engine answers from its cache the same way.
        for text in QUERIES[:6]:
            q = parse(text).query
            assert _same(engine.top(q, 10).hits, _whoosh_top(searcher, q, 10)[0])


def test_common_word_phrases_come_from_pairs_also_after_updates(big_shelf: Shelf) -> None:
    from newsreader.search.word_pairs import read_common

    current = generations.read_current(big_shelf.index_dir)
    assert current is not None
    assert {"said", "that", "the", "of"} <= read_common(current[1])
    ix: Any = open_generation(current[1])
    with ix.searcher() as searcher:
        # The article changed after the build is in a segment of its own, written by an
        # update with the generation's stored common words.
        newest = searcher.leaf_searchers()[-1][0].reader()
        assert newest.doc_count() == 1 and any(True for _ in newest.lexicon("pairs_body"))
        engine = Engine(searcher)
        for text in PAIRED:
            phrase = parse(text).query.subqueries[1]
            assert engine.terms.paired("body", phrase.words), text
            assert engine.top(parse(text).query, 10).total > 0


def test_phrase_total_is_exact_or_marked_estimated(big_shelf: Shelf) -> None:
    result = big_shelf.index.search('"said that"', limit=5)
    counted = big_shelf.index.search('"said that"', limit=1000)
    assert len(counted.hits) == counted.total or counted.total_estimated
    assert result.total == counted.total
    assert result.hits
    for hit in result.hits:
        marked = {
            " ".join(re.findall(r"\w+", hit.snippet[a:b].lower())) for a, b in hit.snippet_spans
        }
        assert "said that" in marked, (hit.id, marked)


def test_deleted_article_is_never_found(big_shelf: Shelf) -> None:
    assert "a007" not in big_shelf.ids("said", limit=200)
    assert "a005" in big_shelf.ids("reported", limit=200)


def test_cache_is_bounded_and_packed_terms_rank_the_same(
    big_shelf: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.search import terms

    monkeypatch.setattr(terms, "CACHE_BYTES", 300 * terms.SCORE_BYTES)
    monkeypatch.setattr(terms, "PACKED_BYTES", 2000 * terms.PACKED_POSTING_BYTES)
    current = generations.read_current(big_shelf.index_dir)
    assert current is not None
    ix = open_generation(current[1])
    with ix.searcher() as searcher:
        engine = Engine(searcher)
        cache = engine.terms  # its budgets, which are internal
        packed_hits = 0
        for _round in range(2):
            for text in QUERIES:
                q = parse(text).query
                before = cache._packed_bytes
                top = engine.top(q, 10)
                packed_hits += cache._packed_bytes < before
                assert _same(top.hits, _whoosh_top(searcher, q, 10)[0]), text
                assert cache._cached <= terms.CACHE_BYTES or len(cache._cache) == 1
                assert cache._packed_bytes <= terms.PACKED_BYTES
                packed = sum(len(i) for i, _s in cache._packed.values())
                assert cache._packed_bytes == packed * terms.PACKED_POSTING_BYTES
        assert packed_hits > 5  # terms came back from their arrays


def test_phrase_words_read_only_in_blocks_of_the_rarest_word(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.codec.whoosh3 import W3Codec

    from newsreader.search import build, phrase_candidates
    from newsreader.search import whoosh_blocks as postings

    monkeypatch.setattr(W3Codec.__init__, "__defaults__", (4, 3, 1))  # blocks of 4 postings
    monkeypatch.setattr(build, "PARALLEL_MIN", 10)
    s = shelf()
    for i in range(60):
        s.write(f"a{i:03d}.txt", article(i))
    s.write("rare.txt", article(60).replace(" the ", " the zyxquux said ", 2))
    s.update(rebuild=True, procs=2)
    (s.root / "a031.txt").unlink()
    s.update()
    decoded = 0
    blocks = postings._blocks

    def counted(*args: Any) -> Any:
        nonlocal decoded
        for block in blocks(*args):
            decoded += 1
            yield block

    monkeypatch.setattr(postings, "_blocks", counted)
    phrases = [q for q in QUERIES if '"' in q] + [
        '"gaza said"',
        '"the hostage"',
        '"of gaza"',
        '"the zyxquux"',
        '"zyxquux said the"',
    ]
    current = generations.read_current(s.index_dir)
    assert current is not None
    ix = open_generation(current[1])
    with ix.searcher() as searcher:
        reads = [0, 0]
        for text in phrases:
            q = parse(text).query
            expected, total = _whoosh_top(searcher, q, 10)
            for i, partial in enumerate((1, 10**9)):  # every time, never
                monkeypatch.setattr(phrase_candidates, "PARTIAL", partial)
                monkeypatch.setattr(phrase_candidates, "LONG_LIST", partial * 100)
                engine = Engine(searcher)  # nothing cached
                monkeypatch.setattr(engine.terms, "paired", lambda *_a: False)  # positions
                decoded = 0
                top = engine.top(q, 10)
                if "zyxquux" in text:
                    reads[i] += decoded
                assert _same(top.hits, expected), (text, partial)
                assert top.total == total or top.estimated
        assert reads[0] * 5 < reads[1], reads  # the rare phrases: a few blocks, not all


def test_and_reads_a_far_more_common_word_only_for_the_rarer_words_articles(
    big_shelf: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.search import phrase_candidates

    current = generations.read_current(big_shelf.index_dir)
    assert current is not None
    ix = open_generation(current[1])
    queries = [
        "gaza ceasefire",
        "said that",
        "with were",
        "gaza -hamas",
        '"said that" gaza',
        "the nosuchwordanywhere",
        "date:2023 gaza",
        "gaza said the",
        "hamas OR gaza the",
    ]
    with ix.searcher() as searcher:
        for partial in (1, 10**9):  # every time, never
            monkeypatch.setattr(phrase_candidates, "PARTIAL", partial)
            engine = Engine(searcher)
            for text in queries:
                q = parse(text).query
                expected, total = _whoosh_top(searcher, q, 10)
                top = engine.top(q, 10)
                assert _same(top.hits, expected), (text, partial)
                assert top.total == total or top.estimated, (text, partial)
            # read for the rarer word's articles only: never cached whole
            assert engine.terms.is_cached("body", b"the") == (partial > 1)


def test_unreadable_blocks_fall_back_to_whoosh(
    big_shelf: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.search import whoosh_blocks as postings

    def broken(*_args: object) -> None:
        raise ValueError("not a Whoosh 3 posting list")

    monkeypatch.setattr(postings, "read_postings", broken)
    big_shelf.index.close()  # a fresh searcher and engine
    result = big_shelf.index.search("gaza ceasefire", limit=10)
    assert result.hits and result.error is None


def test_engine_failure_falls_back_to_the_same_ranking_and_logs_why_once(
    big_shelf: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index the bulk reader cannot read: Whoosh answers with the same hits, order, scores
    and totals (the limited Whoosh search ranked some queries differently), and the reason is
    in the log file, once, not on the terminal."""
    from newsreader.paths import app_paths
    from newsreader.search import fallback, whoosh_blocks

    queries = list(QUERIES)
    expected = {}
    for text in queries:
        result = big_shelf.index.search(text, limit=10)
        expected[text] = (result.hits, result.total, result.total_estimated)

    def unreadable(*_args: object, **_kwargs: object) -> None:
        raise ValueError("not a Whoosh 3 posting list")

    monkeypatch.setattr(fallback, "_logged", set())
    monkeypatch.setattr(logging.getLogger(fallback.LOGGER), "handlers", [])
    monkeypatch.setattr(whoosh_blocks, "_blocks", unreadable)
    big_shelf.index.close()  # a new searcher and engine: nothing cached
    for text in queries:
        result = big_shelf.index.search(text, limit=10)
        hits, total, estimated = expected[text]
        assert [h.id for h in result.hits] == [h.id for h in hits], text
        assert all(
            math.isclose(a.score, b.score, rel_tol=1e-9)
            for a, b in zip(result.hits, hits, strict=True)
        ), text
        assert not result.total_estimated
        if not estimated:
            assert result.total == total, text
    log = (app_paths().cache_dir / "newsreader.log").read_text(encoding="utf-8")
    assert log.count("not a Whoosh 3 posting list") == 1, log
    assert "exhaustive" in log


@pytest.mark.parametrize("engine_works", [True, False], ids=["engine", "fallback"])
def test_andnot_drops_an_article_with_both_words_even_first_in_its_segment(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch, engine_works: bool
) -> None:
    """``a ANDNOT b`` never finds an article that has b. Whoosh's AndNotMatcher skips that
    test for a segment's first candidate of ``a`` when ``b`` matched an earlier article; the
    fallback (Whoosh answering when the engine cannot) must answer as the engine does."""
    from newsreader.search import fallback, whoosh_blocks
    from tests.search.conftest import article_text

    # Indexed in title order: a0 (heron), then a1 (walrus and heron), then a2 (walrus).
    s = shelf(
        {
            "a0.txt": article_text("Harbour alpha", "The heron nested by the quay."),
            "a1.txt": article_text("Harbour bravo", "A walrus and a heron met on the quay."),
            "a2.txt": article_text("Harbour charlie", "A walrus slept on the quay all day."),
        }
    )
    if not engine_works:

        def unreadable(*_args: object, **_kwargs: object) -> None:
            raise ValueError("not a Whoosh 3 posting list")

        monkeypatch.setattr(fallback, "log_fallback", lambda exc: None)
        monkeypatch.setattr(whoosh_blocks, "_blocks", unreadable)
        s.index.close()  # a new searcher and engine
    for text in ("walrus ANDNOT heron", "quay ANDNOT heron", "(walrus OR heron) ANDNOT nested"):
        result = s.index.search(text, limit=10)
        expected = {
            "walrus ANDNOT heron": ["a2"],
            "quay ANDNOT heron": ["a2"],
            "(walrus OR heron) ANDNOT nested": ["a1", "a2"],
        }[text]
        assert sorted(h.id for h in result.hits) == expected, text
        assert result.total == len(expected), text


def _held(make: Callable[[], Any]) -> tuple[Any, int]:
    """What ``make()`` returns and the bytes it holds (traced allocations still alive)."""
    import tracemalloc

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        made = make()
        return made, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_the_cache_counts_the_bytes_its_terms_hold(big_shelf: Shelf) -> None:
    # The cache is bounded in bytes (terms.CACHE_BYTES): a term's estimated size must follow
    # the memory it really holds, with and without positions, or the app's memory is not
    # bounded by it. Never less; in a small index more (docnums under 256 are shared ints).
    from newsreader.search.terms import TermScores

    current = generations.read_current(big_shelf.index_dir)
    assert current is not None
    ix = open_generation(current[1])
    with ix.searcher() as searcher:
        reader = Engine(searcher).terms
        reader.read_term("body", b"the", False)  # the field's lengths and term infos, once
        for word in (b"the", b"said", b"and"):
            for values in (False, True):
                term, held = _held(partial(reader.read_term, "body", word, values))
                assert len(term.scores) > 40, word
                assert held <= term.size() < 2.2 * held, (word, values, term.size(), held)
    # A common word of a 100k library: 30k postings with docnums in the tens of thousands.
    docnums = range(50_000, 110_000, 2)

    def common_word(values: bool) -> TermScores:
        scores = {d: d / 7 for d in docnums}
        positions = {d: (d % 50_000).to_bytes(3, "big") * 4 for d in docnums}
        return TermScores(scores, positions if values else None)

    for values in (False, True):
        big, held = _held(partial(common_word, values))
        assert 0.85 < big.size() / held < 1.2, (values, big.size(), held)
