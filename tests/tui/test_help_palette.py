"""Help generated from the bindings, key overrides, the command palette, themes, notices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Input, Static

from newsreader.config import load_config
from newsreader.context import build_context
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.bookmarks import BookmarksScreen
from newsreader.tui.screens.help import HelpScreen

from .conftest import plain, settle


def help_text(app: NewsreaderApp) -> str:
    assert isinstance(app.screen, HelpScreen)
    parts = []
    for block in app.screen.query(".help-block").results(Static):
        parts.append(f"{block.border_title}\n")
        console = Console(width=100, record=True)
        console.print(block.content)
        parts.append(console.export_text())
    return "\n".join(parts)


async def test_help_lists_every_pane_with_key_overrides(library: Path, user_dirs: Path) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[keys]\n"reader.bookmark" = "x"\n"list.toggle_read" = "r,m"\n"no.such.binding" = "z"\n',
        "utf-8",
    )
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        warnings = [n.message for n in app._notifications]
        assert any("no.such.binding" in m for m in warnings)  # a typo in [keys] is reported
        await pilot.press("question_mark")
        text = help_text(app)
        assert "reader.bookmark" in text  # ids are shown, for config.toml
        for heading in (
            "Everywhere",
            "Article list",
            "Reader",
            "Search",
            "Bookmarks",
            "Search syntax",
        ):
            assert heading in text
        for description in ("Next paragraph", "Hide read", "Edit note", "Quit", "Undo delete"):
            assert description in text
        bookmark_line = next(
            line for line in text.splitlines() if "Bookmark" in line and "Bookmarks" not in line
        )
        assert bookmark_line.split()[0] == "x"  # the override, not the default b
        read_line = next(line for line in text.splitlines() if "Read/unread" in line)
        assert read_line.split()[:2] == ["r", "m"]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

        # The override is live: x bookmarks, b does nothing in the reader.
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        assert app.screen is app.main_screen
        await pilot.press("x")
        assert app.screen is not app.main_screen
        await pilot.press("escape")
        await pilot.press("r")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_help_from_search_shows_query_syntax_first(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "f1")
        assert isinstance(app.screen, HelpScreen)
        blocks = list(app.screen.query(".help-block").results(Static))
        assert blocks[0].border_title == "Search syntax"
        assert '"truce talks"' in help_text(app)


async def palette(pilot: object, app: NewsreaderApp, query: str) -> None:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    assert isinstance(app.screen, CommandPalette)
    app.screen.query_one(Input).value = query  # as typed, without a key press per letter
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.pause(0.3)  # type: ignore[attr-defined]  # the palette debounces too
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_palette_commands(new_app: Callable[..., NewsreaderApp]) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await palette(pilot, app, "hide read")
        assert app.main_screen.rows.hide_read

        await palette(pilot, app, "open bronzes")
        reader = app.main_screen.reader
        assert reader.article is not None and reader.article.title.startswith("Museum returns")

        await palette(pilot, app, "bookmarks")
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("escape")

        await palette(pilot, app, "export bookmarks")
        exported = app.ctx.paths.data_dir / "bookmarks.md"
        assert exported.exists()

        await palette(pilot, app, "search articles")
        assert app.focused is app.main_screen.search_pane.query_input


async def test_theme_change_is_saved(new_app: Callable[..., NewsreaderApp], library: Path) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await settle(pilot)
    assert load_config(app.ctx.paths.config_file).theme == "nord"
    again = make_app(build_context([library]), poll_seconds=None)  # reads config.toml afresh
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_unsavable_state_shows_a_lasting_notice(library: Path, user_dirs: Path) -> None:
    # A file where the data folder should be: nothing can be saved.
    (user_dirs / "data").mkdir(parents=True)
    (user_dirs / "data" / "newsreader").write_text("not a folder", "utf-8")
    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notice = plain(app.main_screen.status.query_one("#notice", Static).content)
        assert notice.startswith("⚠")
        assert app.main_screen.status.query_one("#notice").display
        # The store itself opened, in memory, and said why (not "no store at all").
        store = app.session.store()
        assert store is not None and not store.saving
        assert "unavailable" not in notice and notice[2:] == store.notices[-1]
        assert any(n.title == "Reading state" for n in app._notifications)
        await pilot.press("enter")  # reading still works
        await settle(pilot)
        assert app.main_screen.reader.article is not None
        await pilot.press("escape", "j", "m")  # and read marks are kept for this session
        await settle(pilot)
        second = app.main_screen.rows.rows[1]
        assert app.main_screen.rows.is_read(second.id)
        app.session.write(lambda _store: None).result(timeout=10)  # the mark is written
        assert store.reading_states([second])[second.id].read


async def test_key_bar_follows_the_focused_pane(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    from newsreader.tui.widgets.key_bar import KeyBar

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        bar = app.main_screen.query_one(KeyBar)

        def shown() -> str:
            return bar.render().plain

        assert "Read/unread" in shown() and "Open" in shown()
        await pilot.press("enter")  # open the article: the reader's keys
        await settle(pilot)
        assert "b Bookmark " in shown() and "Read/unread" not in shown()
        await pilot.press("slash", *"ceasefire")
        await settle(pilot)
        await pilot.press("down")  # on the hits: Enter opens a hit
        assert "Open" in shown() and "b Bookmark " not in shown()
        painted = " ".join(seg.text for seg in bar.render_line(0))
        assert "Open" in painted  # drawn, not only computed


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_help_says_what_m_does_now(
    new_app: Callable[..., NewsreaderApp], size: tuple[int, int]
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)

        def m_line() -> str:
            return next(line for line in help_text(app).splitlines() if line.split()[:1] == ["M"])

        await pilot.press("question_mark")
        assert "Hide read" in m_line() and "Show read" not in m_line()
        await pilot.press("escape", "M")  # read articles hidden now
        await settle(pilot)
        assert app.main_screen.hiding_read
        await pilot.press("question_mark")
        assert "Show read" in m_line() and "Hide read" not in m_line()
        await pilot.press("escape", "B")  # from the bookmarks screen: no list to ask
        await settle(pilot)
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("question_mark")
        assert "Hide read / Show read" in m_line()
