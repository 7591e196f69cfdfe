"""Where a query matches inside text: spans for highlighting, the best paragraph, snippets.

Uses the same analysis as the index, so ``Israel’s`` is marked for ``Israel's``, ``Qanou``
inside ``al-Qanou``, and a phrase only where its words follow each other. No Whoosh import.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from newsreader.search.analysis import _TOKEN, analyze_token, fold, skeleton, stem

Span = tuple[int, int]

SNIPPET_CHARS = 220
# Porter2 keeps every stem a prefix of its word, give or take the last letter, except these.
_IRREGULAR_STEMS = frozenset(
    {"ski", "sky", "die", "lie", "tie", "idl", "gentl", "ugli", "earli", "onli", "singl"}
)


def _key(term: str) -> str:
    """A substring every word with this stem contains once folded and squeezed."""
    if term in _IRREGULAR_STEMS:
        return term[:1]
    return term[: min(4, max(len(term) - 1, 1))]


@dataclass(frozen=True)
class Highlighter:
    """The positive parts of a query, as matchers over analyzed terms."""

    terms: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    prefixes: tuple[str, ...] = ()
    wildcards: tuple[str, ...] = ()
    fuzzy: tuple[tuple[str, int, int], ...] = ()
    _memo: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _raw: dict[str, tuple[Span, ...]] = field(default_factory=dict, compare=False, repr=False)
    _prefilter: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        """Nothing to mark."""
        return not (self.terms or self.phrases or self.prefixes or self.wildcards or self.fuzzy)

    def _candidates(self) -> re.Pattern[str]:
        """A regex over ``skeleton(text)`` that finds where a matching word may start.

        Each key may straddle a hyphen or apostrophe (``alqa`` finds ``al-Qanou``). Scanning
        in C and analysing only the candidates is ~10x faster than analysing every word."""
        if not self._prefilter:
            keys = [_key(t) for t in self.terms] + [_key(p[0]) for p in self.phrases]
            keys += [p[:4] for p in self.prefixes]
            keys += [re.split(r"[*?\[]", w, maxsplit=1)[0][:4] for w in self.wildcards]
            keys += [text[:prefix] for text, _dist, prefix in self.fuzzy]
            if any(not k for k in keys):
                self._prefilter.append(re.compile(r"(?<![^\W_])[^\W_]"))
            else:
                gap = "[" + re.escape(_GAPS) + "]?"
                body = "|".join(sorted({gap.join(map(re.escape, k)) for k in keys}))
                # No look-behind: it makes the regex engine try every position (~90 µs per
                # article); word starts are checked in ``_starts`` instead (~10 µs).
                self._prefilter.append(re.compile(f"(?:{body})"))
        return self._prefilter[0]

    def _starts(self, folded: str) -> Iterator[int]:
        """Where a candidate starts at a word start in ``folded`` (a ``skeleton``)."""
        pattern = self._candidates()
        if pattern.pattern.startswith("(?<!"):
            for every in pattern.finditer(folded):
                yield every.start()
            return
        search = pattern.search
        pos = 0
        while (m := search(folded, pos)) is not None:
            i = m.start()
            if i and folded[i - 1].isalnum():  # inside a word: look again one further on
                pos = i + 1
                continue
            yield i
            pos = m.end()

    def term_matches(self, term: str) -> bool:
        """Does one analyzed term match a word, prefix, wildcard or fuzzy part?"""
        hit = self._memo.get(term)
        if hit is None:
            hit = (
                term in self.terms
                or any(term.startswith(p) for p in self.prefixes)
                or any(fnmatch.fnmatchcase(term, w) for w in self.wildcards)
                or any(fuzzy_accepts(term, t, d, p) for t, d, p in self.fuzzy)
            )
            self._memo[term] = hit
        return hit

    def spans(self, text: str) -> list[Span]:
        """Matched ranges in ``text``, sorted and merged."""
        if self.empty:
            return []
        found: list[Span] = []
        cache = self._raw
        seen: set[int] = set()
        for start in self._starts(skeleton(text)):
            tok = _token_at(text, start)
            if tok is None or tok.start() in seen:
                continue
            seen.add(tok.start())
            raw = tok.group()
            hit = cache.get(raw)
            if hit is None:
                hit = cache[raw] = self._raw_hit(raw, tok.lastgroup or "word")
            if hit:
                start = tok.start()
                found += [(start + a, start + b) for a, b in hit]
            if self.phrases:
                found += self._phrases_from(text, tok)
        return _merge(found)

    def paragraph_spans(self, paragraphs: Sequence[str]) -> list[list[Span]]:
        """``spans`` of each paragraph, found in one pass over the paragraphs joined by blank
        lines (no match crosses a blank line), ~2x faster than paragraph by paragraph."""
        out: list[list[Span]] = [[] for _ in paragraphs]
        if not paragraphs:
            return out
        starts = list(accumulate((len(p) + 2 for p in paragraphs[:-1]), initial=0))
        i = 0
        last = len(starts) - 1
        for s, e in self.spans("\n\n".join(paragraphs)):
            while i < last and s >= starts[i + 1]:
                i += 1
            out[i].append((s - starts[i], e - starts[i]))
        return out

    def _raw_hit(self, raw: str, kind: str) -> tuple[Span, ...]:
        """Where one raw token matches: all of it, some of its parts, or nowhere."""
        analyzed = analyze_token(raw, kind)
        if analyzed is None:
            return ()
        if self.term_matches(analyzed.term):
            return ((0, len(raw)),)
        return tuple((p.start, p.end) for p in analyzed.parts if self.term_matches(p.term))

    def _phrases_from(self, text: str, first: re.Match[str]) -> list[Span]:
        """Phrases that start at token ``first``: follow the next tokens word by word."""
        out: list[Span] = []
        terms0 = _terms_of(first)
        for phrase in self.phrases:
            if phrase[0] not in terms0:
                continue
            end = first.end()
            for word in phrase[1:]:
                nxt = _next_token(text, end)
                if nxt is None or word not in _terms_of(nxt):
                    break
                end = nxt.end()
            else:
                out.append((first.start(), end))
        return out


_GAPS = "'-.,"
_BACK = frozenset("'’‘ʼ`´-‐‑.,")


def _token_at(text: str, pos: int) -> re.Match[str] | None:
    """The whole token around a candidate position (which may be inside a compound)."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in _BACK):
        start -= 1
    while start < pos:
        m = _TOKEN.match(text, start)
        if m is not None and m.lastgroup != "para" and m.end() > pos:
            return m
        start = m.end() if m is not None and m.end() > start else start + 1
    m = _TOKEN.match(text, pos)
    return m if m is not None and m.lastgroup != "para" else None


def _next_token(text: str, pos: int) -> re.Match[str] | None:
    m = _TOKEN.search(text, pos)
    while m is not None and analyze_token(m.group(), m.lastgroup or "word") is None:
        if m.lastgroup == "para":
            return None
        m = _TOKEN.search(text, m.end())
    return None if m is None or m.lastgroup == "para" else m


def _terms_of(tok: re.Match[str]) -> set[str]:
    analyzed = analyze_token(tok.group(), tok.lastgroup or "word")
    if analyzed is None:
        return set()
    return {analyzed.term, *(p.term for p in analyzed.parts)}


def _merge(spans: list[Span]) -> list[Span]:
    spans.sort()
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def fuzzy_accepts(term: str, word: str, maxdist: int, prefix: int) -> bool:
    """Is index term ``term`` (a stem) a fuzzy match for the typed, folded ``word``?

    Either it is within ``maxdist`` edits of the word's stem, or of the word cut to the
    term's length (a stem is the start of its words: ``evacu`` for ``evacuaton``)."""
    if term[:prefix] != word[:prefix]:
        return False
    target = stem(word)
    if abs(len(term) - len(target)) <= maxdist and edit_distance(term, target, maxdist) <= maxdist:
        return True
    if len(term) < max(3, len(word) - 4):
        return False
    return edit_distance(term, word[: len(term)], maxdist) <= maxdist


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, stopping past ``limit``."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def best_paragraph(per_paragraph: list[list[Span]], paragraphs: list[str]) -> int:
    """The paragraph with the most distinct matched words, then the most matches."""
    best, best_key = 0, (0, 0)
    for i, spans in enumerate(per_paragraph):
        if not spans:
            continue
        text = paragraphs[i]
        distinct = len({fold(text[s:e]) for s, e in spans})
        key = (distinct, len(spans))
        if key > best_key:
            best, best_key = i, key
    return best


def snippet(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> tuple[str, list[Span]]:
    """A window of ``text`` around its first match, cut on word boundaries, with ellipses;
    one line (a paragraph of code has line breaks: spaces here, the offsets unchanged)."""
    text = text.replace("\n", " ")
    if len(text) <= width + 40:
        return text, list(spans)
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - width // 4)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    out = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start]
    return prefix + text[start:end] + suffix, out
