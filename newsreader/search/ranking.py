"""Running a parsed query: BM25F hits, the any-word fallback, did-you-mean, and hit details.

Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from newsreader.search.analysis import fold, query_terms, tokens
from newsreader.search.engine import Engine, TopDocs
from newsreader.search.highlight import Highlighter, best_paragraph, edit_distance, snippet
from newsreader.search.query import ParsedQuery, parse
from newsreader.search.results import MatchSpan, SearchHit, SearchResult
from newsreader.search.schema import key_path

EXACT_COUNT = 500
MAX_CANDIDATES = 2000
"""Index terms examined per word, so a dense prefix cannot make a search slow."""
SPELL_FIELDS = ("body", "title")
RARE_DF = 2
"""Only words in at most this many articles get a did-you-mean correction."""
FEW_HITS = 3
"""At or below this many hits, look for a did-you-mean suggestion."""


def run_query(
    searcher: Any, parsed: ParsedQuery, raw: str, limit: int, ids: dict[str, str],
    engine: Engine | None = None,
) -> SearchResult:
    """Search, fall back to any word when no article has them all, and suggest spellings."""
    engine = engine or Engine(searcher)
    top = _top(searcher, engine, parsed.query, limit)
    used = parsed
    fallback = False
    if top.total == 0 and parsed.plain and len(query_terms(parsed.text)) > 1:
        anyq = parse(raw, any_word=True)
        if anyq.query is not None:
            top = _top(searcher, engine, anyq.query, limit)
            used, fallback = anyq, top.total > 0
    suggestion = suggest(searcher, parsed, top.total) if top.total <= FEW_HITS else None
    hits = tuple(_hit(searcher, docnum, score, used.highlighter, ids)
                 for docnum, score in top.hits)
    error = parsed.error
    if error and not hits:
        error += f"; no article matches {parsed.text!r}" if parsed.text else "; no matches"
    return SearchResult(raw, hits, top.total, fallback_any=fallback, suggestion=suggestion,
                        error=error, total_estimated=top.estimated)


def _top(searcher: Any, engine: Engine, q: Any, limit: int) -> TopDocs:
    """The engine's answer; Whoosh's own search if the engine cannot read this index."""
    if engine.enabled:
        try:
            return engine.top(q, limit)
        except Exception:  # an index the bulk reader does not understand: Whoosh still does
            engine.enabled = False
    results = searcher.search(q, limit=limit)
    total, estimated = _total(results, limit)
    return TopDocs(list(results.items()), total, estimated)


def _total(results: Any, limit: int) -> tuple[int, bool]:
    """How many matched, and whether that is an upper-bound estimate (Whoosh's search)."""
    scored = int(results.scored_length())
    if scored < limit:
        return scored, False  # everything that matched was scored
    estimate = int(results.estimated_length())
    if estimate <= EXACT_COUNT or results.has_exact_length():
        return len(results), False
    return estimate, True


def _hit(searcher: Any, docnum: int, score: float, hl: Highlighter,
         ids: dict[str, str]) -> SearchHit:
    from newsreader.search.index import stored_date

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
        matches=tuple(MatchSpan(i, s, e) for i, spans_i in enumerate(per_para)
                      for s, e in spans_i),
    )


def suggest(searcher: Any, parsed: ParsedQuery, total: int = 0) -> str | None:
    """Replace rare query words with frequent near spellings from the index's own words.

    When the query found something, only words found nowhere are corrected: a rare name
    that matched is not a typo."""
    reader = searcher.reader()
    out = parsed.text
    changed = False
    for start, end in reversed(parsed.words):
        word = parsed.text[start:end]
        terms = query_terms(word)
        if len(terms) != 1 or len(terms[0]) < 4:
            continue
        term = terms[0]
        if _df(reader, term) > (RARE_DF if total == 0 else 0):
            continue
        best = _correction(reader, fold(word).replace("'", "").replace("-", ""), term)
        if best is None:
            continue
        surface = _surface(searcher, *best)
        if surface and fold(surface) != fold(word):
            out = out[:start] + surface + out[end:]
            changed = True
    return out if changed else None


def _df(reader: Any, term: str) -> int:
    return int(sum(reader.doc_frequency(f, term) for f in SPELL_FIELDS))


def _correction(reader: Any, word: str, term: str) -> tuple[str, str] | None:
    """(field, term): the closest, then most frequent, index term 1-2 edits from the word's
    stem or start, sharing its first 2-3 letters.

    Whoosh's automaton search (``terms_within``) costs ~50 ms per word at 1k articles in pure
    Python; walking the terms under a short prefix with a bounded distance is ~1 ms."""
    df = _df(reader, term)
    maxdist = 1 if len(word) <= 5 else 2
    scored: list[tuple[int, int, str, str]] = []
    for field in SPELL_FIELDS:
        terms = reader.expand_prefix(field, term[: 3 if len(term) >= 6 else 2])
        for btext in itertools.islice(terms, MAX_CANDIDATES):
            cand = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
            if cand == term:
                continue
            dist = maxdist + 1
            if abs(len(cand) - len(term)) <= maxdist:
                dist = edit_distance(cand, term, maxdist)
            if dist > maxdist and len(word) - 4 <= len(cand) <= len(word) and len(cand) >= 3:
                dist = edit_distance(cand, word[: len(cand)], maxdist)
            if dist <= maxdist:
                scored.append((dist, -_df(reader, cand), cand, field))
    for _dist, neg_df, cand, field in sorted(scored):  # closest first, then most frequent
        if -neg_df > 2 * df:
            return field, cand
    return None


def _surface(searcher: Any, field: str, term: str) -> str | None:
    """A real word that analyzes to ``term``, taken from an article that contains it."""
    # The first posting's article, not a ranked search: Whoosh scores every article that
    # has the word for that (~25 ms for a common word at 10k, on every partial word typed).
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (field, term) not in reader:
            continue
        matcher = reader.postings(field, term)
        while matcher.is_active() and reader.is_deleted(matcher.id()):
            matcher.next()
        if not matcher.is_active():
            continue
        body = str(searcher.stored_fields(offset + matcher.id()).get(field, ""))
        for tok in tokens(body, parts=False):
            if tok.term == term:
                word = body[tok.start : tok.end]
                return fold(word[:-2] if fold(word).endswith("'s") else word)
    return None
