"""Pairs of common words are exactly the adjacent positions a phrase check would accept."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from benchmarks.corpus import article
from newsreader.library import parse_file
from newsreader.search.analysis import index_positions, index_sequence, tokens
from newsreader.search.word_pairs import common_words, pair_terms, read_common, write_common
from tests.conftest import SEED


def _by_positions(text: str, common: frozenset[str]) -> dict[str, tuple[int, int]]:
    at: dict[int, list[str]] = defaultdict(list)
    freq: dict[str, int] = defaultdict(int)
    for tok in tokens(text):
        at[tok.pos].append(tok.term)
        freq[tok.term] += 1
    return {
        f"{a} {b}": (freq[a], freq[b])
        for p, firsts in at.items()
        for a in firsts
        for b in at.get(p + 1, ())
        if a in common and b in common
    }


def test_pairs_follow_positions_never_across_paragraphs(tmp_path: Path) -> None:
    texts = [
        "\n\n".join(parse_file(SEED, "seed").paragraphs),
        *(article(i) for i in range(30)),
        "The al-Qanou talks.\n\nThe talks, the al-Qanou talks; U.S. talks the",
    ]
    common = common_words(index_positions(t) for t in texts)
    assert {"the", "said"} <= common
    seen = 0
    for text in texts:
        positions, seq = index_sequence(text)
        assert positions == index_positions(text)
        pairs = pair_terms(positions, seq, common | {"al", "qanou", "alqanou", "talk", "us"})
        assert pairs == _by_positions(text, common | {"al", "qanou", "alqanou", "talk", "us"})
        seen += len(pairs)
    assert seen > 500
    last = pair_terms(*index_sequence(texts[-1]), frozenset({"the", "talk", "al", "alqanou"}))
    assert last["the talk"] == (4, 4) and "al talk" in last and "alqanou talk" in last
    first_para = pair_terms(*index_sequence("The talks.\n\nThe end"), frozenset({"the", "talk"}))
    assert first_para == {"the talk": (2, 1)}  # "talks.\n\nThe": another paragraph
    write_common(tmp_path, common)
    assert read_common(tmp_path) == common
    assert read_common(tmp_path / "missing") == frozenset()
