"""A Markdown article in the reader: rendered (emphasis, links, lists, quotes, code,
headings), and search, highlights and bookmarks work on the rendered text."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from newsreader.context import build_context
from newsreader.state import StateStore
from newsreader.tui.app import NewsreaderApp, make_app
from tests.cli.conftest import CLI

from .conftest import SEED, search_for, settle, visible_text

NOTE = """---
title: Ceasefire talks, what we know
date: 2024-05-07
tags: [gaza]
---

# Ceasefire talks, what we know

**CAIRO** — Negotiators met on *Tuesday* for a _second_ day, according to
[Reuters](https://www.reuters.com/world/ "Reuters") and [the AP][ap].

## Key points

- Hostage releases in **three phases**, with a long explanation of each phase that wraps
  onto a second line at every width
  - first phase: 33 people
- A pause of `42 days`

> "We are closer than ever," a mediator said.

```
total = days * 600
```

[ap]: https://apnews.com/
"""
SIZES = [(120, 40), (80, 24), (60, 20)]


@pytest.fixture
def md_app(tmp_path: Path) -> NewsreaderApp:
    root = tmp_path / "md"
    root.mkdir()
    shutil.copy(SEED, root / SEED.name)
    (root / "talks.md").write_text(NOTE, "utf-8")
    return make_app(build_context([root]), poll_seconds=None)


async def open_note(pilot: Pilot[Any], app: NewsreaderApp) -> None:
    await settle(pilot)
    index = next(i for i, row in enumerate(app.main_screen.rows.rows) if row.id == "talks")
    await pilot.press(*["j"] * index, "enter")
    await settle(pilot)
    assert app.main_screen.reader.article is not None
    assert app.main_screen.reader.article.id == "talks"


@pytest.mark.parametrize("size", SIZES)
async def test_markdown_is_rendered_in_the_reader(
    md_app: NewsreaderApp, size: tuple[int, int]
) -> None:
    app = md_app
    async with app.run_test(size=size) as pilot:
        await open_note(pilot, app)
        reader = app.main_screen.reader
        on_screen = "\n".join(visible_text(reader))
        assert "CAIRO — Negotiators met on Tuesday" in on_screen
        for markup in ("**", "](", "[ap]", "- Hostage", "```", "## "):
            assert markup not in on_screen
        page = reader.page
        assert page is not None
        texts = [line.prefix + reader._painter._line_text(line).plain for line in page.lines]
        first_item = next(i for i, t in enumerate(texts) if "• Hostage releases" in t)
        # The item's second line hangs under its text, not under the bullet.
        assert texts[first_item + 1].startswith("  ") and texts[first_item + 1].strip()
        assert any(t.startswith("  ◦ first phase") for t in texts)
        assert any(t.startswith('│ "We are closer') for t in texts)
        assert any(t.startswith("  total = days * 600") for t in texts)
        # Styles: the heading, emphasis and the links (OSC 8 hyperlinks, the address as data).
        paragraph = next(
            i
            for i, p in enumerate(reader.article.paragraphs)  # type: ignore[union-attr]
            if p.startswith("CAIRO")
        )
        y = page.first_line[paragraph] - int(reader.scroll_offset.y)
        lines = [reader.render_line(y + k) for k in range(page.line_count[paragraph])]
        segments = [seg for strip in lines for seg in strip]
        assert any(seg.text.strip() == "CAIRO" and seg.style and seg.style.bold for seg in segments)
        assert any("Tuesday" in seg.text and seg.style and seg.style.italic for seg in segments)
        links = {seg.style.link for seg in segments if seg.style and seg.style.link}
        assert links == {"https://www.reuters.com/world/", "https://apnews.com/"}


@pytest.mark.parametrize("size", SIZES)
async def test_search_highlights_and_bookmarks_use_the_rendered_text(
    md_app: NewsreaderApp,
    size: tuple[int, int],
) -> None:
    app = md_app
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        pane = await search_for(pilot, "phases")  # a word inside **bold**, in a list item
        [hit] = pane.result.hits
        assert hit.id == "talks" and "**" not in hit.snippet
        await pilot.press("enter")
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None and reader.article.id == "talks"
        current = reader.matches[reader.current_match]
        text = reader.article.paragraphs[current.paragraph]
        assert text.startswith("• Hostage releases")
        assert text[current.start : current.end] == "phases"
        page = reader.page
        assert page is not None
        y = page.line_of(current.paragraph, current.start) - int(reader.scroll_offset.y)
        strip = reader.render_line(y)
        colour = reader.get_component_rich_style("reader--match-current").bgcolor
        assert any(
            seg.text == "phases" and seg.style and seg.style.bgcolor == colour and seg.style.bold
            for seg in strip
        )  # highlighted, and still bold
        await pilot.press("b", "enter")
        await settle(pilot)
    store = StateStore.open(app.ctx.paths.state_file)
    try:
        [bookmark] = store.bookmarks()
    finally:
        store.close()
    assert bookmark.quote == text  # the rendered paragraph, the same text as the index's


async def test_show_prints_rendered_text(md_app: NewsreaderApp, cli: CLI) -> None:
    root = md_app.ctx.library.roots[0]
    plain = cli("show", "talks", library=root)
    assert plain.code == 0, plain.err
    assert "**" not in plain.out and "](" not in plain.out
    assert "• Hostage releases in three phases" in plain.out
    assert "\n  ◦ first phase: 33 people\n" in plain.out
    shown = cli("show", "talks", "--json", library=root)
    assert shown.code == 0, shown.err
    data = shown.json()
    assert data["paragraphs"][0].startswith("CAIRO — Negotiators met on Tuesday")
    assert (
        data["paragraphs"][2] == "• Hostage releases in three phases, with a long "
        "explanation of each phase that wraps onto a second line at every width"
    )


def test_markdown_reader_snapshot(snap_compare: object, md_app: NewsreaderApp) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_note(pilot, pilot.app)  # type: ignore[arg-type]
        await pilot.press("right_square_bracket")
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(md_app, terminal_size=(80, 24), run_before=run)  # type: ignore[operator]


async def test_a_code_paragraph_is_one_line_in_search_output(
    md_app: NewsreaderApp, cli: CLI
) -> None:
    root = md_app.ctx.library.roots[0]
    (root / "code.md").write_text("# Code\n\n```\ncount = 1\nrafah = count\n```\n", "utf-8")
    run = cli("search", "count", library=root)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert any("count = 1 rafah = count" in line for line in lines)  # a record per line


_PIECES = [
    "word",
    "**bold**",
    "_it_",
    "[a link](https://x.org)",
    "`code`",
    "\n",
    "\n\n",
    "- ",
    "  - ",
    "1. ",
    "> ",
    "```\n",
    "    ",
    "<b>",
    "|a|b|\n|-|-|\n",
    "# ",
    "\\\n",
    "ünïcødé",
    "全角の文字",
    "a" * 90,
    " ",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60), st.integers(20, 130))
def test_any_markdown_lays_out_inside_the_text_column(pieces: list[str], width: int) -> None:
    from rich.cells import cell_len

    from newsreader.library import ParseError
    from newsreader.library.parse import parse_bytes
    from newsreader.tui.page import LineKind, lay_out

    try:
        article = parse_bytes(("".join(pieces) + "\nend").encode(), Path("h.md"), "h")
    except ParseError:
        return
    page = lay_out(article, width)
    for line in page.lines:
        if line.kind is not LineKind.BODY:
            continue
        text = article.paragraphs[line.paragraph]
        assert 0 <= line.start <= line.end <= len(text)
        drawn = line.prefix + text[line.start : line.end].rstrip()
        longest_word = max((cell_len(w) for w in text[line.start : line.end].split()), default=0)
        assert cell_len(drawn) <= max(page.text_width, cell_len(line.prefix) + longest_word)
        assert "\n" not in drawn
    for i, text in enumerate(article.paragraphs):  # every character is on some line
        covered = sum(
            page.lines[y].end - page.lines[y].start
            for y in range(page.first_line[i], page.last_line(i) + 1)
        )
        assert covered >= len(text) - text.count("\n")
