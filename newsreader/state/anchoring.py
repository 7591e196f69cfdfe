"""Anchoring bookmarks to text: saving a passage with its context, and finding it again after
the article changed. Exact first, then fuzzy with a confidence threshold; when neither is
confident the answer is None (orphaned), never a guess.

Matching runs on a whitespace-normalised copy of the text in which the blank line between
paragraphs is one space, so a passage survives its paragraph being split or merged.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
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
_MAX_CANDIDATES = 5
_WORD = re.compile(r"\S+")
_HITS_PER_RUN = 50
_CHAR_COMPARE_MAX = 400


@dataclass(frozen=True, slots=True)
class Passage:
    """What a bookmark saves about its passage."""

    quote: str
    prefix: str
    suffix: str
    paragraph: int
    start: int
    end: int


def capture(
    paragraphs: Sequence[str], paragraph: int, start: int = 0, end: int | None = None
) -> Passage:
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
        prefix=body[max(0, base + start - CONTEXT) : base + start],
        suffix=body[base + end : base + end + CONTEXT],
        paragraph=paragraph,
        start=start,
        end=end,
    )


class _Normalised:
    """The article body as words joined by single spaces, with a map back to the original."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        self.paragraphs = paragraphs
        self.starts: list[int] = []
        pos = 0
        for p in paragraphs:
            self.starts.append(pos)
            pos += len(p) + 2
        self.words: list[str] = []
        self._origins: list[int] = []
        for m in _WORD.finditer("\n\n".join(paragraphs)):
            self.words.append(m.group())
            self._origins.append(m.start())
        self.text = " ".join(self.words)
        self.word_spans: list[tuple[int, int]] = []
        pos = 0
        for word in self.words:
            self.word_spans.append((pos, pos + len(word)))
            pos += len(word) + 1
        self._word_starts = [s for s, _e in self.word_spans]
        self._shingles: dict[int, dict[tuple[str, ...], list[int]]] = {}

    def origin(self, pos: int) -> int:
        """Normalised position -> position in the paragraphs joined by blank lines."""
        j = max(0, bisect.bisect_right(self._word_starts, pos) - 1)
        offset = pos - self._word_starts[j]
        return self._origins[j] + min(offset, len(self.words[j]))

    def shingles(self, k: int) -> dict[tuple[str, ...], list[int]]:
        """Every run of ``k`` words -> the word positions where it starts."""
        if k not in self._shingles:
            index: dict[tuple[str, ...], list[int]] = {}
            for i in range(len(self.words) - k + 1):
                index.setdefault(tuple(self.words[i : i + k]), []).append(i)
            self._shingles[k] = index
        return self._shingles[k]

    def pieces(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """Normalised span -> (paragraph, start, end) pieces of the original paragraphs."""
        gstart, gend = self.origin(start), self.origin(end - 1) + 1
        out: list[tuple[int, int, int]] = []
        for index, (pstart, para) in enumerate(zip(self.starts, self.paragraphs, strict=True)):
            lo, hi = max(gstart, pstart), min(gend, pstart + len(para))
            if lo < hi and para[lo - pstart : hi - pstart].strip():
                out.append((index, lo - pstart, hi - pstart))
        return out

    def paragraph_at(self, pos: int) -> int:
        """The paragraph holding normalised position ``pos``."""
        return max(0, bisect.bisect_right(self.starts, self.origin(pos)) - 1)


@functools.lru_cache(maxsize=4)
def _normalised(paragraphs: tuple[str, ...]) -> _Normalised:
    # An article's bookmarks are anchored one after another against the same text.
    return _Normalised(paragraphs)


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
    if a == b:
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
    text = _normalised(tuple(paragraphs))
    quote = _norm(passage.quote)
    if not quote or not text.text:
        return None
    prefix = _norm_context(passage.prefix, keep_left=False)
    suffix = _norm_context(passage.suffix, keep_left=True)
    best = _exact(text, quote, prefix, suffix, passage) or _fuzzy(
        text, quote, prefix, suffix, passage
    )
    if best is None:
        return None
    pieces = text.pieces(best.start, best.end)
    if not pieces:
        return None
    first = pieces[0]
    return Anchor(
        first[0], first[1], first[2], pieces=tuple(pieces), confidence=round(best.quote_sim, 3)
    )


def _context(text: _Normalised, start: int, end: int, prefix: str, suffix: str) -> float:
    before = text.text[max(0, start - len(prefix)) : start]
    after = text.text[end : end + len(suffix)]
    # At the very start or end of the text, a short or empty context is the right context.
    pre = _similarity(prefix, before) if prefix.strip() or start > 0 else 1.0
    post = _similarity(suffix, after) if suffix.strip() or end < len(text.text) else 1.0
    return (pre + post) / 2


def _nearness(text: _Normalised, start: int, passage: Passage) -> float:
    return 1.0 / (1.0 + abs(text.paragraph_at(start) - passage.paragraph))


def _exact(
    text: _Normalised, quote: str, prefix: str, suffix: str, passage: Passage
) -> _Candidate | None:
    found: list[_Candidate] = []
    at = text.text.find(quote)
    while at != -1 and len(found) < 1000:
        end = at + len(quote)
        found.append(
            _Candidate(
                at, end, 1.0, _context(text, at, end, prefix, suffix), _nearness(text, at, passage)
            )
        )
        at = text.text.find(quote, at + 1)
    if not found:
        return None
    best = max(found, key=lambda c: (c.context_sim, c.nearness, -c.start))
    # A short quote ("Gaza") occurs by chance; it needs its context to be believed.
    needed = max(0.0, (40 - len(quote)) / 40) * 0.8
    return best if best.context_sim >= needed else None


def _fuzzy(
    text: _Normalised, quote: str, prefix: str, suffix: str, passage: Passage
) -> _Candidate | None:
    words = quote.split(" ")
    found: dict[tuple[int, int], _Candidate] = {}
    for start in _likely_starts(text, words, prefix.split(), suffix.split()):
        refined = _refine(text, words, start)
        if refined is None or refined[:2] in found:
            continue
        ws, we, sim = refined
        cs, ce = text.word_spans[ws][0], text.word_spans[we - 1][1]
        found[ws, we] = _Candidate(
            cs, ce, sim, _context(text, cs, ce, prefix, suffix), _nearness(text, cs, passage)
        )
        if sim >= 0.97:
            break  # as good as it gets: the rest are other, weaker places
    ranked = sorted(found.values(), key=lambda c: c.score, reverse=True)
    if len(quote) <= _CHAR_COMPARE_MAX:
        # Words rank the places; characters judge the best two finely (a short quote may
        # begin inside a word, and one changed word weighs less than a word diff says).
        ranked = [_by_chars(text, quote, prefix, suffix, c) for c in ranked[:2]]
    best = max(ranked, key=lambda c: c.score, default=None)
    if best is None:
        return None
    min_quote, min_context = ACCEPT_WITH_CONTEXT
    confident = best.quote_sim >= ACCEPT_QUOTE or (
        best.quote_sim >= min_quote and best.context_sim >= min_context
    )
    if len(quote) < 24 and best.context_sim < 0.6:
        confident = False
    return best if confident else None


def _by_chars(
    text: _Normalised, quote: str, prefix: str, suffix: str, cand: _Candidate
) -> _Candidate:
    start, end = _refine_chars(text.text, quote, cand.start, cand.end)
    return _Candidate(
        start,
        end,
        _similarity(quote, text.text[start:end]),
        _context(text, start, end, prefix, suffix),
        cand.nearness,
    )


def _likely_starts(
    text: _Normalised, words: list[str], prefix: list[str], suffix: list[str]
) -> list[int]:
    """Word positions where the quote may start now, best first: every run of ``k`` quote
    (or context) words found in the text votes for the start it implies."""
    k = 1 if len(words) < 3 else 2 if len(words) < 6 else 3
    index = text.shingles(k)
    votes: Counter[int] = Counter()

    def vote(run: list[str], implied: int) -> None:
        for pos in index.get(tuple(run), ())[:_HITS_PER_RUN]:
            votes[pos + implied] += 1

    for i in range(len(words) - k + 1):
        vote(words[i : i + k], -i)
    for i in range(len(prefix) - k + 1):
        vote(prefix[i : i + k], len(prefix) - i)
    for i in range(len(suffix) - k + 1):
        vote(suffix[i : i + k], -i - len(words))
    starts: list[int] = []
    for start, _count in votes.most_common():
        if len(starts) >= _MAX_CANDIDATES:
            break
        if all(abs(start - s) > 2 for s in starts):  # neighbours refine to the same place
            starts.append(start)
    return starts


def _refine(text: _Normalised, words: list[str], start: int) -> tuple[int, int, float] | None:
    """Align the quote's words inside a window around ``start``: the word span from the
    first to the last matching word, and its similarity to the quote (0..1)."""
    slack = max(3, len(words) // 4)
    lo = max(0, start - slack)
    window = text.words[lo : max(lo, start + len(words) + slack)]
    matcher = SequenceMatcher(None, words, window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    s, e = blocks[0].b, blocks[-1].b + blocks[-1].size
    matched = sum(b.size for b in blocks)
    return lo + s, lo + e, 2 * matched / (len(words) + e - s)


def _refine_chars(body: str, quote: str, start: int, end: int) -> tuple[int, int]:
    """Move a word-aligned span's ends to where the quote's characters align (a quote may
    begin or end inside a word, as after a closing quotation mark)."""
    lo = max(0, start - 16)
    window = body[lo : end + 16]
    blocks = [
        b
        for b in SequenceMatcher(None, quote, window, autojunk=False).get_matching_blocks()
        if b.size
    ]
    if not blocks:
        return start, end
    first, last = blocks[0], blocks[-1]
    rest = len(quote) - last.a - last.size
    best = (_similarity(quote, body[start:end]), start, end)
    for s in {max(0, first.b - first.a), first.b}:
        for e in {min(len(window), last.b + last.size + rest), last.b + last.size}:
            while s < e and window[s].isspace():
                s += 1
            while e > s and window[e - 1].isspace():
                e -= 1
            if s < e:
                sim = _similarity(quote, window[s:e])
                if sim > best[0]:
                    best = (sim, lo + s, lo + e)
    return best[1], best[2]
