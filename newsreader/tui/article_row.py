"""One row of the article list as styled segments: star and unread markers, date, title with
its story's count, progress.

Plain Rich (no Textual) so the row's layout can be tested without an app; the widget picks the
styles (cursor, hover, focus) and crops the line.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style

from newsreader.library import ArticleSummary

DATE_WIDTH = 11
"""Cells of "06 May 2024"."""


def format_date(summary: ArticleSummary) -> str:
    """The list's date column: day, short month and year, or blank when undated."""
    return summary.date.strftime("%d %b %Y") if summary.date else ""


def fit(title: str, room: int) -> str:
    """``title`` in exactly ``room`` cells: padded, or cut with an ellipsis."""
    width = cell_len(title)
    if width <= room:
        return title + " " * (room - width)
    return set_cell_size(title, room - 1) + "…"


MIN_TITLE = 16
"""Cells a title keeps before its story's count is shortened."""


def story_parts(label: str, room: int) -> tuple[str, str]:
    """What goes before and after the title for its story: "↳ " before a version shown
    under the first, the count after the first ("4 versions · 3 sources", shortened to
    "4 versions" or "×4" when the title would have too little room)."""
    if not label:
        return "", ""
    if label == "↳":
        return "↳ ", ""
    versions = label.split(" · ")[0]
    for text in (label, versions, "×" + versions.split()[0]):
        if room - cell_len(text) - 2 >= MIN_TITLE:
            return "", "  " + text
    return "", " ×" + versions.split()[0]


class RowMarks(NamedTuple):
    """What a row says of its article besides its date and title."""

    read: bool
    """The title is drawn as read."""
    unread: bool
    """The unread dot (false for every row until the reading states are known)."""
    progress: int
    starred: bool = False
    fresh: bool = False
    """New to the saved search shown."""
    label: str = ""
    """What the row says of its story (``ArticleRows.row_label``)."""


class RowStyles(NamedTuple):
    """A row's styles for one cursor/hover/focus case: each part over the line's style."""

    line: Style
    marker: Style
    date: Style
    read: Style
    unread: Style
    progress: Style


def row_segments(
    summary: ArticleSummary, marks: RowMarks, width: int, styles: RowStyles
) -> list[Segment]:
    """The row's segments in ``width`` cells."""
    read, unread, progress, starred, fresh, label = marks
    marker = f"{'★' if starred else ' '}{'●' if unread else ' '} "
    date = format_date(summary).ljust(DATE_WIDTH)
    tail = f" {progress}% " if 0 < progress < 100 else " "
    if fresh:  # a saved search's match since it was last looked at
        tail = " new" + tail
    # What the other parts take, measured (a date in another locale may be longer).
    room = max(width - cell_len(marker + date + "  " + tail), 1)
    before, after = story_parts(label, room)
    room = max(room - cell_len(before + after), 1)
    title = Segment(fit(summary.title, room), styles.read if read else styles.unread)
    segments = [Segment(marker, styles.marker), Segment(date, styles.date)]
    segments.append(Segment("  ", styles.line))
    if before:
        segments.append(Segment(before, styles.progress))
    segments.append(title)
    if after:
        segments.append(Segment(after, styles.progress))
    segments.append(Segment(tail, styles.progress))
    return segments
