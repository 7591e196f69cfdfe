"""Anchoring bookmarks to text: saving a passage with its context, and finding it again after
the article changed. Exact first, then fuzzy with a confidence threshold; when neither is
confident the answer is None (orphaned), never a guess.

Matching runs on a whitespace-normalised copy of the text in which the blank line between
paragraphs is one space, so a passage survives its paragraph being split or merged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from newsreader.state.models import Anchor

CONTEXT = 32
"""Characters of context saved before and after a quote."""
ACCEPT_QUOTE = 0.85
"""A fuzzy match this similar to the quote is accepted on its own…"""
ACCEPT_WITH_CONTEXT = (0.6, 0.75)
"""…or this similar when its context matches at least this well."""
_MAX_CANDIDATES = 60


@dataclass(frozen=True, slots=True)
class Passage:
    """What a bookmark saves about its passage."""

    quote: str
    prefix: str
    suffix: str
    paragraph: int
    start: int
    end: int


def capture(paragraphs: Sequence[str], paragraph: int, start: int = 0,
            end: int | None = None) -> Passage:
    """The passage ``paragraphs[paragraph][start:end]`` (whole paragraph when ``end`` is None),
    trimmed of surrounding whitespace, with its context. Raises ValueError when empty."""
    if not 0 <= paragraph < len(paragraphs):
        raise ValueError(f"no paragraph {paragraph} (the article has {len(paragraphs)})")
    text = paragraphs[paragraph]
    start = min(max(0, start), len(text))
    end = len(text) if end is None else min(max(start, end), len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        raise ValueError("the passage is empty")
    body = "\n\n".join(paragraphs)
    base = sum(len(p) + 2 for p in paragraphs[:paragraph])
    return Passage(
        quote=text[start:end],
        prefix=body[max(0, base + start - CONTEXT):base + start],
        suffix=body[base + end:base + end + CONTEXT],
        paragraph=paragraph, start=start, end=end,
    )


class _Normalised:
    """The article body with whitespace runs collapsed, and a map back to the original."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.paragraphs = paragraphs
        self.starts: list[int] = []
        body: list[str] = []
        pos = 0
        for p in paragraphs:
            self.starts.append(pos)
            body.append(p)
            pos += len(p) + 2
        original = "\n\n".join(body)
        chars: list[str] = []
        self.origin: list[int] = []
        previous_space = False
        for i, ch in enumerate(original):
            if ch.isspace():
                if previous_space:
                    continue
                ch, previous_space = " ", True
            else:
                previous_space = False
            chars.append(ch)
            self.origin.append(i)
        self.text = "".join(chars)

    def pieces(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """Normalised span -> (paragraph, start, end) pieces of the original paragraphs."""
        gstart, gend = self.origin[start], self.origin[end - 1] + 1
        out: list[tuple[int, int, int]] = []
        for index, (pstart, para) in enumerate(zip(self.starts, self.paragraphs, strict=True)):
            lo, hi = max(gstart, pstart), min(gend, pstart + len(para))
            if lo < hi and para[lo - pstart:hi - pstart].strip():
                out.append((index, lo - pstart, hi - pstart))
        return out

    def paragraph_at(self, pos: int) -> int:
        """The paragraph holding normalised position ``pos``."""
        g = self.origin[min(pos, len(self.origin) - 1)] if self.origin else 0
        index = 0
        for i, s in enumerate(self.starts):
            if s <= g:
                index = i
        return index


def _norm(text: str) -> str:
    return " ".join(text.split())


def _norm_context(text: str, keep_left: bool) -> str:
    # Keep one edge space: it separates the context from the quote as in the body.
    core = _norm(text)
    if not core:
        return " " if text else ""
    if keep_left and text[:1].isspace():
        core = " " + core
    if not keep_left and text[-1:].isspace():
        core = core + " "
    return core


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    quote_sim: float
    context_sim: float
    nearness: float

    @property
    def score(self) -> float:
        return 0.7 * self.quote_sim + 0.3 * self.context_sim + 0.05 * self.nearness


def locate(paragraphs: Sequence[str], passage: Passage) -> Anchor | None:
    """Where ``passage`` is in ``paragraphs`` now, or None when it cannot be found with
    confidence."""
    if not paragraphs:
        return None
    text = _Normalised(paragraphs)
    quote = _norm(passage.quote)
    if not quote:
        return None
    prefix = _norm_context(passage.prefix, keep_left=False)
    suffix = _norm_context(passage.suffix, keep_left=True)
    best = _exact(text, quote, prefix, suffix, passage) or _fuzzy(text, quote, prefix, suffix,
                                                                   passage)
    if best is None:
        return None
    pieces = text.pieces(best.start, best.end)
    if not pieces:
        return None
    first = pieces[0]
    return Anchor(first[0], first[1], first[2], pieces=tuple(pieces),
                  confidence=round(best.quote_sim, 3))


def _score(text: _Normalised, start: int, end: int, quote: str, prefix: str, suffix: str,
           passage: Passage) -> _Candidate:
    before = text.text[max(0, start - len(prefix)):start]
    after = text.text[end:end + len(suffix)]
    # At the very start or end of the text, a short or empty context is the right context.
    pre = _similarity(prefix, before) if prefix.strip() or start > 0 else 1.0
    post = _similarity(suffix, after) if suffix.strip() or end < len(text.text) else 1.0
    distance = abs(text.paragraph_at(start) - passage.paragraph)
    nearness = 1.0 / (1.0 + distance)
    return _Candidate(start, end, _similarity(quote, text.text[start:end]), (pre + post) / 2,
                      nearness)


def _exact(text: _Normalised, quote: str, prefix: str, suffix: str,
           passage: Passage) -> _Candidate | None:
    found: list[_Candidate] = []
    at = text.text.find(quote)
    while at != -1 and len(found) < 1000:
        found.append(_score(text, at, at + len(quote), quote, prefix, suffix, passage))
        at = text.text.find(quote, at + 1)
    if not found:
        return None
    best = max(found, key=lambda c: (c.context_sim, c.nearness, -c.start))
    # A short quote ("Gaza") occurs by chance; it needs its context to be believed.
    needed = max(0.0, (40 - len(quote)) / 40) * 0.8
    return best if best.context_sim >= needed else None


def _fuzzy(text: _Normalised, quote: str, prefix: str, suffix: str,
           passage: Passage) -> _Candidate | None:
    spans = _candidate_spans(text.text, quote, prefix, suffix)
    best: _Candidate | None = None
    seen: set[tuple[int, int]] = set()
    for start, end in spans:
        refined = _refine(text.text, quote, start, end)
        if refined is None or refined in seen:
            continue
        seen.add(refined)
        cand = _score(text, refined[0], refined[1], quote, prefix, suffix, passage)
        if best is None or cand.score > best.score:
            best = cand
    if best is None:
        return None
    min_quote, min_context = ACCEPT_WITH_CONTEXT
    confident = best.quote_sim >= ACCEPT_QUOTE or (
        best.quote_sim >= min_quote and best.context_sim >= min_context
    )
    if len(quote) < 24 and best.context_sim < 0.6:
        confident = False
    return best if confident else None


def _candidate_spans(body: str, quote: str, prefix: str, suffix: str) -> list[tuple[int, int]]:
    """Rough places the passage may be: between its surviving context, or where pieces of the
    quote still occur."""
    spans: list[tuple[int, int]] = []
    n = len(quote)
    tail, head = prefix.strip()[-16:], suffix.strip()[:16]
    pre_hits = _find_all(body, tail, 20) if len(tail) >= 6 else []
    post_hits = _find_all(body, head, 20) if len(head) >= 6 else []
    for p in pre_hits:
        e = p + len(tail)
        spans.append((e, e + n))
        for s in post_hits:
            if e <= s <= e + 2 * n + CONTEXT:
                spans.append((e, s))
    for s in post_hits:
        spans.append((max(0, s - n), s))
    k = min(16, max(5, n // 4))
    for offset in range(0, max(1, n - k + 1), k):
        chunk = quote[offset:offset + k]
        if len(chunk.strip()) < 4:
            continue
        for hit in _find_all(body, chunk, 10):
            spans.append((max(0, hit - offset), hit - offset + n))
    # Spans that start within a few characters of each other refine to the same place.
    unique = sorted({max(0, s) // 8: (max(0, s), e) for s, e in spans}.values())
    return unique[:_MAX_CANDIDATES]


def _find_all(body: str, needle: str, limit: int) -> list[int]:
    hits: list[int] = []
    at = body.find(needle)
    while at != -1 and len(hits) < limit:
        hits.append(at)
        at = body.find(needle, at + 1)
    return hits


def _refine(body: str, quote: str, start: int, end: int) -> tuple[int, int] | None:
    """Align the quote inside a window around a rough span; the most similar aligned span
    (the quote's unmatched ends may have been replaced or deleted: try both), trimmed."""
    slack = len(quote) // 4 + 8
    lo = max(0, start - slack)
    window = body[lo:min(len(body), end + slack)]
    matcher = SequenceMatcher(None, quote, window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    rest = len(quote) - last.a - last.size
    best: tuple[float, int, int] | None = None
    for s in {max(0, first.b - first.a), first.b}:
        for e in {min(len(window), last.b + last.size + rest), last.b + last.size}:
            while s < e and window[s].isspace():
                s += 1
            while e > s and window[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            sim = _similarity(quote, window[s:e])
            if best is None or sim > best[0]:
                best = (sim, s, e)
    if best is None:
        return None
    return lo + best[1], lo + best[2]
