"""Everyday flows at every terminal size, asserting what is on screen.

Each flow runs at the four sizes a person is likely to have (and some across a resize in
the middle), because the narrow layouts hide and show panes in ways the wide one never does.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from newsreader.tui.app import NewsreaderApp

from .conftest import settle, visible_text

SIZES = [(120, 40), (100, 30), (80, 24), (60, 20)]


def shown(app: NewsreaderApp) -> str:
    """What the reader shows now, as one string of plain text."""
    return "\n".join(visible_text(app.main_screen.reader))


def words_of(app: NewsreaderApp, paragraph: int = 0) -> str:
    """The first few words of a paragraph of the open article (its own words)."""
    article = app.main_screen.reader.article
    assert article is not None
    return " ".join(article.paragraphs[paragraph].split()[:3])


def assert_reading(app: NewsreaderApp, title_start: str) -> None:
    reader = app.main_screen.reader
    assert reader.article is not None and reader.article.title.startswith(title_start)
    text = shown(app)
    assert "Laying out" not in text
    assert title_start in text
    assert words_of(app) in " ".join(text.split())
    assert reader.border_subtitle.startswith("¶ 1/")


@pytest.mark.parametrize("size", SIZES)
async def test_open_back_open_another_and_another(
    new_app: Callable[..., NewsreaderApp], size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert_reading(app, "Hamas to Continue")
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert_reading(app, "Rail workers")
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert_reading(app, "Museum returns")
        await pilot.press("escape", "k", "enter")  # back to one laid out before
        await settle(pilot)
        assert_reading(app, "Rail workers")
