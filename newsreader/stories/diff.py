"""What a version of a story says that another did not: its paragraphs made mostly of word
runs the other version lacks."""

from __future__ import annotations

from collections.abc import Sequence

from newsreader.stories.minhash import shingles

NEW_SHARE = 0.5
"""A paragraph is new when less than this share of its shingles is in the other version: a
few reworded words keep most of a paragraph's shingles (one word changes four)."""


def new_paragraphs(paragraphs: Sequence[str], read: Sequence[str]) -> frozenset[int]:
    """The indexes of ``paragraphs`` that ``read`` (another version's paragraphs) does not
    already tell."""
    seen = shingles(list(read))
    new = set()
    for i, para in enumerate(paragraphs):
        own = shingles([para])
        if own and len(own & seen) < NEW_SHARE * len(own):
            new.add(i)
    return frozenset(new)
