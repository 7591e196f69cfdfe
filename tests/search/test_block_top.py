"""Plain words found in most articles are answered from the posting blocks that can hold the
top hits (``block_top.py``): the same hits and scores as scoring every posting, far fewer
blocks decompressed, the total marked when it is estimated."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from newsreader.search import block_top, generations, whoosh_blocks
from newsreader.search.engine import Engine, Layers
from newsreader.search.index import open_generation
from newsreader.search.query import parse
from newsreader.search.query_model import from_whoosh
from tests.search.conftest import Shelf
from tests.search.test_engine import _same, _whoosh_top, two_segments_changed

QUERIES = (
    "said",
    "the",
    "Said",
    "title:the",
    "said that",
    "with were",
    "the said that",
    "said that were",
    "body:said that",
)


@pytest.fixture
def blocky(shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch) -> Shelf:
    """150 generated articles written in blocks of 4 postings, in two segments, then one
    changed and one deleted, with every word long enough for the block path."""
    from whoosh.codec.whoosh3 import W3Codec

    monkeypatch.setattr(W3Codec.__init__, "__defaults__", (4, 3, 1))
    monkeypatch.setattr(block_top, "LONG_WORD", 1)
    return two_segments_changed(shelf(), 150, monkeypatch)


@pytest.fixture
def searcher(blocky: Shelf) -> Iterator[Any]:
    current = generations.read_current(blocky.index_dir)
    assert current is not None
    ix: Any = open_generation(current[1])
    with ix.searcher() as opened:
        assert len(opened.leaf_searchers()) >= 2 and opened.reader().has_deletions()
        yield opened


def _decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the blocks the block path decompresses."""
    calls: list[int] = []
    real = whoosh_blocks.PostingBlocks.postings

    def counted(self: whoosh_blocks.PostingBlocks, i: int) -> tuple[list[int], list[float]]:
        calls.append(i)
        return real(self, i)

    monkeypatch.setattr(whoosh_blocks.PostingBlocks, "postings", counted)
    return calls


@pytest.mark.parametrize("limit", [1, 10, 500])
def test_common_words_from_their_blocks_rank_as_every_posting_scored(
    searcher: Any, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded = _decoded(monkeypatch)
    for text in QUERIES:
        q = parse(text).query
        assert block_top.words(from_whoosh(q)) is not None, text
        decoded.clear()
        ours = Engine(searcher).top(q, limit)
        assert decoded, text  # the block path answered
        whole = Engine(searcher, Layers(block_max=False)).top(q, limit)
        assert ours.hits == whole.hits, (text, ours.hits[:3], whole.hits[:3])  # the same floats
        expected, total = _whoosh_top(searcher, q, limit)
        assert _same(ours.hits, expected), text
        if not ours.estimated:
            assert ours.total == total == whole.total, text
        paths = [str(searcher.stored_fields(d)["path"]) for d, _s in ours.hits]
        assert not [p for p in paths if p.endswith("a007.txt")], text  # deleted


def test_the_top_hit_of_a_common_word_needs_few_of_its_blocks(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(block_top, "EXACT_REST", 0)  # no total counted past the top ...
    monkeypatch.setattr(block_top, "SAMPLE", 1)  # ... but from one range
    decoded = _decoded(monkeypatch)
    engine = Engine(searcher)
    body = engine.terms.infos("body", b"said")[1]
    blocks = sum(
        len(whoosh_blocks.PostingBlocks(engine.terms.leaf(i)[0], info, 0).lasts) for i, info in body
    )
    top = engine.top(parse("said").query, 1)
    assert top.hits and blocks > 30
    # the title term is read whole; of the body's blocks only those that can beat the best
    assert len(decoded) < blocks / 2, (len(decoded), blocks)


def test_a_total_left_uncounted_is_estimated_and_marked(
    blocky: Shelf, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(block_top, "EXACT_REST", 2)
    monkeypatch.setattr(block_top, "SAMPLE", 12)
    exact = blocky.index.search("said that", limit=500)
    assert not exact.total_estimated
    about = blocky.index.search("said that", limit=3)
    assert about.total_estimated
    assert abs(about.total - exact.total) <= 0.35 * exact.total, (about.total, exact.total)
    assert [h.id for h in about.hits] == [h.id for h in exact.hits[:3]]


def test_headers_that_understate_a_block_give_way_to_every_posting(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = whoosh_blocks.PostingBlocks.__init__

    def understated(self: whoosh_blocks.PostingBlocks, *args: Any) -> None:
        real(self, *args)
        self.weights = [w / 4 for w in self.weights]  # bounds below the blocks' real scores

    monkeypatch.setattr(whoosh_blocks.PostingBlocks, "__init__", understated)
    engine = Engine(searcher)
    for text in ("said", "said that"):
        q = parse(text).query
        expected, total = _whoosh_top(searcher, q, 10)
        top = engine.top(q, 10)
        assert _same(top.hits, expected) and top.total == total, text
    assert not engine.layers.block_max


def test_a_sparse_word_keeps_the_engine_path(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(searcher)
    said = engine.terms.doc_frequency("body", b"said")
    qanou = engine.terms.doc_frequency("body", b"qanou")
    assert qanou < said / 2
    monkeypatch.setattr(block_top, "LONG_WORD", said)
    monkeypatch.setattr(block_top, "SPARSE", 1)  # any word rarer than said counts as sparse
    decoded = _decoded(monkeypatch)
    engine.top(parse("said qanou").query, 10)  # a word in far fewer articles
    assert not decoded
    engine.top(parse("said").query, 10)
    assert not decoded  # both its terms are scored and kept now: the engine answers
    Engine(searcher).top(parse("said").query, 10)
    assert decoded


@pytest.mark.parametrize("limit", [1, 10])
def test_a_rarer_word_beside_a_common_one_is_read_whole_and_ranks_the_same(
    searcher: Any, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """A word in fewer articles than the common one but in most of its blocks (90k of 1M
    beside ``that``): its exact scores bound the common word's blocks, and the hits are those
    of every posting scored."""
    said = Engine(searcher).terms.doc_frequency("body", b"said")
    monkeypatch.setattr(block_top, "LONG_WORD", said)
    decoded = _decoded(monkeypatch)
    for text in ("said qanou", "qanou said", "that qanou"):
        q = parse(text).query
        decoded.clear()
        ours = Engine(searcher).top(q, limit)
        assert decoded, text  # the block path answered
        whole = Engine(searcher, Layers(block_max=False)).top(q, limit)
        assert ours.hits == whole.hits, text
        if not ours.estimated:
            assert ours.total == whole.total, text
