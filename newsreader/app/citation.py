"""The text ``y`` copies: a passage with where it comes from (title, date, address or path)."""

from __future__ import annotations

from datetime import date

from newsreader.library.text import clean_line


def citation(
    passage: str, title: str, when: date | None, where: str, note: str | None = None
) -> str:
    """The passage in quotes, then a line naming the article, and the note if there is one.

    Lines are cleaned of terminal control characters: the clipboard's text is pasted into
    other terminals and documents."""
    lines = [f"“{clean_line(passage, 100_000)}”", ""]
    source = [clean_line(title) or "Untitled"]
    if when is not None:
        source.append(f"{when:%d %B %Y}")
    if where:
        source.append(clean_line(where, 2_000))
    lines.append("— " + ", ".join(source))
    if note and note.strip():
        lines += ["", "Note: " + clean_line(note, 10_000)]
    return "\n".join(lines)
