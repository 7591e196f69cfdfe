"""Parse the date forms found in saved news articles; anything else is None, never an error."""

from __future__ import annotations

import re
from datetime import date, datetime

_FORMATS = (
    "%a %b %d %Y",  # Mon May 06 2024 (the seed form)
    "%A %B %d %Y",
    "%a %B %d %Y",
    "%A %b %d %Y",
    "%B %d %Y",  # May 6, 2024 (comma removed below)
    "%b %d %Y",
    "%d %B %Y",  # 6 May 2024
    "%d %b %Y",
    "%a %d %b %Y",
    "%A %d %B %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%Y %m %d",
)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)
_MAX_LEN = 64


def parse_date(text: str) -> date | None:
    """Return the date ``text`` names, or None when it is not (only) a date."""
    s = text.strip()
    if not s or len(s) > _MAX_LEN or not any(c.isdigit() for c in s):
        return None
    m = _ISO.match(s)
    if m:
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    cleaned = _ORDINAL.sub(r"\1", s.replace(",", " ").replace("Sept ", "Sep "))
    cleaned = " ".join(cleaned.split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    if "," in s or ":" in s:
        # Imported here: the email package is ~15 ms of every start-up otherwise.
        from email.utils import parsedate_to_datetime

        try:
            return parsedate_to_datetime(s).date()  # RFC 2822
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None
