"""The tags a Markdown file gives itself in its front matter (``tags: [a, b]``, ``tags: a, b``
or a ``- a`` list under ``tags:``): the article's own tags, shown apart from the user's.

Read from the head of the file only, and cached by path and modification time, so asking
again for an unchanged library costs a dictionary lookup per article.
"""

from __future__ import annotations

import re
import threading

from newsreader.library.text import clean_line

_HEAD_BYTES = 8192
"""Front matter longer than this is not looked into for tags."""
_FRONT = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd")
_cache: dict[str, tuple[int, tuple[str, ...]]] = {}
_lock = threading.Lock()


def tags_in(text: str) -> tuple[str, ...]:
    """The ``tags:`` (or ``keywords:``/``categories:``) of a document's front matter."""
    match = _FRONT.match(text.replace("\r\n", "\n").lstrip("\n"))
    if not match:
        return ()
    found: list[str] = []
    lines = match[1].split("\n")
    for n, line in enumerate(lines):
        key, colon, value = line.partition(":")
        if not colon or key.strip().lower() not in ("tags", "keywords", "categories"):
            continue
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            value = value[1:-1]
        if value:
            found.extend(value.split(","))
            continue
        for item in lines[n + 1 :]:  # a YAML block list
            if not item.lstrip().startswith("- "):
                break
            found.append(item.lstrip()[2:])
    out: dict[str, str] = {}
    for raw in found:
        tag = clean_line(raw.strip().strip("\"'"), 80)
        if tag:
            out.setdefault(tag.casefold(), tag)
    return tuple(out.values())


def file_tags(path: str, mtime_ns: int) -> tuple[str, ...]:
    """The front-matter tags of the Markdown file at ``path`` (none for other files or a
    file that cannot be read)."""
    if not path.lower().endswith(_MARKDOWN):
        return ()
    with _lock:
        known = _cache.get(path)
    if known is not None and known[0] == mtime_ns:
        return known[1]
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError:
        return ()
    tags = tags_in(head.decode("utf-8", "replace"))
    with _lock:
        _cache[path] = (mtime_ns, tags)
    return tags
