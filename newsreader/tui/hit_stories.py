"""The story folding of search hits: a story matched by several articles shows as its best
ranked hit until it is unfolded, and the cursor finds its story's hit again after a fold.

Plain Python (no Textual).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import TYPE_CHECKING

from newsreader.app.story_map import StoryMap

if TYPE_CHECKING:
    from newsreader.search import SearchHit


def fold_hits(
    hits: tuple[SearchHit, ...], stories: StoryMap, expanded: Container[str]
) -> tuple[tuple[SearchHit, ...], list[str]]:
    """The hits to show (each story once, at its best rank, unless ``expanded``) and what
    each says of its story ("3 versions · 2 sources", "↳", "")."""
    folded = stories.fold([h.id for h in hits], expanded)
    return tuple(hits[i] for i, _label in folded), [label for _i, label in folded]


def row_of(hits: tuple[SearchHit, ...], keep: SearchHit, story_of: Mapping[str, str]) -> int:
    """Where ``keep`` is among ``hits``, or the first hit of its story; 0 when neither is."""
    story = story_of.get(keep.id)
    return next(
        (i for i, h in enumerate(hits) if h is keep or (story and story_of.get(h.id) == story)),
        0,
    )


def first_of_story(hits: tuple[SearchHit, ...], story: str, story_of: Mapping[str, str]) -> int:
    """The first of ``hits`` that tells ``story`` (one of them does)."""
    return next(i for i, h in enumerate(hits) if story_of.get(h.id) == story)
