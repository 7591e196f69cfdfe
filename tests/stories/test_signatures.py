"""MinHash signatures tell a rewritten story from another story on the same subject."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import article
from newsreader.library import parse_bytes
from newsreader.stories.minhash import Signature, jaccard, near_duplicates, signature
from tests.stories.versions import parts, rewrite


def _sig(text: str) -> Signature:
    return signature(parse_bytes(text.encode(), Path("/x/a.txt"), "a").paragraphs)


def test_reordered_paragraphs_give_the_same_signature() -> None:
    title, head, paras = parts(article(3))
    shuffled = "\n\n".join([title, head, *paras[::-1]])
    assert _sig(article(3)).to_bytes() == _sig(shuffled).to_bytes()


def test_a_rewrite_is_a_near_duplicate_and_another_story_is_not() -> None:
    base = _sig(article(5))
    assert near_duplicates(base, _sig(rewrite(5, add=900)))
    for other in range(6, 40):  # the same vocabulary, names and places: the same "topic"
        assert not near_duplicates(base, _sig(article(other))), other
        assert jaccard(base, _sig(article(other))) < 0.2


def test_a_trimmed_copy_is_a_near_duplicate_of_the_full_story() -> None:
    title, head, paras = parts(article(8))
    trimmed = "\n\n".join([title, head, *paras[: len(paras) // 2]])
    assert near_duplicates(_sig(article(8)), _sig(trimmed))


def test_a_signature_survives_its_bytes() -> None:
    sig = _sig(article(2))
    again = Signature.from_bytes(sig.to_bytes())
    assert again == sig and again.shingles > 100


def test_an_article_without_words_pairs_with_nothing() -> None:
    empty = signature(())
    assert empty.empty
    assert not near_duplicates(empty, empty)


def test_signatures_are_the_same_in_every_process() -> None:
    # Stored on disk and compared across runs: Python's salted hash() would differ per run.
    code = (
        "import sys; from newsreader.stories import signature; "
        "print(signature(['one two three four five six seven', 'eight nine']).to_bytes().hex())"
    )
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outs) == 1
