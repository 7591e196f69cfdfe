"""Query classes that replace Whoosh's slow or stem-blind ones. Imports Whoosh.

``ExactPhrase`` checks word positions with set arithmetic. Whoosh's ``Phrase`` builds a Python
object per word position (SpanNear2): a phrase of two common words took ~150 ms at 1k
articles; intersecting shifted position sets does the same check ~3x faster, with the same
scores (the sum of the words' scores).

``StemFuzzyTerm`` matches a typed word against the index's stems: Whoosh's ``FuzzyTerm``
compares the stem of a misspelling (``evacuaton``) with stems (``evacu``) and misses.

``ExactAndNot`` is ``a ANDNOT b`` without a slip of Whoosh's ``AndNotMatcher``: it tests a
segment's first candidate of ``a`` against ``b`` only when ``b``'s first match is that same
document, so an article with both words was kept when ``b`` matched an earlier one. Whoosh
answers for the engine when the engine cannot read an index (``fallback.py``), and must then
answer as the engine does.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.query import AndNot, FuzzyTerm, Phrase, Term

from newsreader.search.highlight import fuzzy_accepts
from newsreader.search.whoosh_read import (
    AndNotMatcher,
    IntersectionMatcher,
    Matcher,
    NullMatcher,
    Reader,
    Searcher,
    Span,
    SpanWrappingMatcher,
    WhooshQuery,
    WrappingMatcher,
)


class ExactPhrase(Phrase):  # type: ignore[misc]
    """``"w1 w2 …"``: the words at consecutive positions (slop 1); other slops use Whoosh's."""

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        if self.slop != 1 or len(self.words) < 2:
            m: Matcher = super().matcher(searcher, context)
            return m
        null: Matcher = NullMatcher()
        if self.fieldname not in searcher.schema:
            return null
        field = searcher.schema[self.fieldname]
        reader = searcher.reader()
        ms = []
        for word in self.words:
            btext = field.to_bytes(word)
            if (self.fieldname, btext) not in reader:
                return null
            ms.append(Term(self.fieldname, btext).matcher(searcher, context))
        if self.boost != 1.0:
            boosted: Matcher = WrappingMatcher(_PositionsMatcher(ms), boost=self.boost)
            return boosted
        return _PositionsMatcher(ms)


class _PositionsMatcher(SpanWrappingMatcher):  # type: ignore[misc]
    def __init__(self, ms: list[Matcher]) -> None:
        self.ms = ms
        child = ms[0]
        for other in ms[1:]:
            child = IntersectionMatcher(child, other)
        super().__init__(child)

    def copy(self) -> _PositionsMatcher:
        return _PositionsMatcher([m.copy() for m in self.ms])

    def replace(self, minquality: float = 0) -> Matcher:
        if self.is_active():
            return self
        null: Matcher = NullMatcher()
        return null

    def _get_spans(self) -> list[Span]:
        starts: set[int] | None = None
        for offset, m in enumerate(self.ms):
            shifted = {p - offset for p in m.value_as("positions")}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                return []
        last = len(self.ms) - 1
        return [Span(p, p + last) for p in sorted(starts or ())]


class StemFuzzyTerm(FuzzyTerm):  # type: ignore[misc]
    """``word~``: index terms within ``maxdist`` edits of the word's stem, or of the word's
    start as long as the term (stems are word starts). ``text`` is the folded word."""

    def _btexts(self, ixreader: Reader) -> Iterator[bytes]:
        prefix = self.text[: max(self.prefixlength, 1)]
        for btext in ixreader.expand_prefix(self.fieldname, prefix):
            cand = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            if fuzzy_accepts(cand, self.text, self.maxdist, self.prefixlength):
                yield btext


class ExactAndNot(AndNot):  # type: ignore[misc]
    """``a ANDNOT b``: the documents of ``a`` that ``b`` does not match, every one of them."""

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scored, excluded)


class _AndNotMatcher(AndNotMatcher):  # type: ignore[misc]
    def _find_first(self) -> None:
        # Whoosh's skips this when ``b`` starts before ``a``'s first document; ``_find_next``
        # moves ``b`` up to it and steps ``a`` past every document they share.
        if self.a.is_active() and self.b.is_active():
            self._find_next()


def own_classes(q: WhooshQuery) -> WhooshQuery:
    """``q`` with Whoosh's fuzzy terms replaced by ``StemFuzzyTerm`` (``~`` alone: 1 edit;
    ``~2``: 2) and its ``AndNot`` by ``ExactAndNot``. A search expands fuzzy terms into the
    library's nearest words (``ranking.expand_fuzzy``); the stem matching here is for an
    index without them."""

    def swap(node: WhooshQuery) -> WhooshQuery:
        if isinstance(node, AndNot) and type(node) is AndNot:
            exact: WhooshQuery = ExactAndNot(node.a, node.b)
            return exact
        if isinstance(node, FuzzyTerm) and not isinstance(node, StemFuzzyTerm):
            fuzzy: WhooshQuery = StemFuzzyTerm(
                node.fieldname,
                node.text,
                boost=node.boost,
                maxdist=min(node.maxdist, 2),
                prefixlength=node.prefixlength,
            )
            return fuzzy
        return node

    return q.accept(swap)
