"""Snapshots of the main screens at 120x40 and 80x24 on the fixed library.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from newsreader.tui.app import NewsreaderApp

from .conftest import settle

SnapCompare = Callable[..., bool]
WIDE = (120, 40)
NARROW = (80, 24)


def steps(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press keys, letting background work finish after each step; hide toasts at the end."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(*key.split()) if " " in key else await pilot.press(key)
            await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


def typed(text: str) -> str:
    """Keys that type ``text``."""
    return " ".join("space" if ch == " " else ch for ch in text)


def test_list_and_reader_wide(
    snap_compare: SnapCompare, new_app: Callable[..., NewsreaderApp]
) -> None:
    run = steps("j", "enter", "right_square_bracket", "right_square_bracket")
    assert snap_compare(new_app(), terminal_size=WIDE, run_before=run)


def test_search_highlights_wide(
    snap_compare: SnapCompare, new_app: Callable[..., NewsreaderApp]
) -> None:
    run = steps("slash", typed("ceasefire"), "enter")
    assert snap_compare(new_app(), terminal_size=WIDE, run_before=run)


def test_bookmarks_wide(snap_compare: SnapCompare, new_app: Callable[..., NewsreaderApp]) -> None:
    run = steps(
        "enter",
        "right_square_bracket",
        "b",
        typed("ask about the truce"),
        "enter",
        "escape",
        "j",
        "enter",
        "G",
        "b",
        "enter",
        "B",
    )
    assert snap_compare(new_app(), terminal_size=WIDE, run_before=run)


def test_list_narrow(snap_compare: SnapCompare, new_app: Callable[..., NewsreaderApp]) -> None:
    run = steps("j", "m", "j")
    assert snap_compare(new_app(), terminal_size=NARROW, run_before=run)


def test_reader_narrow(snap_compare: SnapCompare, new_app: Callable[..., NewsreaderApp]) -> None:
    run = steps("enter", "right_square_bracket")
    assert snap_compare(new_app(), terminal_size=NARROW, run_before=run)


def test_help_narrow(snap_compare: SnapCompare, new_app: Callable[..., NewsreaderApp]) -> None:
    assert snap_compare(new_app(), terminal_size=NARROW, run_before=steps("question_mark"))


def test_feeds_narrow(snap_compare: SnapCompare, library: Path, user_dirs: Path) -> None:
    # Three feeds (one failing, one in no category); two library files were saved by the first.
    import json

    from newsreader.context import build_context
    from newsreader.feeds import subscriptions_file
    from newsreader.paths import app_paths
    from newsreader.tui.app import make_app

    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'library = ["{library}"]\narticles_dir = "{library}"\n', "utf-8")
    harbour = "https://news.example/harbour.xml"
    feeds = [
        {"url": harbour, "title": "Harbour Gazette", "category": "Shipping"},
        {
            "url": "https://wx.example/rss",
            "title": "Coast [bold]Weather[/bold]",
            "category": "Weather",
            "last_status": "failed",
            "last_error": "HTTP 503 Service Unavailable",
        },
        {"url": "https://blog.example/atom.xml"},
    ]
    path = subscriptions_file(app_paths())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, "feeds": feeds}), "utf-8")
    records = [
        {
            "url": f"https://news.example/{n}",
            "file": name,
            "title": n,
            "origin": "feed",
            "saved": "2024-05-01T00:00:00+00:00",
            "feed": harbour,
        }
        for n, name in (("a", "001_rotterdam.txt"), ("b", "010_madrid.txt"))
    ]
    (library / ".sources.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    app = make_app(build_context(), poll_seconds=None)
    assert snap_compare(app, terminal_size=NARROW, run_before=steps("F", "down"))
