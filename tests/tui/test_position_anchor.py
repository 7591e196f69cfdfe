"""Resuming an article that changed on disk: the reader comes back to the same passage, not
to the same paragraph number (two paragraphs inserted above, the file edited while open), and
falls back to the old place when the passage is gone."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from newsreader.tui.app import NewsreaderApp
from newsreader.tui.page import Position
from newsreader.tui.widgets.reader import Reader

from .conftest import FILLER, settle, write_article

TITLE = "A long report on the border talks"


def _long_story(root: Path) -> tuple[Path, list[str]]:
    """Thirty distinct paragraphs, dated so the article is the list's first row."""
    rng = random.Random(11)
    paragraphs = []
    for n in range(30):
        words = [rng.choice(FILLER) for _ in range(60)]
        words.insert(30, f"(section {n})")
        paragraphs.append(" ".join(words).capitalize() + ".")
    path = root / "zz_long_report.txt"
    write_article(path, TITLE, date(2030, 1, 1), paragraphs)
    return path, paragraphs


def _insert_at_top(path: Path, first: str) -> None:
    text = path.read_text("utf-8")
    at = text.index(first)
    path.write_text(
        text[:at] + "Update: this report was corrected on Tuesday.\n\n"
        "Editor's note: an earlier version misstated the date.\n\n" + text[at:],
        "utf-8",
    )


async def _open_first(pilot: Pilot[Any]) -> Reader:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    reader = app.main_screen.reader
    assert reader.article is not None and reader.article.title == TITLE
    return reader


async def _read_into_the_middle(pilot: Pilot[Any], reader: Reader) -> Position:
    """Page down into the article until the top line is inside the cursor paragraph."""
    await pilot.press("space", "space", "space")
    for _ in range(8):
        position = reader.position
        if position is not None and position.offset > 0:
            break
        await pilot.press("j")
    await settle(pilot)
    position = reader.position
    assert position is not None and position.paragraph >= 5 and position.offset > 0
    return position


async def _reading_the_middle(
    pilot: Any,
    paragraphs: list[str],
) -> tuple[Any, Any, str]:
    """Open the long story and read into its middle: (reader, position, paragraph text)."""
    reader = await _open_first(pilot)
    before = await _read_into_the_middle(pilot, reader)
    return reader, before, paragraphs[before.paragraph]


async def test_reopening_after_paragraphs_inserted_above_resumes_at_the_passage(
    new_app: Callable[..., NewsreaderApp],
    library: Path,
) -> None:
    path, paragraphs = _long_story(library)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader, before, passage = await _reading_the_middle(pilot, paragraphs)
        await pilot.press("q")  # quitting saves the position at once
    assert app.return_code == 0

    _insert_at_top(path, paragraphs[0])
    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        reader = await _open_first(pilot)
        assert reader.article is not None and len(reader.article.paragraphs) == 32
        assert reader.cursor == before.paragraph + 2
        assert reader.article.paragraphs[reader.cursor] == passage
        after = reader.position
        assert after is not None and after.offset == before.offset  # the same line on top


async def test_opening_another_then_back_after_an_edit_resumes_at_the_passage(
    new_app: Callable[..., NewsreaderApp],
    library: Path,
) -> None:
    path, paragraphs = _long_story(library)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader, _before, passage = await _reading_the_middle(pilot, paragraphs)
        await pilot.press("escape", "j", "enter")  # another article: saves where we were
        await settle(pilot)
        assert reader.article is not None and reader.article.title != TITLE

        _insert_at_top(path, paragraphs[0])
        app.main_screen.sync.rescan()
        await settle(pilot)
        await pilot.press("escape", "k", "enter")
        await settle(pilot)
        assert reader.article is not None and reader.article.title == TITLE
        assert len(reader.article.paragraphs) == 32
        assert reader.article.paragraphs[reader.cursor] == passage


async def test_article_edited_while_open_keeps_the_passage_in_view(
    new_app: Callable[..., NewsreaderApp],
    library: Path,
) -> None:
    path, paragraphs = _long_story(library)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader, before, passage = await _reading_the_middle(pilot, paragraphs)
        _insert_at_top(path, paragraphs[0])
        app.main_screen.sync.rescan()  # the poll sees the change and reloads the article
        await settle(pilot)
        assert reader.article is not None and len(reader.article.paragraphs) == 32
        assert reader.article.paragraphs[reader.cursor] == passage
        after = reader.position
        assert after is not None and after.offset == before.offset


async def test_deleted_passage_falls_back_to_the_old_place(
    new_app: Callable[..., NewsreaderApp],
    library: Path,
) -> None:
    path, paragraphs = _long_story(library)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await _open_first(pilot)
        before = await _read_into_the_middle(pilot, reader)
        await pilot.press("q")

    text = path.read_text("utf-8")
    path.write_text(text.replace(paragraphs[before.paragraph] + "\n\n", ""), "utf-8")
    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        reader = await _open_first(pilot)
        assert reader.article is not None and len(reader.article.paragraphs) == 29
        assert reader.cursor == before.paragraph  # the old place, now the next paragraph
        assert reader.article.paragraphs[reader.cursor] == paragraphs[before.paragraph + 1]
