"""Fixtures for the app tests: a fixed library in tmp_path and helpers to drive the real app."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot

from newsreader.context import AppContext, build_context
from newsreader.tui.app import NewsreaderApp, make_app
from tests.cli.conftest import cli  # noqa: F401  (in-process CLI calls from TUI tests)

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_ccd60dcd14a62a27.txt"

_FILLER = (
    "officials said the talks would resume next week after a long pause while mediators "
    "travelled between the capitals and residents waited for news about the border crossing "
    "and the price of bread and fuel in the markets of the old city"
)
FILLER = _FILLER.split()

TOPICS = [
    ("Harbour strike ends after ten days", "ROTTERDAM"),
    ("Ceasefire talks resume in Cairo as mediators push for a deal", "CAIRO"),
    ("Drought threatens the wheat harvest across the plains", "NAIROBI"),
    ("Parliament passes a contested budget after an all-night session", "LONDON"),
    ("Scientists map deep-sea vents teeming with life", "SYDNEY"),
    ("Election commission sets a date for the runoff vote", "LAGOS"),
    ("Floods displace thousands in the river delta", "DHAKA"),
    ("Regulators open an antitrust probe into chip makers", "BRUSSELS"),
    ("Museum returns looted bronzes to their home city", "BENIN CITY"),
    ("Rail workers vote on a new pay offer", "MADRID"),
]


def write_article(path: Path, title: str, day: date, paragraphs: list[str]) -> None:
    """A seed-format article file."""
    body = "\n\n".join(paragraphs)
    path.write_text(f"{title}\n\n{day:%a %b %d %Y}\n\n{body}\n", "utf-8")


def make_library(root: Path, extra: int = 0) -> Path:
    """The seed plus ten generated articles with fixed dates and text (same every run)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, root / SEED.name)
    rng = random.Random(7)
    start = date(2024, 1, 8)
    for i, (title, place) in enumerate(
        [*TOPICS, *((f"Generated article number {n}", "GENEVA") for n in range(extra))]
    ):
        paragraphs = []
        for p in range(6 + (i % 5)):
            words = [rng.choice(FILLER) for _ in range(40 + rng.randrange(50))]
            text = " ".join(words).capitalize() + "."
            if p == 3 and i % 2:
                text += " A ceasefire was discussed again."
            paragraphs.append(text)
        paragraphs[0] = f"{place}: {paragraphs[0]}"
        if i == 0:
            paragraphs[1] = "Markup stays text: [bold red]not markup[/] and [link=x]no link[/link]."
        write_article(
            root / f"{i + 1:03d}_{place.lower().replace(' ', '_')}.txt",
            title,
            start + timedelta(days=9 * i),
            paragraphs,
        )
    return root


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A fixed library of eleven articles."""
    return make_library(tmp_path / "library")


@pytest.fixture
def ctx(library: Path) -> AppContext:
    """A context on the fixed library (per-user dirs are in tmp_path, see tests/conftest.py)."""
    return build_context([library])


@pytest.fixture
def new_app(ctx: AppContext) -> Callable[..., NewsreaderApp]:
    """Make the real app on the fixed library, without polling unless asked."""

    def make(poll_seconds: float | None = None) -> NewsreaderApp:
        return make_app(ctx, poll_seconds=poll_seconds)

    return make


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until background workers (scan, index, searches, loads) are done and drawn."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive worker replaced by a newer one
            continue
        await pilot.pause()
        searching = any(pane.pending for pane in app.query("SearchPane"))  # type: ignore[attr-defined]
        if searching:
            await pilot.pause(0.05)
        elif not any(w.is_running for w in app.workers):
            break
    await pilot.pause()


def notices(app: NewsreaderApp) -> list[str]:
    """The messages of every notification the app has shown, oldest first."""
    return [n.message for n in app._notifications]


def visible_text(widget: object) -> list[str]:
    """The lines a Line API widget shows now, as plain text."""
    from textual.scroll_view import ScrollView

    assert isinstance(widget, ScrollView)
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


def plain(renderable: object) -> str:
    """A Rich Text or str as plain text."""
    return renderable.plain if isinstance(renderable, Text) else str(renderable)


def render_plain(renderable: object, width: int = 100) -> str:
    """Any Rich renderable as plain text, whitespace collapsed."""
    from rich.console import Console

    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return " ".join(console.export_text().split())


async def search_for(pilot: Pilot[Any], query: str) -> Any:
    """Type ``query`` a key at a time into the search box (``/`` first unless it has focus),
    wait for the answer; returns the search pane."""
    from textual.widgets import Input

    keys = ["space" if ch == " " else ch for ch in query]
    if not isinstance(pilot.app.focused, Input):
        keys.insert(0, "slash")
    await pilot.press(*keys)
    await settle(pilot)
    return pilot.app.main_screen.search_pane  # type: ignore[attr-defined]
