"""File names as text that is safe to show, to encode and to type back.

On POSIX a name is bytes: Python hands undecodable bytes over as lone surrogates (which no
UTF-8 encoder, JSON reader or SQLite text column accepts) and control characters through
unchanged (a newline splits a line; ESC ] 52 writes a terminal's clipboard). ``inert`` spells
each such character as a backslash escape: ``caf\\xe9`` for a Latin-1 byte, ``\\x1b`` for
ESC. The result is printable, valid UTF-8, and the same on every run, so it can serve as an
article id that a user copies from ``list`` and passes to ``show``.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, bidi overrides and isolates, line and paragraph separators, and
# every surrogate (from undecodable bytes, or from text that was never valid).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # the byte that did not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(name: str) -> str:
    """``name`` with every unprintable or unencodable character as a backslash escape."""
    if name.isascii() and name.isprintable():  # nothing to escape: no scan
        return name
    return _UNSAFE.sub(_escape, name)


def inert_all(names: list[str]) -> list[str]:
    """``inert`` of each name; one scan of them all when (as usual) none needs it."""
    if not _UNSAFE.search("/".join(names)):
        return names
    return [inert(n) for n in names]
