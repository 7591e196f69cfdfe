"""Running a parsed query: BM25F hits, the any-word fallback, did-you-mean, and hit details.

Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

from whoosh import query as wq

from newsreader.search.analysis import fold, normalize_literal, query_terms
from newsreader.search.engine import Engine, TopDocs
from newsreader.search.fallback import exhaustive_top, log_fallback
from newsreader.search.highlight import Highlighter, best_paragraph, snippet
from newsreader.search.matchers import StemFuzzyTerm
from newsreader.search.query import ParsedQuery, highlighter_for, parse
from newsreader.search.results import MatchSpan, SearchHit, SearchResult
from newsreader.search.schema import WORDS, key_path
from newsreader.search.spelling import OWN_RARE, Vocabulary
from newsreader.search.whoosh_read import Searcher, WhooshQuery

FUZZY_TERMS = 8
"""Words a ``word~`` stands for at most: the closest and most probable ones."""


def run_query(
    searcher: Searcher,
    parsed: ParsedQuery,
    raw: str,
    limit: int,
    ids: Mapping[str, str],
    engine: Engine | None = None,
    vocab: Callable[[], Vocabulary] | None = None,
    correct: bool = True,
    keep: Collection[int] | None = None,
    known: Vocabulary | None = None,
) -> SearchResult:
    """Search; when nothing matches, search the did-you-mean suggestion instead (unless
    ``correct`` is off), then fall back to any word when no article has them all. With
    ``keep``, only those documents can be hits; ``known``: the vocabulary, when already read."""
    engine = engine or Engine(searcher)
    vocab = vocab or _once(lambda: vocabulary(searcher))
    used = expand_fuzzy(parsed, vocab)
    top = rank_top(searcher, engine, used.query, limit, keep)
    fallback = corrected = False
    suggestion = suggest(vocab, parsed, word_counter(searcher, known))
    if top.total == 0 and suggestion and correct:
        instead = expand_fuzzy(parse(suggestion), vocab)
        if instead.query is not None:
            found = rank_top(searcher, engine, instead.query, limit, keep)
            if found.total:
                top, used, corrected = found, instead, True
    if top.total == 0 and parsed.plain and len(query_terms(parsed.text)) > 1:
        anyq = parse(raw, any_word=True)
        if anyq.query is not None:
            anyq = expand_fuzzy(anyq, vocab)
            top = rank_top(searcher, engine, anyq.query, limit, keep)
            used, fallback = anyq, top.total > 0
    hits = tuple(_hit(searcher, docnum, score, used.highlighter, ids) for docnum, score in top.hits)
    error = parsed.error
    if error and not hits:
        error += f"; no article matches {parsed.text!r}" if parsed.text else "; no matches"
    marks = used.marks or (used.text if corrected else None)
    return SearchResult(
        raw,
        hits,
        top.total,
        fallback_any=fallback,
        suggestion=suggestion,
        error=error,
        total_estimated=top.estimated,
        corrected=corrected,
        marks=marks,
    )


def rank_top(
    searcher: Searcher,
    engine: Engine,
    q: WhooshQuery,
    limit: int,
    keep: Collection[int] | None = None,
) -> TopDocs:
    """The best ``limit`` documents for a query (among ``keep``), without hit details: the
    engine's answer; if the engine cannot read this index, Whoosh's exhaustive ranking (the
    same hits, order and totals), logged once with the reason."""
    if engine.enabled:
        try:
            return engine.top(q, limit, keep)
        except Exception as exc:  # an index the bulk reader does not understand: Whoosh still does
            engine.enabled = False
            log_fallback(exc)
    return exhaustive_top(searcher, q, limit, keep)


def _hit(
    searcher: Searcher, docnum: int, score: float, hl: Highlighter, ids: Mapping[str, str]
) -> SearchHit:
    from newsreader.search.results import stored_date

    fields = searcher.stored_fields(docnum)
    path = key_path(str(fields.get("path", "")))
    paragraphs = str(fields.get("body", "")).split("\n\n")
    per_para = hl.paragraph_spans(paragraphs)
    best = best_paragraph(per_para, paragraphs)
    text, spans = snippet(paragraphs[best], per_para[best])
    title = str(fields.get("title", ""))
    return SearchHit(
        id=ids.get(path) or str(fields.get("id", "")),
        title=title,
        path=Path(path),
        date=stored_date(fields.get("date")),
        score=float(score),
        paragraph=best,
        snippet=text,
        snippet_spans=tuple(spans),
        title_spans=tuple(hl.spans(title)),
        matches=tuple(MatchSpan(i, s, e) for i, spans_i in enumerate(per_para) for s, e in spans_i),
    )


def vocabulary(searcher: Searcher) -> Vocabulary:
    """The library's surface words with how many articles use each, read afresh."""
    from newsreader.search.vocab import library_vocabulary

    return library_vocabulary(searcher, None, {})


def _once(make: Callable[[], Vocabulary]) -> Callable[[], Vocabulary]:
    made: list[Vocabulary] = []

    def get() -> Vocabulary:
        if not made:
            made.append(make())
        return made[0]

    return get


def word_counter(
    searcher: Searcher, known: Vocabulary | None = None
) -> Callable[[str], int] | None:
    """How many articles use a surface word: from the vocabulary when it is already read,
    else looked up in the index (a word known to be common needs no vocabulary read). A
    lookup is one per segment: at 1M articles, 400 of them, a fifth of a search."""
    if known is not None:
        return known.count
    reader = searcher.reader()
    if WORDS not in reader.schema:
        return None
    return lambda word: int(reader.doc_frequency(WORDS, word))


def suggest(
    vocab: Callable[[], Vocabulary], parsed: ParsedQuery, count: Callable[[str], int] | None = None
) -> str | None:
    """The query with each word the library lacks (or has far more often spelt otherwise)
    replaced by the word most probably meant; the other words are kept. None when nothing
    would change.

    A word the library lacks may still match by its stem (``negotiate`` finds
    ``negotiated``): a suggestion with the same stem is no correction and is not made."""
    text = parsed.text
    out = text
    changed = False
    for start, end in reversed(parsed.words):
        if text[max(0, start - 4) : start] == "NOT ":
            continue  # an excluded word: correcting it would exclude something else
        word = text[start:end]
        folded = fold(word)
        if folded.endswith("'s"):
            folded = folded[:-2]
        terms = query_terms(word)
        if len(terms) != 1 or not folded.isalpha():
            continue
        own = count(folded) if count is not None else vocab().count(folded)
        if own > OWN_RARE:
            continue  # no slip: and the vocabulary need not be read for it
        best = vocab().correct(folded, own)
        if best is None or query_terms(best) == terms:
            continue
        out = out[:start] + _cased(best, word) + out[end:]
        changed = True
    return out if changed else None


def _cased(word: str, like: str) -> str:
    if len(like) > 1 and like.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def expand_fuzzy(parsed: ParsedQuery, vocab: Callable[[], Vocabulary]) -> ParsedQuery:
    """``word~`` as the few library words nearest to it (``Vocabulary.expand``), each scored
    by its weight, so exact matches rank first and then the closest, most probable words;
    highlighting then marks just those words. Unchanged without a vocabulary."""
    if parsed.query is None or "~" not in parsed.text or not len(vocab()):
        return parsed
    found = False
    words: dict[str, list[str]] = {}

    def swap(node: WhooshQuery) -> WhooshQuery:
        nonlocal found
        if not isinstance(node, StemFuzzyTerm):
            return node
        found = True
        weights: dict[str, float] = {}
        expanded = vocab().expand(node.text, node.maxdist, FUZZY_TERMS)
        words[node.text] = [cand.word for cand, _weight in expanded]
        for cand, weight in expanded:
            for term in query_terms(cand.word):
                weights[term] = max(weights.get(term, 0.0), weight)
        subs = [wq.Term(node.fieldname, t, boost=node.boost * w) for t, w in weights.items()]
        words_q: WhooshQuery = (
            wq.NullQuery if not subs else subs[0] if len(subs) == 1 else wq.Or(subs)
        )
        return words_q

    q = parsed.query.accept(swap)
    if not found:
        return parsed

    def spelled_out(m: re.Match[str]) -> str:
        expanded = words.get(normalize_literal(m[1], stemmed=False))
        if expanded is None:
            return m[0]
        return f"({' OR '.join(expanded)})" if expanded else "nosuchword"

    marks = _FUZZY.sub(spelled_out, parsed.text)
    return dataclasses.replace(parsed, query=q, highlighter=highlighter_for(q), marks=marks)


_FUZZY = re.compile(r"(?<![\w~])([^\W_][\w'’-]*)~\d*")
