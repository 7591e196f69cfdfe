"""Parse one article file (seed format, Markdown, or untitled plain text) into an Article."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from newsreader.library.article import Article
from newsreader.library.blocks import PLAIN, Block, BlockKind
from newsreader.library.dates import parse_date
from newsreader.library.text import clean_text, decode

MAX_BYTES = 8 * 1024 * 1024
# What of one file is shown and indexed: a few hundred times a long article, so that no file
# under MAX_BYTES costs more than about a second or a hundred megabytes to index, search or
# lay out. A paragraph longer than MAX_PARAGRAPH is cut into several at spaces.
MAX_PARAGRAPHS = 2_000
MAX_PARAGRAPH = 10_000
MAX_TEXT = 200_000
TITLE_MAX = 80
SUFFIXES = frozenset({".txt", ".md", ".markdown"})
MARKDOWN_MAX_CHARS = 200_000
"""Markdown longer than this is read as plain paragraphs, not rendered (time per file)."""

# Words apart by at least one space: with ``(?:icon-[\w-]+\s*)+`` a line of "icon-icon-…!"
# could be split into words in 2**n ways, each tried (40 of them took minutes).
_NOISE = re.compile(r"^\s*icon-[\w-]+(?:\s+icon-[\w-]+)*\s*$")
# "GAZA:", "NEW YORK (Reuters) -", "WASHINGTON —": an upper-case place before a separator.
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z\u00C0-\u00DE.'’ -]{1,40}?[A-Z.])(?:,\s*[A-Z][A-Za-z.]+)?"
    r"(?:\s*\([^)]{1,40}\))?\s*(?::|\s[—–-])\s+"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s")


class ParseError(Exception):
    """The file is not an article; ``str(error)`` is the one-line reason."""


def content_hash(data: bytes) -> str:
    """The hash that identifies a file's content (for change detection and renames)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_article_bytes(path: Path, max_bytes: int = MAX_BYTES) -> tuple[bytes, os.stat_result]:
    """Read a regular file without ever blocking on a FIFO or device; ParseError otherwise."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ParseError("broken symlink" if path.is_symlink() else "file vanished") from None
    except OSError as exc:
        raise ParseError(_os_reason(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise ParseError("not a regular file")
    if st.st_dev in _system_devices() or _is_system_path(path):
        raise ParseError("a system file (under /proc, /sys or /dev), not an article")
    if st.st_size > max_bytes:
        raise ParseError(f"too large ({st.st_size} bytes; limit {max_bytes})")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ParseError(_os_reason(exc)) from None
    if data is None:  # a non-blocking read with nothing there yet: not a file of text
        raise ParseError("nothing to read without waiting")
    if len(data) > max_bytes:
        raise ParseError(f"too large (over {max_bytes} bytes)")
    return data, st


_SYSTEM = ("/proc", "/sys", "/dev")


@functools.cache
def _system_devices() -> frozenset[int]:
    """The devices of the kernel's own file systems (procfs, sysfs, devtmpfs and the mounts
    under them): their files look regular but are the kernel's state, some readable forever."""
    devices: set[int] = set()
    mounts = list(_SYSTEM)
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            mounts += [line.split()[1] for line in fh if len(line.split()) > 1]
    except OSError:
        pass
    for mount in mounts:
        if mount.startswith(_SYSTEM) and mount.split("/")[1] in ("proc", "sys", "dev"):
            with contextlib.suppress(OSError):
                devices.add(os.stat(mount).st_dev)
    with contextlib.suppress(OSError):  # a /dev that is a plain folder (a chroot) is not one
        devices.discard(os.stat("/").st_dev)
    return frozenset(devices)


def _is_system_path(path: Path) -> bool:
    """True when ``path``, its symlinks followed, is under /proc, /sys or /dev."""
    real = os.path.realpath(path)
    return any(real == top or real.startswith(top + "/") for top in _SYSTEM)


def _os_reason(exc: OSError) -> str:
    return f"unreadable: {exc.strerror or exc.__class__.__name__}"


def parse_file(path: Path, article_id: str, max_bytes: int = MAX_BYTES) -> Article:
    """Read and parse ``path``; raises ParseError with a reason when it is not an article."""
    data, st = read_article_bytes(path, max_bytes)
    return parse_bytes(data, path, article_id, size=st.st_size, mtime_ns=st.st_mtime_ns)


def parse_bytes(
    data: bytes, path: Path, article_id: str, *, size: int | None = None, mtime_ns: int = 0
) -> Article:
    """Parse raw file bytes. The format is chosen by suffix (.md) and content."""
    if not data.strip():
        raise ParseError("empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError("binary file")
    text = clean_text(decode(data))
    if "\ufffd" in text and text.count("\ufffd") > max(8, len(text) // 20):
        raise ParseError("binary file")
    full_length = len(text)
    # Room for the title and date lines, blank lines and noise, and for the limits' check.
    text = text[: 2 * MAX_TEXT + 4 * MAX_PARAGRAPHS]
    if path.suffix.lower() in {".md", ".markdown"}:
        title, day, rendered = _markdown(text)
    else:
        title, day, blocks = _plain(text)
        rendered = [(p, PLAIN) for p in (_join(b) for b in blocks) if p]
    kept, truncated = _limited(rendered)
    paragraphs = tuple(words for words, _shape in kept)
    shapes: tuple[Block, ...] = ()
    if any(shape != PLAIN for _words, shape in kept):
        shapes = tuple(shape for _words, shape in kept)
    if truncated is None and len(text) < full_length:
        truncated = f"only the first {MAX_TEXT:,} characters are shown and searched"
    if not paragraphs and not title:
        raise ParseError("no text")
    if not title:
        title = derive_title(paragraphs[0])
    dateline = _dateline(paragraphs[0]) if paragraphs else None
    return Article(
        id=article_id,
        path=path,
        title=title,
        date=day,
        dateline=dateline,
        paragraphs=paragraphs,
        blocks=shapes,
        size=len(data) if size is None else size,
        mtime_ns=mtime_ns,
        content_hash=content_hash(data),
        truncated=truncated,
    )


def _limited(
    paragraphs: Iterable[tuple[str, Block]],
) -> tuple[list[tuple[str, Block]], str | None]:
    """The paragraphs within the limits, and a notice saying what was left out, or None.

    A paragraph too long for one is cut at spaces into several plain ones: its styling's
    offsets would not fit the pieces.
    """
    out: list[tuple[str, Block]] = []
    chars = 0
    for paragraph, shape in paragraphs:
        pieces = [paragraph] if len(paragraph) <= MAX_PARAGRAPH else list(_pieces(paragraph))
        for piece in pieces:
            if len(out) == MAX_PARAGRAPHS:
                return out, (f"only the first {MAX_PARAGRAPHS:,} paragraphs are shown and searched")
            if chars + len(piece) > MAX_TEXT:
                return out, (f"only the first {MAX_TEXT:,} characters are shown and searched")
            out.append((piece, shape if len(pieces) == 1 else PLAIN))
            chars += len(piece)
    return out, None


def _pieces(paragraph: str) -> Iterator[str]:
    while len(paragraph) > MAX_PARAGRAPH:
        cut = paragraph.rfind(" ", MAX_PARAGRAPH // 2, MAX_PARAGRAPH + 1)
        if cut < 0:
            cut = MAX_PARAGRAPH
        yield paragraph[:cut].rstrip()
        paragraph = paragraph[cut:].lstrip()
    if paragraph:
        yield paragraph


def _blocks(text: str) -> list[list[str]]:
    """Split into blank-line separated blocks of stripped, non-noise lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if _NOISE.match(line):
            line = ""
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _looks_like_title(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    line = block[0]
    return len(line) <= 200 and not line.endswith((".", ",", ";", ":")) and not _is_sentence(line)


def _is_sentence(line: str) -> bool:
    return len(line) > 120 and bool(_SENTENCE_END.search(line))


def _plain(text: str) -> tuple[str | None, date | None, list[list[str]]]:
    blocks = _blocks(text)
    title: str | None = None
    if (
        blocks
        and _looks_like_title(blocks[0][:1])
        and (len(blocks[0]) == 1 or parse_date(blocks[0][1]) is not None)
    ):
        title = blocks[0][0]
        rest = blocks[0][1:]
        blocks = ([rest] if rest else []) + blocks[1:]
    day, blocks = _take_date(blocks)
    if title is None and day is not None and blocks and _looks_like_title(blocks[0]):
        title = blocks.pop(0)[0]
    return title, day, blocks


def _take_date(blocks: list[list[str]]) -> tuple[date | None, list[list[str]]]:
    """Remove the first date line found in the first two blocks' leading lines."""
    for bi in range(min(2, len(blocks))):
        block = blocks[bi]
        day = parse_date(block[0])
        if day is not None:
            rest = block[1:]
            new = blocks[:bi] + ([rest] if rest else []) + blocks[bi + 1 :]
            return day, new
    return None, blocks


_FRONT = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_PANDOC_TITLE = re.compile(r"\A% ([^\n]+)\n(?:%[^\n]*\n)*")
"""Pandoc's title block: "% title", then "% author" and "% date" lines."""


def _markdown(text: str) -> tuple[str | None, date | None, list[tuple[str, Block]]]:
    from newsreader.library.markdown import render_markdown

    title: str | None = None
    day: date | None = None
    m = _FRONT.match(text.lstrip("\n"))
    if m:
        for line in m[1].split("\n"):
            key, _, value = line.partition(":")
            value = value.strip().strip("\"'")
            if key.strip().lower() == "title" and value:
                title = value
            elif key.strip().lower() == "date" and value:
                day = parse_date(value)
        text = text.lstrip("\n")[m.end() :]
    pandoc = _PANDOC_TITLE.match(text.lstrip("\n"))
    if pandoc and title is None:
        title = pandoc[1].strip()
        text = text.lstrip("\n")[pandoc.end() :]
    if len(text) > MARKDOWN_MAX_CHARS:  # rendering takes ~1 s a MB: a huge file stays as is
        title, blocks = _markdown_lines(text, title)
        rendered = [(_join(block), PLAIN) for block in blocks]
    else:
        rendered = render_markdown(text)
    rendered = [(words, shape) for words, shape in rendered if words and not _NOISE.match(words)]
    if rendered and rendered[0][1].kind is BlockKind.HEADING:
        heading = " ".join(rendered[0][0].split())
        if title is None or heading.casefold() == title.casefold():  # not twice
            title = heading
            del rendered[0]
    if day is None:
        for i, (words, shape) in enumerate(rendered[:2]):
            if shape.kind is BlockKind.PARAGRAPH and not shape.quote:
                day = parse_date(words)
                if day is not None:
                    del rendered[i]
                    break
    return title, day, rendered


# The closing hashes are stripped in Python: as one pattern, ``(.*?)\s*#*\s*$`` backtracked
# over every run of spaces (a heading line of 5,000 spaces took minutes).
_HEADING = re.compile(r"^#{1,6}\s+(.*)$")


def _markdown_lines(text: str, title: str | None) -> tuple[str | None, list[list[str]]]:
    """The title and blocks of a Markdown file too big to render, heading marks removed."""
    blocks: list[list[str]] = []
    for block in _blocks(text):
        lines: list[str] = []
        for line in block:
            h = _HEADING.match(line)
            heading = h[1].rstrip().rstrip("#").rstrip() if h else line
            if h and title is None and not blocks and not lines:
                title = heading
                continue
            lines.append(heading)
        if lines:
            blocks.append(lines)
    return title, blocks


def _join(block: list[str]) -> str:
    return " ".join(" ".join(block).split())


def _dateline(first: str) -> str | None:
    m = _DATELINE.match(first)
    if not m:
        return None
    place = m["place"].strip(" -")
    return place if sum(c.isalpha() for c in place) >= 2 else None


def derive_title(paragraph: str, limit: int = TITLE_MAX) -> str:
    """A title from the first sentence, cut on a word boundary with an ellipsis."""
    m = _SENTENCE_END.search(paragraph + " ")
    sentence = paragraph[: m.start()].strip() if m else paragraph.strip()
    sentence = sentence.rstrip(".") or paragraph.strip()
    if not sentence:
        return "Untitled"
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-—")
    return (cut or sentence[:limit]) + "…"
