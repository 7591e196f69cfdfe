"""Ranking: the article a person has in mind comes first."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import article
from newsreader.library import parse_file
from tests.conftest import SEED
from tests.search.conftest import Shelf, article_text


def test_generated_corpus_distinctive_phrase_ranks_its_article_first(
    shelf: Callable[..., Shelf], tmp_path: Path
) -> None:
    files = {f"g{i:03d}.txt": article(i, seed=7) for i in range(60)}
    files[SEED.name] = SEED.read_text(encoding="utf-8")
    s = shelf(files)
    for i in (3, 17, 42):
        art = parse_file(s.root / f"g{i:03d}.txt", f"g{i:03d}")
        words = re.findall(r"[A-Za-z]+", art.paragraphs[2])
        rare = max(range(len(words) - 2), key=lambda j: sum(len(w) for w in words[j : j + 3]))
        phrase = " ".join(words[rare : rare + 3])
        assert s.ids(f'"{phrase}"')[0] == f"g{i:03d}", phrase
        assert s.ids(phrase)[0] == f"g{i:03d}", phrase
    assert s.ids('"permanent ceasefire"') == [SEED.stem]
    hit = s.index.search("Hamas truce Rafah").hits[0]
    assert hit.id == SEED.stem


def test_title_words_outrank_a_passing_mention(shelf: Callable[..., Shelf]) -> None:
    s = shelf(
        {
            "mention.txt": article_text("Markets today", "Prices rose. " * 20 + "Also, a heron."),
            "titled.txt": article_text("The heron returns", "Birds came back to the lake. " * 20),
        }
    )
    assert s.ids("heron")[0] == "titled"


def test_hit_carries_snippet_paragraph_and_all_matches(shelf: Callable[..., Shelf]) -> None:
    s = shelf({SEED.name: SEED.read_text(encoding="utf-8")})
    hit = s.index.search("permanent ceasefire").hits[0]
    art = parse_file(SEED, SEED.stem)
    assert hit.date is not None and hit.date.isoformat() == "2024-05-06"
    assert hit.paragraph == 1  # the only paragraph with both words twice
    marked = [hit.snippet[a:b].lower() for a, b in hit.snippet_spans]
    assert "permanent" in marked and "ceasefire" in marked
    assert hit.snippet.strip("…") in art.paragraphs[hit.paragraph]
    words = [art.paragraphs[m.paragraph][m.start : m.end].lower() for m in hit.matches]
    assert words.count("ceasefire") == 4 and words.count("permanent") == 2
    assert hit.score > 0


def test_long_paragraph_snippet_is_cut_around_the_match(shelf: Callable[..., Shelf]) -> None:
    long = "Filler words go on and on. " * 30 + "The kestrel hovered. " + "More filler. " * 30
    s = shelf({"k.txt": article_text("Birds", long)})
    hit = s.index.search("kestrel").hits[0]
    assert len(hit.snippet) < 300 and hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert [hit.snippet[a:b] for a, b in hit.snippet_spans] == ["kestrel"]
