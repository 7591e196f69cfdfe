"""A parsed query as the engine evaluates it: a few typed nodes, made once from Whoosh's tree.

Only the shapes the engine evaluates itself get a node of their own (words, phrases of
adjacent words, plain ``And``/``Or``, exclusions); everything else (prefixes, wildcards,
fuzzy words, dates, phrases with slop) is an ``Matched`` node, scored by Whoosh's matchers.
Imports Whoosh's public query classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from newsreader.search.matchers import ExactAndNot, ExactPhrase
from newsreader.search.whoosh_read import WhooshQuery


@dataclass(frozen=True)
class Term:
    fieldname: str
    text: str | bytes
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Two or more words at consecutive positions."""

    fieldname: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AnyOf:
    """A plain ``Or``: the sum of the children's scores."""

    subqueries: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AllOf:
    """An ``And`` of at least one child, less the documents any of ``negatives`` matches
    (``Not`` children: each adds 1 to the score, as Whoosh's ``InverseMatcher`` does)."""

    subqueries: tuple[Node, ...]
    negatives: tuple[Node, ...] = ()
    boost: float = 1.0


@dataclass(frozen=True)
class Excluding:
    """``a ANDNOT b``."""

    a: Node
    b: Node


@dataclass(frozen=True)
class Nothing:
    """Matches no document."""


@dataclass(frozen=True)
class Matched:
    """Every other node: scored by Whoosh's own matchers, one document at a time."""

    query: WhooshQuery


Node = Term | Phrase | AnyOf | AllOf | Excluding | Nothing | Matched


def from_whoosh(q: object) -> Node:
    """The node for a Whoosh query tree (exact types: a subclass behaves otherwise)."""
    kind = type(q)
    if isinstance(q, wq.Term) and kind is wq.Term:
        return Term(q.fieldname, q.text, float(q.boost))
    if isinstance(q, ExactPhrase) and kind is ExactPhrase and q.slop == 1 and len(q.words) > 1:
        return Phrase(q.fieldname, tuple(q.words), float(q.boost))
    if isinstance(q, wq.Or) and kind in (wq.Or, wq.DefaultOr) and q.scale is None:
        return AnyOf(tuple(from_whoosh(c) for c in q.subqueries), float(q.boost))
    if isinstance(q, wq.And) and kind is wq.And:
        pos = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        neg = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
        if pos:
            return AllOf(
                tuple(from_whoosh(c) for c in pos),
                tuple(from_whoosh(c) for c in neg),
                float(q.boost),
            )
    if isinstance(q, wq.AndNot) and kind in (wq.AndNot, ExactAndNot):
        return Excluding(from_whoosh(q.a), from_whoosh(q.b))
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return Nothing()
    return Matched(q)  # type: ignore[arg-type]
