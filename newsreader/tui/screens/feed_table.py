"""The feeds screen's table: its rows, the columns fitted to the screen's width, and when
each feed was fetched, in words. Every cell is ``Text`` of a cleaned line (titles,
categories and errors come from feeds and servers)."""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from newsreader.library.text import clean_line
from newsreader.tui.plural import ago, count

ALL = "*all*"
"""The row key of the first row, "All articles"."""
EMPTY = "No feeds yet: a adds one by its address (or a web page that announces one)."
COLUMNS = (
    ("Feed", "feed"),
    ("Category", "category"),
    ("Unread", "unread"),
    ("Fetched", "fetched"),
    ("Last error", "error"),
)
UNREAD_CELLS = 6
FETCHED_CELLS = 10


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One feed as the screen shows it."""

    url: str
    name: str
    category: str
    unread: int
    total: int
    last_fetched: str | None
    status: str | None
    error: str


def when_text(iso: str | None, now: float) -> str:
    """When a feed was last fetched: "never", "5 min ago", or the date when long ago."""
    if not iso:
        return "never"
    try:
        stamp = datetime.fromisoformat(iso)
    except ValueError:
        return clean_line(iso, 20)
    then = stamp.timestamp()
    if now - then > 30 * 86400:  # "1066 days ago" says less than the date
        return stamp.strftime("%Y-%m-%d")
    return ago(max(0.0, now - then))


def widths(screen_width: int) -> tuple[int, int, int]:
    """Columns for the feed's name, its category and its error: what the screen's
    width leaves after the fixed columns (no sideways scrolling at 60 columns)."""
    free = max(24, screen_width - 4 - 2 * len(COLUMNS) - UNREAD_CELLS - FETCHED_CELLS)
    name, category = free * 45 // 100, max(8, free * 20 // 100)
    return name, category, free - name - category


def fill_table(
    table: DataTable[Text],
    feeds: list[FeedRow],
    fetching: dict[str, str],
    screen_width: int,
    all_unread: int,
) -> None:
    """Lay the table out for the screen's width and show ``feeds`` in it, "All articles"
    first with ``all_unread``, the library's unread count (what choosing it shows, articles
    of no feed too); ``fetching`` says what a running fetch did of each feed. The cursor
    stays on its feed."""
    keep = highlighted_key(table)
    name_w, category_w, error_w = widths(screen_width)
    table.clear(columns=True)
    cells = (name_w, category_w, UNREAD_CELLS, FETCHED_CELLS, error_w)
    for (label, key), width in zip(COLUMNS, cells, strict=True):
        table.add_column(label, key=key, width=width)
    now = time.time()
    unread = sum(f.unread for f in feeds)

    def cell(text: str, width: int, style: str = "") -> Text:
        return Text(clean_line(text, width) if len(text) > width else text, style=style)

    table.add_row(
        Text("All articles", style="bold"),
        Text(""),
        Text(f"{all_unread:,}"),
        Text(""),
        Text(""),
        key=ALL,
    )
    for feed in feeds:
        fetched = fetching.get(feed.url) or when_text(feed.last_fetched, now)
        table.add_row(
            cell(feed.name, name_w),
            cell(feed.category, category_w),
            Text(f"{feed.unread:,}"),
            cell(fetched, FETCHED_CELLS),
            cell(feed.error, error_w, "bold" if feed.error else ""),
            key=feed.url,
        )
    table.border_subtitle = f"{count(len(feeds), 'feed')} · {unread:,} unread"
    if keep is not None:
        with contextlib.suppress(RowDoesNotExist):  # removed: the cursor stays put
            table.move_cursor(row=table.get_row_index(keep), animate=False)


def highlighted_key(table: DataTable[Text]) -> str | None:
    """The key of the row under the cursor (a feed's address, or ``ALL``)."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:
        return None
