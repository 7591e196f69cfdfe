"""Where a reading position is after its article changed: a saved quote, found again.

Plain Python, no Textual. Uses the bookmark anchoring's normalised text and fuzzy matcher;
a position saves only a quote (no context), so only the quote's own similarity vouches for a
fuzzy place.
"""

from __future__ import annotations

from collections.abc import Sequence

POSITION_QUOTE = 48
"""Characters of text saved at a reading position (extended to the end of a word)."""


def position_quote(paragraphs: Sequence[str], paragraph: int, offset: int) -> str:
    """The first ~``POSITION_QUOTE`` characters of ``paragraphs[paragraph]`` from ``offset``,
    ending on a word boundary; "" when there is no such paragraph or no text there."""
    if not 0 <= paragraph < len(paragraphs):
        return ""
    text = paragraphs[paragraph]
    start = min(max(0, offset), len(text))
    while start < len(text) and text[start].isspace():
        start += 1
    end = min(len(text), start + POSITION_QUOTE)
    limit = min(len(text), end + 24)  # a very long "word" (a URL) is cut, not followed
    while end < limit and not text[end].isspace():
        end += 1
    return text[start:end].rstrip()


def relocate_position(
    paragraphs: Sequence[str], paragraph: int, offset: int, quote: str
) -> tuple[int, int] | None:
    """Where a reading position saved as (``paragraph``, ``offset``, ``quote``) is in
    ``paragraphs`` now: unchanged when the text there still starts with the quote, else the
    exact occurrence nearest the old paragraph, else a confident fuzzy match. None when it
    cannot be found with confidence (the caller keeps the old place)."""
    # Imported here: saving a position (every few seconds of reading) needs none of it.
    from newsreader.state.anchoring import ACCEPT_QUOTE, Passage, _fuzzy, _norm, _normalised

    wanted = _norm(quote)
    if not wanted or not paragraphs:
        return None
    offset = max(0, offset)
    if 0 <= paragraph < len(paragraphs) and _norm(paragraphs[paragraph][offset:]).startswith(
        wanted
    ):
        return paragraph, offset
    raw = _nearest_raw(paragraphs, paragraph, offset, quote)
    if raw is not None:
        return raw
    text = _normalised(tuple(paragraphs))
    if not text.text:
        return None
    passage = Passage(quote, "", "", paragraph, offset, offset + len(quote))
    nearest: tuple[int, int, int, int] | None = None  # (paragraphs away, chars away, p, s)
    at, seen = text.text.find(wanted), 0
    while at != -1 and seen < 1000:
        for p, s, _e in text.pieces(at, at + len(wanted))[:1]:
            here = (abs(p - paragraph), abs(s - offset), p, s)
            nearest = here if nearest is None else min(nearest, here)
        at, seen = text.text.find(wanted, at + 1), seen + 1
    if nearest is not None:
        return nearest[2], nearest[3]
    if len(wanted) < 16:
        return None  # a few words that changed could be anywhere: keep the old place
    # No context is saved: empty context always "matches", so only the quote's own
    # similarity may vouch for a fuzzy place.
    found = _fuzzy(text, wanted, "", "", passage)
    if found is None or found.quote_sim < ACCEPT_QUOTE:
        return None
    pieces = text.pieces(found.start, found.end)
    return (pieces[0][0], pieces[0][1]) if pieces else None


def _nearest_raw(
    paragraphs: Sequence[str], paragraph: int, offset: int, quote: str
) -> tuple[int, int] | None:
    """The quote as saved, in the paragraph nearest the old one (then nearest the old
    offset). The usual case (text added or removed elsewhere) costs a few ``str.find``
    calls instead of normalising the whole article (~100 ms at 500 KB)."""
    last = len(paragraphs) - 1
    centre = min(max(paragraph, 0), last)
    for away in range(last + 1):
        hits: list[tuple[int, int, int]] = []
        for p in {centre - away, centre + away}:
            if 0 <= p <= last:
                at = paragraphs[p].find(quote)
                while at != -1 and len(hits) < 1000:
                    hits.append((abs(at - offset), p, at))
                    at = paragraphs[p].find(quote, at + 1)
        if hits:
            _d, p, at = min(hits)
            return p, at
        if centre - away <= 0 and centre + away >= last:
            break
    return None
