"""An exact-phrase query that checks word positions with set arithmetic.

Whoosh's ``Phrase`` builds a Python object per word position (SpanNear2): a phrase of two
common words took ~150 ms at 1k articles. Intersecting shifted position sets does the same
check in C (~10x faster). Scores are the same (the sum of the words' scores). Imports Whoosh.
"""

from __future__ import annotations

from typing import Any

from whoosh import matching
from whoosh.query import Phrase, Term
from whoosh.query.spans import Span, SpanWrappingMatcher


class ExactPhrase(Phrase):  # type: ignore[misc]
    """``"w1 w2 …"``: the words at consecutive positions (slop 1); other slops use Whoosh's."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.slop != 1 or len(self.words) < 2:
            return super().matcher(searcher, context)
        if self.fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        ms = []
        for word in self.words:
            btext = field.to_bytes(word)
            if (self.fieldname, btext) not in reader:
                return matching.NullMatcher()
            ms.append(Term(self.fieldname, btext).matcher(searcher, context))
        m: Any = _PositionsMatcher(ms)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _PositionsMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    def __init__(self, ms: list[Any]) -> None:
        self.ms = ms
        child = ms[0]
        for other in ms[1:]:
            child = matching.IntersectionMatcher(child, other)
        super().__init__(child)

    def copy(self) -> _PositionsMatcher:
        return _PositionsMatcher([m.copy() for m in self.ms])

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def _get_spans(self) -> list[Any]:
        starts: set[int] | None = None
        for offset, m in enumerate(self.ms):
            shifted = {p - offset for p in m.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(p, p + last) for p in sorted(starts or ())]
