"""Article text with terminal escapes and Rich markup is shown inert by the app: in the list,
the reader, the bookmark dialog, the bookmarks screen and search results, the rendered
screen holds no control character, no hyperlink and no escape of the article's own, and
the markup is shown as the literal text it is."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.app import App
from textual.widgets import Input

from newsreader.context import build_context
from newsreader.tui.app import make_app
from tests.faults.conftest import FaultRow
from tests.faults.test_inert_text import HOSTILE
from tests.tui.conftest import settle

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _screen(app: App[Any]) -> tuple[str, str, int]:
    """(the screen's text, the bytes a terminal would get, segments carrying a link)."""
    compositor = app.screen._compositor
    text = "\n".join(strip.text for strip in compositor.render_strips())
    update = compositor.render_update(full=True, screen_stack=app._background_screens)
    console = Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        width=app.size.width,
        height=app.size.height,
        legacy_windows=False,
    )
    raw = update.render_segments(console)  # type: ignore[union-attr]
    links = sum(
        1
        for strip in compositor.render_strips()
        for seg in strip
        if seg.style is not None and seg.style.link
    )
    return text, raw, links


def _problems(where: str, app: App[Any], literal: tuple[str, ...]) -> list[str]:
    text, raw, links = _screen(app)
    found = []
    if CONTROL.search(text):
        found.append(f"{where}: control character on screen: {CONTROL.findall(text)[:5]}")
    if "\x1b]" in raw or "\x07" in raw or "\x1b[2J" in raw:
        found.append(f"{where}: an escape of the article's own reached the terminal")
    if links:
        found.append(f"{where}: {links} segments carry a hyperlink")
    found += [f"{where}: {s!r} not shown literally" for s in literal if s not in text]
    return found


async def test_tui_shows_escapes_and_markup_inert(tmp_path: Path, fault_row: FaultRow) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "evil.txt").write_text(HOSTILE, "utf-8")
    app = make_app(build_context([lib]), poll_seconds=None)
    title, link = "[bold red]Markup[/]", "[link=https://evil]click[/link]"
    problems: list[str] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        problems += _problems("list", app, (title,))
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.reader.article is not None
        problems += _problems("reader", app, (title, link))
        await pilot.press("b")
        await settle(pilot)
        problems += _problems("bookmark dialog", app, (title, link))
        app.screen.query_one(Input).value = "[b]my note[/b] \x1b[31m"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        problems += _problems("bookmarks", app, (title, link, "[b]my note[/b]"))
        await pilot.press("escape", "slash")
        app.main_screen.search_pane.query_input.value = "click"
        await settle(pilot)
        problems += _problems("search results", app, (title, "[link=https://evil]"))
        fault_row.cycles = 5
        fault_row.note = "list, reader, bookmark dialog, bookmarks, search results"
        fault_row.recovered = 5 - len({p.split(":")[0] for p in problems})
    assert not problems, problems


async def test_tui_with_hostile_file_names(tmp_path: Path, fault_row: FaultRow) -> None:
    """An OSC 52 name and a Latin-1 name: the list loads, the index is built and searched,
    and the toast for a file that vanished shows its name printable."""
    import os

    lib = tmp_path / "lib"
    lib.mkdir()
    raw = os.fsencode(lib)
    evil = raw + b"/evil\x1b]52;c;cHduZWQ=\x07.txt"
    for name, body in (
        (evil, b"Clipboard title\n\nThe hostile body.\n"),
        (raw + b"/caf\xe9.txt", b"Cafe title\n\nThe hostile latin body.\n"),
    ):
        with open(name, "wb") as fh:
            fh.write(body)
    app = make_app(build_context([lib]), poll_seconds=None)
    problems: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.main_screen.rows.rows) == 2
        problems += _problems("list", app, ("Clipboard title", "Cafe title"))
        await pilot.press("slash")
        app.main_screen.search_pane.query_input.value = "hostile"
        await settle(pilot)
        problems += _problems("search results", app, ("2 articles",))
        await pilot.press("escape")
        await settle(pilot)
        os.unlink(evil)
        row = next(i for i, a in enumerate(app.main_screen.rows.rows) if a.id.startswith("evil"))
        app.main_screen.article_list.select_id(app.main_screen.rows.rows[row].id)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.3)  # the toast is drawn
        problems += _problems("toast", app, ())
        messages = [n.message for n in app._notifications]
        if "Cannot open evil\\x1b]52;c;cHduZWQ=\\x07.txt: file vanished" not in messages:
            problems.append(f"toast: {messages}")
    fault_row.cycles = 3
    fault_row.note = "OSC 52 and Latin-1 file names: list, search, the cannot-open toast"
    fault_row.recovered = 3 - len({p.split(":")[0] for p in problems})
    assert not problems, problems
