"""What the reader shows before an article is open: a few keys to start with.

The keys come from the live bindings, so a remapped key (config.toml ``[keys]``) shows as
the user set it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.binding import Binding

HINTS: tuple[tuple[str, str, str], ...] = (
    ("list.open", "enter", "read the highlighted article"),
    ("main.search", "slash", "search every article"),
    ("main.bookmarks", "B", "bookmarks"),
    ("feeds.fetch", "R", "fetch subscribed feeds"),
    ("app.help", "question_mark", "all keys"),
)


def empty_hints(app: App[object], style: Callable[[str], Style]) -> list[Text]:
    """Lines for the empty reader: a heading, a gap, then ``key  what it does``."""
    keymap: Mapping[str, str] = getattr(app, "keymap", {})  # the user's overrides
    lines = [Text("No article open", style("reader--empty")), Text()]
    for binding_id, default, label in HINTS:
        key = keymap.get(binding_id, default).split(",")[0].strip()
        shown = app.get_key_display(Binding(key, ""))
        line = Text(f"{shown:>6}  ", style("reader--empty-key"))
        line.append(f"{label:<30}", style("reader--empty"))
        lines.append(line)
    width = max(line.cell_len for line in lines)
    lines[0].align("center", width)
    return lines
