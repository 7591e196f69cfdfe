"""Turn raw bytes into safe, normalized text: decoding, newlines, NFC, no control characters."""

from __future__ import annotations

import codecs
import re
import unicodedata

# C0 and C1 controls except tab and newline, DEL, and the bidi overrides that can make a
# terminal show text in an order other than the file's.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# ESC-based and C1 (U+009B CSI, U+009D OSC; U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC)
# sequences: a control string runs to ST (ESC \\ or U+009C) or BEL.
_ESCAPE_SEQ = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[@-Z\\-_]"
)


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM; otherwise fall back to cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; "replace" keeps going instead of failing.
        return data.decode("cp1252", errors="replace")


def clean_text(text: str) -> str:
    """Normalize newlines to LF and Unicode to NFC, and drop terminal control characters.

    Whole escape sequences go first so that no printable residue such as ``[31m`` is left.
    """
    if text.isascii() and text.isprintable():  # nothing to do (most titles): no scans
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQ.sub("", text)
    text = _UNSAFE.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_line(text: str, limit: int | None = None) -> str:
    """``clean_text`` for text shown on one line (titles, reasons, addresses from outside):
    every run of whitespace, newlines included, becomes one space; ``limit`` cuts it to that
    many characters with an ellipsis."""
    line = " ".join(clean_text(text).split())
    if limit is not None and len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line
