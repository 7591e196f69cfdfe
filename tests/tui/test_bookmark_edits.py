"""Editing bookmarks: `b` on a bookmarked paragraph, g/G in the list, what a missing article
is called, and a note typed in one window while another deletes the bookmark."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from newsreader.context import AppContext, build_context
from newsreader.library import Article
from newsreader.state import StateStore
from newsreader.state.models import Bookmark
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.bookmarks import READDED, BookmarkList, BookmarksScreen
from newsreader.tui.screens.note import NoteDialog

from .conftest import notices, plain, render_plain, settle, write_article

SIZES = [(120, 40), (80, 24), (60, 20)]


def stored(ctx: AppContext) -> list[Bookmark]:
    store = StateStore.open(ctx.paths.state_file)
    try:
        return store.bookmarks()
    finally:
        store.close()


def articles(ctx: AppContext) -> list[Article]:
    scan = ctx.library.scan()
    return [ctx.library.load(s) for s in scan.articles]


async def type_text(pilot: object, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", SIZES)
async def test_b_on_a_bookmarked_paragraph_edits_its_note(
    new_app: Callable[..., NewsreaderApp],
    ctx: AppContext,
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await type_text(pilot, "first")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        assert dialog.query_one(Input).value == "first"  # the existing note, to edit
        assert dialog.query_one("#note-box").border_title == "Edit note"
        await type_text(pilot, " and more")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.reader.bookmarked == {0}
        assert notices(app)[-1] == "Note saved. B lists bookmarks."
    [bookmark] = stored(ctx)
    assert bookmark.note == "first and more"


async def test_b_edits_after_a_relaunch_and_from_a_bookmark_jump(
    new_app: Callable[..., NewsreaderApp],
    ctx: AppContext,
) -> None:
    article = articles(ctx)[0]
    store = StateStore.open(ctx.paths.state_file)
    store.add_bookmark(article, 2, note="saved before")
    store.close()
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        await pilot.press("enter")  # jump to the passage
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.article is not None and reader.article.id == article.id
        assert reader.cursor == 2
        await pilot.press("b")
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one(Input).value == "saved before"
        await pilot.press("escape")
        await pilot.press("right_square_bracket", "b")  # the next paragraph has none: new
        assert app.screen.query_one(Input).value == ""
        await pilot.press("enter")
        await settle(pilot)
    assert sorted(b.paragraph for b in stored(ctx)) == [2, 3]


@pytest.mark.parametrize("size", SIZES)
async def test_g_and_G_in_bookmarks(
    new_app: Callable[..., NewsreaderApp],
    ctx: AppContext,
    size: tuple[int, int],
) -> None:
    store = StateStore.open(ctx.paths.state_file)
    made = [store.add_bookmark(a, 0, note=f"note {i}") for i, a in enumerate(articles(ctx)[:4])]
    store.close()
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BookmarksScreen)
        listing = screen.query_one(BookmarkList)
        first = screen._current()
        await pilot.press("G")
        last = screen._current()
        assert last is not None and first is not None and last.uuid != first.uuid
        assert listing.highlighted == listing.option_count - 1
        await pilot.press("g")
        assert screen._current() == first
        assert {first.uuid, last.uuid} <= {b.uuid for b in made}


async def test_missing_article_is_not_called_orphaned(tmp_path: Path, library: Path) -> None:
    here = build_context([library])
    other_root = tmp_path / "other"
    other_root.mkdir()
    write_article(
        other_root / "elsewhere.txt",
        "An article from another library",
        __import__("datetime").date(2024, 2, 1),
        ["First paragraph about elsewhere.", "Second paragraph about it."],
    )
    other = build_context([other_root])
    store = StateStore.open(here.paths.state_file)
    [away] = [a for a in articles(other)]
    store.add_bookmark(away, 1, note="from the other library")
    # An orphan proper: the article is here, the passage is no longer in it.
    article = articles(here)[0]
    orphan = store.add_bookmark(article, 1, note="orphan")
    path = article.path
    text = path.read_text("utf-8").replace(article.paragraphs[1], "Rewritten entirely.")
    path.write_text(text, "utf-8")
    changed = here.library.load(here.library.scan().by_id[article.id])
    assert store.anchor(orphan, changed) is None  # recorded as orphaned
    store.close()

    app = make_app(here, poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        listing = app.screen.query_one(BookmarkList)
        prompts = [
            plain(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
        ]
        orphan_at = prompts.index("Orphaned (1): the passage is no longer in its article")
        away_at = prompts.index("Article not in this library (1)")
        assert "orphan" in prompts[orphan_at + 1]
        assert "from the other library" in prompts[away_at + 1]
        assert "article not in this library" in prompts[away_at + 1]
        await pilot.press("G")
        await settle(pilot)
        preview = render_plain(app.screen.query_one("#passage", Static).content)
        assert preview.startswith("An article from another library")
        assert "The article is not in this library" in preview
        assert "Second paragraph about it." in preview  # the saved passage
        await pilot.press("enter")
        assert "That article is not in this library." in notices(app)


@pytest.mark.parametrize("size", [(120, 40), (60, 20)])
async def test_note_edited_while_another_window_deletes_it_is_kept(
    new_app: Callable[..., NewsreaderApp],
    ctx: AppContext,
    size: tuple[int, int],
) -> None:
    """Window A (a second store on the same file) deletes the bookmark whose note window B
    is editing; B's Enter saves the note on a new bookmark of the same passage and says so."""
    article = articles(ctx)[0]
    other = StateStore.open(ctx.paths.state_file)
    try:
        original = other.add_bookmark(article, 1, note="old")
        app = new_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("B")
            await settle(pilot)
            await pilot.press("e")
            assert isinstance(app.screen, NoteDialog)
            await type_text(pilot, " but kept")
            assert other.delete_bookmark(original.uuid) is not None  # window A deletes it
            await pilot.press("enter")
            await settle(pilot)
            assert READDED in notices(app)
            listing = app.screen.query_one(BookmarkList)
            assert "old but kept" in plain(listing.get_option_at_index(0).prompt)
        [kept] = other.bookmarks()
        assert kept.note == "old but kept" and kept.uuid != original.uuid
        assert (kept.quote, kept.paragraph) == (original.quote, original.paragraph)
    finally:
        other.close()


async def test_note_edited_from_the_reader_while_deleted_elsewhere_is_kept(
    new_app: Callable[..., NewsreaderApp],
    ctx: AppContext,
) -> None:
    article = articles(ctx)[0]
    other = StateStore.open(ctx.paths.state_file)
    try:
        original = other.add_bookmark(article, 0, note="old")
        app = new_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("b")
            assert app.screen.query_one(Input).value == "old"
            await type_text(pilot, " but kept")
            other.delete_bookmark(original.uuid)
            await pilot.press("enter")
            await settle(pilot)
            assert READDED in notices(app)
            assert app.main_screen.reader.bookmarked == {0}
        [kept] = other.bookmarks()
        assert kept.note == "old but kept" and kept.quote == original.quote
    finally:
        other.close()
