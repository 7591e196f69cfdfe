"""Running a parsed query: BM25F hits, the any-word fallback, did-you-mean, and hit details.

Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh import query as wq

from newsreader.search.analysis import fold, query_terms, tokens
from newsreader.search.highlight import Highlighter, best_paragraph, snippet
from newsreader.search.query import ParsedQuery, parse
from newsreader.search.results import MatchSpan, SearchHit, SearchResult

FEW_HITS = 3
"""At or below this many hits, look for a did-you-mean suggestion."""


def run_query(
    searcher: Any, parsed: ParsedQuery, raw: str, limit: int, ids: dict[str, str]
) -> SearchResult:
    """Search, fall back to any word when no article has them all, and suggest spellings."""
    results = searcher.search(parsed.query, limit=limit)
    total = _total(results, limit)
    used = parsed
    fallback = False
    if total == 0 and parsed.plain and len(query_terms(parsed.text)) > 1:
        anyq = parse(raw, any_word=True)
        if anyq.query is not None:
            results = searcher.search(anyq.query, limit=limit)
            total = _total(results, limit)
            used, fallback = anyq, total > 0
    suggestion = suggest(searcher, parsed) if total <= FEW_HITS else None
    hits = tuple(_hit(searcher, docnum, score, used.highlighter, ids)
                 for docnum, score in results.items())
    return SearchResult(raw, hits, total, fallback_any=fallback, suggestion=suggestion,
                        error=parsed.error)


def _total(results: Any, limit: int) -> int:
    scored = int(results.scored_length())
    if scored < limit:
        return scored  # everything that matched was scored
    return len(results)


def _hit(searcher: Any, docnum: int, score: float, hl: Highlighter,
         ids: dict[str, str]) -> SearchHit:
    from newsreader.search.index import stored_date

    fields = searcher.stored_fields(docnum)
    path = str(fields.get("path", ""))
    paragraphs = str(fields.get("body", "")).split("\n\n")
    per_para = [hl.spans(p) for p in paragraphs]
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


def suggest(searcher: Any, parsed: ParsedQuery) -> str | None:
    """Replace rare query words with frequent near spellings from the index's own words."""
    reader = searcher.reader()
    out = parsed.text
    changed = False
    for start, end in reversed(parsed.words):
        word = parsed.text[start:end]
        terms = query_terms(word)
        if len(terms) != 1 or len(terms[0]) < 4:
            continue
        term = terms[0]
        df = reader.doc_frequency("body", term) + reader.doc_frequency("title", term)
        best = _correction(reader, term, df)
        if best is None:
            continue
        surface = _surface(searcher, best)
        if surface and fold(surface) != fold(word):
            out = out[:start] + surface + out[end:]
            changed = True
    return out if changed else None


def _correction(reader: Any, term: str, df: int) -> str | None:
    maxdist = 1 if len(term) <= 5 else 2
    best: tuple[int, int, str] | None = None
    for dist in range(1, maxdist + 1):
        for cand in reader.terms_within("body", term, dist, prefix=1):
            if cand == term:
                continue
            cdf = reader.doc_frequency("body", cand)
            key = (-dist, cdf, cand)
            if cdf > max(2 * df, 0) and (best is None or key > best):
                best = key
        if best is not None:
            break  # the closest spelling wins over a more frequent farther one
    return best[2] if best else None


def _surface(searcher: Any, term: str) -> str | None:
    """A real word that analyzes to ``term``, taken from an article that contains it."""
    results = searcher.search(wq.Term("body", term), limit=1)
    for docnum, _score in results.items():
        body = str(searcher.stored_fields(docnum).get("body", ""))
        for tok in tokens(body, parts=False):
            if tok.term == term:
                word = body[tok.start : tok.end]
                return fold(word[:-2] if fold(word).endswith("'s") else word)
    return None
