"""Text analysis shared by the index, the query parser and the highlighter.

One pass turns text into terms the way people type them: lower case, accents folded, curly and
straight apostrophes alike, possessive ``'s`` dropped, hyphenated and apostrophe words kept
whole (``al-Qanou`` -> ``alqanou``) and, when indexing, also by their parts (``al``, ``qanou``)
at the same position, so phrases still match in order. English stemming is Porter2 (Snowball):
Whoosh's older Porter leaves ``estimating``/``estimate`` apart (NOTES.md).

This module has no Whoosh import; ``whoosh_tokenizer`` wraps it for the index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

# Letters/digits joined by apostrophes or hyphens; acronyms like U.S.; numbers like 1,200.5;
# a blank line (paragraph break) so phrases never match across paragraphs.
_JOINERS = "'’‘ʼ`´\\-‐‑"
_TOKEN = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)+)"
    r"|(?P<acr>(?:[^\W\d_]\.){2,})"
    rf"|(?P<word>[^\W_]+(?:[{_JOINERS}][^\W_]+)*)"
    r"|(?P<para>\n[^\S\n]*\n)"
)
_JOIN = re.compile(rf"[{_JOINERS}]")
# The same tokens as _TOKEN without groups, so findall() returns strings (index fast path).
_FLAT = re.compile(r"\d+(?:[.,]\d+)+|(?:[^\W\d_]\.){2,}" rf"|[^\W_]+(?:[{_JOINERS}][^\W_]+)*")
_PARA = re.compile(r"\n[^\S\n]*\n")
_MAX_TOKEN = 64
PARAGRAPH_GAP = 20
"""Positions skipped at a blank line, so a phrase never spans two paragraphs."""

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʼ`´"})


def _stemmer() -> object:
    # Whoosh's Porter2 is pure Python with no imports of the rest of Whoosh (~1 ms).
    from whoosh.lang.porter2 import stem

    return stem


_stem_fn = _stemmer()
_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """The Porter2 stem of a folded word; numbers and short words pass through. Cached."""
    cached = _stem_cache.get(word)
    if cached is not None:
        return cached
    out = word if len(word) < 3 or not word.isalpha() else _stem_fn(word)  # type: ignore[operator]
    if len(_stem_cache) > 300_000:
        _stem_cache.clear()
    _stem_cache[word] = out
    return out


def fold(text: str) -> str:
    """Case-fold, fold accents (é -> e) and make every apostrophe the ASCII one."""
    text = text.translate(_APOSTROPHES).casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


class _SkeletonMap(dict[int, str]):
    """Per-character folding that keeps the length: accents off, lower case, one apostrophe."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = decomposed[0] if all(unicodedata.combining(c) for c in decomposed[1:]) else char
        if char in "’‘ʼ`´":
            base = "'"
        low = base.lower()
        self[code] = out = low if len(low) == 1 else base
        return out


_SKELETON = _SkeletonMap()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def skeleton(text: str) -> str:
    """``text`` folded character by character, so indices still point into ``text``."""
    low = text.lower()
    if text.isascii():
        return low
    if len(low) != len(text):
        return text.translate(_SKELETON)
    # str.translate looks up every character in a dict (~300 µs for an article); only the
    # few non-ASCII characters (curly quotes, accents) need the map (~4x faster).
    out = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        out.append(low[last:i])
        out.append(_SKELETON[ord(text[i])])
        last = i + 1
    out.append(low[last:])
    return "".join(out)


class Part(NamedTuple):
    """A piece of a compound word: its term and its [start, end) inside the raw token."""

    term: str
    start: int
    end: int


class Analyzed(NamedTuple):
    """The terms of one raw token: the whole word, and its parts when it is a compound."""

    term: str
    parts: tuple[Part, ...]


_cache: dict[str, Analyzed | None] = {}


def analyze_token(raw: str, kind: str = "word") -> Analyzed | None:
    """Analyze one raw token found by the tokenizer; None when it yields no term. Cached."""
    key = raw if kind == "word" else kind + "\0" + raw
    if key in _cache:
        return _cache[key]
    result = _analyze(raw, kind)
    if len(_cache) > 300_000:
        _cache.clear()
    _cache[key] = result
    return result


def _analyze(raw: str, kind: str) -> Analyzed | None:
    if len(raw) > _MAX_TOKEN:
        return None
    if kind == "num":
        return Analyzed(raw.replace(",", ""), ())
    if kind == "acr":
        return Analyzed(fold(raw.replace(".", "")), ())
    folded = fold(raw)
    if len(folded) != len(raw) or not _JOIN.search(raw):
        # Plain word, or folding changed its length (ß -> ss): no per-part offsets needed.
        whole = "".join(p for p in _JOIN.split(_strip_possessive(folded)) if p)
        return Analyzed(stem(whole), ()) if whole else None
    core = _strip_possessive(folded)
    pieces = [(m.group(), m.start()) for m in re.finditer(rf"[^{_JOINERS}]+", core)]
    whole = "".join(p for p, _ in pieces)
    if not whole:
        return None
    term = stem(whole)
    if len(pieces) < 2:
        return Analyzed(term, ())
    seen = {term}
    parts: list[Part] = []
    for piece, start in pieces:
        part = stem(piece)
        if part not in seen:
            seen.add(part)
            parts.append(Part(part, start, start + len(piece)))
    return Analyzed(term, tuple(parts))


def _strip_possessive(word: str) -> str:
    """``israel's`` -> ``israel``; ``hamas'`` -> ``hamas``."""
    if word.endswith("'s") and len(word) > 2:
        return word[:-2]
    return word.rstrip("'-")


class Token(NamedTuple):
    """One analyzed token of a text: position, character range and term."""

    pos: int
    start: int
    end: int
    term: str


def tokens(text: str, *, parts: bool = True) -> Iterator[Token]:
    """Every term of ``text`` in order; parts of a compound share the compound's position."""
    pos = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        if kind == "para":
            pos += PARAGRAPH_GAP
            continue
        analyzed = analyze_token(m.group(), kind)
        if analyzed is None:
            continue
        start = m.start()
        yield Token(pos, start, m.end(), analyzed.term)
        if parts:
            for part in analyzed.parts:
                yield Token(pos, start + part.start, start + part.end, part.term)
        pos += 1


_terms_cache: dict[str, tuple[str, ...]] = {}


MAX_TERMS = 8_000
"""Different terms indexed per article (a long natural article has a few thousand): each new
one is stemmed and written out, which is what a file of 50,000 made-up words costs."""
MAX_POSITIONS = 5_000
"""Positions kept per term and article: a search for a word repeated 100,000 times in one
file reads and decodes this many. A phrase among later repeats is not found."""


def index_positions(text: str) -> dict[str, list[int]]:
    """term -> positions, exactly as ``tokens(text)`` would give them, ~2x faster: the hot
    loop of a full build (one dict lookup per word)."""
    return _index(text, None)


def index_sequence(text: str) -> tuple[dict[str, list[int]], list[tuple[str, ...]]]:
    """``index_positions(text)`` and the terms of each token in order, with ``()`` at each
    paragraph break (what ``pairs.pair_terms`` needs to see which terms are adjacent)."""
    seq: list[tuple[str, ...]] = []
    return _index(text, seq), seq


def _index(text: str, seq: list[tuple[str, ...]] | None) -> dict[str, list[int]]:
    poses: dict[str, list[int]] = {}
    cache = _terms_cache
    pos = 0
    for para in _PARA.split(text):
        for raw in _FLAT.findall(para):
            terms = cache.get(raw)
            if terms is None:
                if len(poses) >= MAX_TERMS:
                    continue  # new words past the limit: not analysed, not indexed
                terms = cache[raw] = _raw_terms(raw)
                if len(cache) > 300_000:
                    cache.clear()
            if not terms:
                continue
            if seq is not None:
                seq.append(terms)
            for term in terms:
                if term in poses:
                    poses[term].append(pos)
                else:
                    poses[term] = [pos]
            pos += 1
        pos += PARAGRAPH_GAP
        if seq is not None:
            seq.append(())
    for poslist in poses.values():
        if len(poslist) > MAX_POSITIONS:
            del poslist[MAX_POSITIONS:]
    return poses


def _raw_terms(raw: str) -> tuple[str, ...]:
    m = _TOKEN.fullmatch(raw)
    analyzed = analyze_token(raw, m.lastgroup or "word") if m else None
    if analyzed is None:
        return ()
    return (analyzed.term, *(p.term for p in analyzed.parts))


def query_terms(text: str) -> list[str]:
    """The terms a query word or phrase stands for (whole compounds only)."""
    return [t.term for t in tokens(text, parts=False)]


def normalize_literal(text: str, *, stemmed: bool) -> str:
    """Fold a wildcard or fuzzy query word as a whole (no splitting)."""
    folded = _strip_possessive(fold(text)) if not text.endswith(("*", "?")) else fold(text)
    if not stemmed:
        return "".join(_JOIN.split(folded))
    whole = "".join(p for p in _JOIN.split(folded) if p)
    return stem(whole)


_SURFACE = re.compile(r"[^\W\d_]+(?:['’‘ʼ`´][^\W\d_]+)*")
_SURFACE_MAX = 30


def surface_words(text: str) -> set[str]:
    """The distinct words of ``text`` as a person would type them to search: folded, with
    a possessive ``'s`` dropped, hyphenated compounds as their parts; not stemmed. The
    vocabulary that spelling suggestions are made from (a stem such as ``minist`` is not a
    word to suggest)."""
    # Each distinct spelling once, through a cache (a full build's second-hottest loop was
    # folding every occurrence of every word).
    out = set(map(_SURFACE_OF.__getitem__, set(_SURFACE.findall(text))))
    out.discard("")
    return out


class _SurfaceOf(dict[str, str]):
    """A raw word -> its surface word, or "" when it is none (computed once per spelling)."""

    def __missing__(self, raw: str) -> str:
        word = _strip_possessive(fold(raw))
        if "'" in word:
            word = word.replace("'", "")
        if not (2 <= len(word) <= _SURFACE_MAX and word.isalpha()):
            word = ""
        if len(self) > 300_000:
            self.clear()
        self[raw] = word
        return word


_SURFACE_OF = _SurfaceOf()
