"""Articles related to one: Whoosh's more-like-this over its title and body, nearer dates
ranked higher, and the article's own versions (near-duplicates) left out."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from newsreader.search.whoosh_read import Searcher, document_number, more_like

KEY_TERMS = 12
"""Key terms taken from the body: enough to find the subject, few enough to stay fast."""
TITLE_WEIGHT = 0.5
HALF_LIFE_DAYS = 30.0
"""A related article this many days away from the one read scores half as much again as
one of the same day loses: dates count, but never more than the words."""


@dataclass(frozen=True, slots=True)
class RelatedHit:
    """One related article."""

    id: str
    title: str
    path: Path
    date: date | None
    score: float


def related_hits(
    searcher: Searcher,
    path_key: str,
    ids: Mapping[str, str],
    limit: int,
    exclude: Collection[str],
) -> tuple[RelatedHit, ...] | None:
    """The best ``limit`` articles related to the one indexed under ``path_key`` (None: it
    is not in the index); ``exclude``: paths never to list (its versions)."""
    from newsreader.search.results import stored_date
    from newsreader.search.schema import key_path

    docnum = document_number(searcher, path_key)
    if docnum is None:
        return None
    own = searcher.stored_fields(docnum)
    own_date = stored_date(own.get("date"))
    top = limit + len(exclude) + 10
    scores: dict[int, float] = {}
    for d, s in more_like(searcher, docnum, "body", str(own.get("body", "")), top, KEY_TERMS):
        scores[d] = scores.get(d, 0.0) + s
    title = str(own.get("title", ""))
    for d, s in more_like(searcher, docnum, "title", title, top, KEY_TERMS // 2):
        scores[d] = scores.get(d, 0.0) + TITLE_WEIGHT * s
    hits = []
    for d, score in scores.items():
        fields = searcher.stored_fields(d)
        path = key_path(str(fields.get("path", "")))
        if path in exclude or d == docnum:
            continue
        day = stored_date(fields.get("date"))
        if own_date is not None and day is not None:
            score *= 0.5 + 0.5 * math.exp(
                -abs((day - own_date).days) / HALF_LIFE_DAYS * math.log(2)
            )
        hits.append(
            RelatedHit(
                id=ids.get(path) or str(fields.get("id", "")),
                title=str(fields.get("title", "")),
                path=Path(path),
                date=day,
                score=score,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.id))
    return tuple(hits[:limit])
