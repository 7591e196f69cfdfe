"""An article ready to save, and its text in the seed format that ``library.parse`` reads back:

Title line

Mon May 06 2024

GAZA: first paragraph ...

next paragraph ...
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from newsreader.library.dates import parse_date
from newsreader.library.parse import derive_title
from newsreader.library.text import clean_text

TITLE_LIMIT = 120
"""The parser takes a longer first line that holds a sentence end for a paragraph."""
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NOISE = re.compile(r"^\s*(?:icon-[\w-]+\s*)+$")  # the parser drops these lines
_SENTENCE = re.compile(r"[.!?…。！？]")
_WORDPRESS_TAIL = re.compile(r"^The post .+ appeared first on .+$")


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """What an extractor found; ``prepare`` makes it safe to write."""

    title: str
    date: date | None
    paragraphs: tuple[str, ...]
    author: str | None = None
    canonical_url: str | None = None
    """The page's own idea of its address (``<link rel=canonical>``), when it has one."""

    @property
    def text_length(self) -> int:
        """Characters of body text."""
        return sum(len(p) for p in self.paragraphs)


def prepare(draft: ArticleDraft) -> ArticleDraft:
    """Clean the text, drop lines the parser would misread, and fill in a title."""
    paragraphs = [p for p in (_one_line(p) for p in draft.paragraphs) if p and not _NOISE.match(p)]
    if paragraphs and _WORDPRESS_TAIL.match(paragraphs[-1]):
        paragraphs.pop()
    day = draft.date
    # A paragraph that is only a date would be read back as the article's date.
    kept: list[str] = []
    for p in paragraphs:
        found = parse_date(p)
        if found is None:
            kept.append(p)
        elif day is None:
            day = found
    title = _title(draft.title)
    if kept and title and kept[0].casefold() == title.casefold():
        kept.pop(0)  # extractors often repeat the headline as the first line
    if not title:  # a headline of punctuation only ("...") cleans to nothing, so may its line
        title = (_title(derive_title(kept[0])) if kept else "") or "Untitled"
    author = _one_line(draft.author or "") or None
    return ArticleDraft(title, day, tuple(kept), author, draft.canonical_url)


def looks_like_article(paragraphs: Iterable[str]) -> bool:
    """True when there is prose: at least one paragraph of sentences, not just links or labels."""
    return any(
        len(p) >= 80 and (_SENTENCE.search(p) is not None or len(p.split()) >= 15)
        for p in paragraphs
    )


def format_article(draft: ArticleDraft) -> str:
    """The file text of a prepared draft."""
    parts = [draft.title]
    if draft.date is not None:
        parts.append(format_date(draft.date))
    parts.extend(draft.paragraphs)
    return "\n\n".join(parts) + "\n"


def format_date(day: date) -> str:
    """``Mon May 06 2024``, in English whatever the locale (strftime's %a follows LC_TIME)."""
    return f"{_DAYS[day.weekday()]} {_MONTHS[day.month - 1]} {day.day:02d} {day.year:04d}"


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII words joined by hyphens, for readable file names and ids."""
    text = re.sub(r"['’]", "", text)  # "Israel's" -> "israels", not "israel-s"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "-".join(words)[:limit]


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def _title(text: str) -> str:
    title = _one_line(text).rstrip(" .,;:")
    if _NOISE.match(title):
        return ""
    if len(title) > TITLE_LIMIT:
        cut = title[: TITLE_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" .,;:-—")
        title = (cut or title[: TITLE_LIMIT - 1]) + "…"
    return title
