"""One search hit as the result list's lines: its title with the matched words marked, then
its date, its story's count and its snippet, wrapped to the list's width.

Plain Rich (no Textual): the widget hands in the styles of its parts and draws the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from newsreader.search import SearchHit


def hit_lines(
    hit: SearchHit,
    width: int,
    console: Console,
    part: Callable[[str], Style],
    label: str = "",
) -> list[Text]:
    """The hit's lines at ``width``; ``part`` gives the style of "title", "date" and "match",
    ``label`` is what the hit says of its story ("3 versions · 2 sources", "↳", "")."""
    match = part("match")
    title = Text(hit.title, part("title"))
    for start, end in hit.title_spans:
        title.stylize(match, start, end)
    if label == "↳":  # a version shown under the story's first hit
        title = Text("↳ ", part("date")).append_text(title)
    snippet = Text()
    if hit.date:
        snippet.append(f"{hit.date:%d %b %Y} · ", part("date"))
    if label and label != "↳":
        snippet.append(f"{label} · ", part("date"))
    offset = len(snippet)
    snippet.append(hit.snippet)
    for begin, end in hit.snippet_spans:
        snippet.stylize(match, offset + begin, offset + end)
    return [*title.wrap(console, width), *snippet.wrap(console, width)]


def estimate_lines(hit: SearchHit, width: int) -> int:
    """About how many lines the hit takes at ``width``, without wrapping it (for the hits
    below the view, until they are wrapped)."""
    title = -(-len(hit.title) // width)
    snippet = -(-(len(hit.snippet) + 14) // width)
    return max(title, 1) + max(snippet, 1)
