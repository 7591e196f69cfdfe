"""The list's view of the story groups: plain data, cheap to import (the list imports it at
start-up; the groups themselves come from ``app/stories.py`` in the library worker)."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import NamedTuple


class StoryMap(NamedTuple):
    """The stories told more than once, by article id, for the list: each grouped article's
    story and each story's members in the library's order (newest first)."""

    story_of: dict[str, str]
    members: dict[str, tuple[str, ...]]
    sources: dict[str, int]

    def label(self, story_id: str) -> str:
        """The count on a story's row: "4 versions · 3 sources"."""
        count, sources = len(self.members.get(story_id, ())), self.sources.get(story_id, 1)
        return f"{count} versions · {sources} {'source' if sources == 1 else 'sources'}"

    def fold(self, ids: Sequence[str], expanded: Container[str]) -> list[tuple[int, str]]:
        """Which of ``ids`` (ranked or listed) to show: each story once, at its first place,
        unless ``expanded``; with what each shown one says of its story (the count on the
        first, "↳" on the versions after it, "" for an article told once)."""
        shown: list[tuple[int, str]] = []
        seen: set[str] = set()
        for i, article_id in enumerate(ids):
            story = self.story_of.get(article_id)
            if story is None:
                shown.append((i, ""))
            elif story not in seen:
                seen.add(story)
                shown.append((i, self.label(story)))
            elif story in expanded:
                shown.append((i, "↳"))
        return shown


EMPTY_MAP = StoryMap({}, {}, {})
