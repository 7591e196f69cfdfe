"""Bookmark a passage with a note, quit, relaunch, list bookmarks and jump back to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from newsreader.state import StateStore
from newsreader.tui.app import NewsreaderApp
from newsreader.tui.screens.bookmarks import BookmarkList, BookmarksScreen
from newsreader.tui.screens.note import NoteDialog

from .conftest import plain, render_plain, settle, visible_text


def stored_bookmarks(app: NewsreaderApp) -> list[object]:
    store = StateStore.open(app.ctx.paths.state_file)
    try:
        return list(store.bookmarks())
    finally:
        store.close()


async def test_bookmark_quit_relaunch_and_jump(new_app: Callable[..., NewsreaderApp]) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await pilot.press("b")
        assert isinstance(app.screen, NoteDialog)
        for key in "check pay":
            await pilot.press("space" if key == " " else key)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.main_screen.reader
        assert reader.bookmarked == {3}
        # The margin mark sits on the bookmarked paragraph's first line.
        page = reader._page
        assert page is not None
        y = page.first_line[3] - int(reader.scroll_offset.y)
        assert "◆" in visible_text(reader)[y]
        paragraph = reader.article.paragraphs[3]  # type: ignore[union-attr]
        await pilot.press("q")

    [bookmark] = stored_bookmarks(app)
    assert bookmark.note == "check pay" and bookmark.quote == paragraph  # type: ignore[attr-defined]

    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, BookmarksScreen)
        listing = screen.query_one(BookmarkList)
        assert listing.option_count == 1
        shown = plain(listing.get_option_at_index(0).prompt)
        assert "check pay" in shown and "Rail workers vote" in shown and "29 Mar 2024" in shown
        preview = render_plain(screen.query_one("#passage", Static).content)
        assert " ".join(paragraph.split()) in preview  # the passage, in its article
        assert preview.startswith("Rail workers vote on a new pay offer")
        await pilot.press("enter")
        await settle(pilot)
        reader = again.main_screen.reader
        assert reader.article is not None and reader.article.title.startswith("Rail workers")
        assert reader.cursor == 3 and reader.bookmarked == {3}
        page = reader._page
        assert page is not None
        top = int(reader.scroll_offset.y)
        assert top <= page.first_line[3] < top + reader.scrollable_content_region.height


async def test_escape_cancels_and_empty_note_saves(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b", "x", "escape")
        await settle(pilot)
        assert stored_bookmarks(app) == []
        assert app.main_screen.reader.bookmarked == frozenset()
        await pilot.press("b", "enter")
        await settle(pilot)
        [bookmark] = stored_bookmarks(app)
        assert bookmark.note == ""  # type: ignore[attr-defined]
        assert app.main_screen.reader.bookmarked == {0}


async def test_edit_delete_undo_and_orphans(
    new_app: Callable[..., NewsreaderApp], library: Path
) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for row in ("j", "j"):  # bookmark two articles
            await pilot.press(row, "enter")
            await settle(pilot)
            await pilot.press("b", "enter", "escape")
            await settle(pilot)
        await pilot.press("q")

    # The second article loses its text: its bookmark becomes an orphan.
    victim = library / "009_benin_city.txt"
    victim.write_text(
        "Museum returns looted bronzes to their home city\n\nMon Mar 20 2024\n\n"
        "Completely different text now.\n",
        "utf-8",
    )

    again = new_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # opening it re-anchors (and orphans) the bookmark
        await settle(pilot)
        await pilot.press("B")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, BookmarksScreen)
        listing = screen.query_one(BookmarkList)
        prompts = [
            plain(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
        ]
        assert prompts[1].startswith("Orphaned (1)")
        assert "Museum returns" in prompts[2] and "Rail workers" in prompts[0]

        await pilot.press("e")
        assert isinstance(again.screen, NoteDialog)
        for key in "later":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        assert "later" in plain(listing.get_option_at_index(0).prompt)

        await pilot.press("d")
        await settle(pilot)
        assert len(stored_bookmarks(again)) == 1
        await pilot.press("u")
        await settle(pilot)
        assert len(stored_bookmarks(again)) == 2
        assert any(b.note == "later" for b in stored_bookmarks(again))  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert again.screen is again.main_screen


async def test_note_typed_right_after_b_lands_in_the_box(
    new_app: Callable[..., NewsreaderApp],
) -> None:
    """Keys already queued behind "b" (a fast typist, a paste) go into the note, not the
    reader."""
    from textual import events

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        # Post the burst in one go, as the terminal driver does for fast input.
        for key in "bquick":
            app.post_message(events.Key(key, key))
        app.post_message(events.Key("enter", None))
        await settle(pilot)
        await pilot.press("q")
    [bookmark] = stored_bookmarks(app)
    assert bookmark.note == "quick"  # type: ignore[attr-defined]
