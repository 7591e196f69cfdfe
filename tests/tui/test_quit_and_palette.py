"""ctrl+c names our quit keys; the palette has one key help (ours) and a Screenshot that
saves somewhere that exists and says where."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from newsreader.tui.app import NewsreaderApp

from .conftest import notices, settle

SIZES = [(120, 40), (80, 24), (60, 20)]


@pytest.mark.parametrize("size", SIZES)
async def test_ctrl_c_names_the_keys_that_quit_here(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        assert notices(app)[-1] == "Press q or ^q to quit."
        assert app.is_running
        await pilot.press("slash", "ctrl+c")  # in the search box q types a q
        assert notices(app)[-1] == "Press ^q to quit."
        assert app.is_running


async def test_ctrl_c_follows_a_remapped_quit_key(
    new_app: Callable[..., NewsreaderApp],
    user_dirs: Path,
) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[keys]\nquit = "x"\n', "utf-8")
    from newsreader.context import build_context
    from newsreader.tui.app import make_app

    app = make_app(build_context([new_app().ctx.library.roots[0]]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        assert notices(app)[-1] == "Press x or ^q to quit."


async def palette_titles(pilot: object, app: NewsreaderApp) -> list[str]:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    from textual.command import CommandList

    listing = palette.query_one(CommandList)
    return [
        str(listing.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(listing.option_count)
    ]


@pytest.mark.parametrize("size", SIZES)
async def test_palette_has_one_key_help(
    new_app: Callable[..., NewsreaderApp],
    size: tuple[int, int],
) -> None:
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        titles = " | ".join(await palette_titles(pilot, app))
        assert "Keys and search syntax" in titles
        assert "Keys |" not in titles + " |" and not titles.startswith("Keys")
        assert "Screenshot" in titles


async def test_screenshot_without_a_downloads_folder_goes_to_the_data_folder(
    new_app: Callable[..., NewsreaderApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "bare-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # no ~/Downloads
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        app.screen.query_one(Input).value = "screenshot"
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.5)
        await settle(pilot)
        saved = list(app.ctx.paths.data_dir.glob("*.svg"))
        assert len(saved) == 1 and saved[0].read_text("utf-8").startswith("<svg")
        assert f"Screenshot saved to {saved[0]}" in notices(app)
        (home / "Downloads").mkdir()
        assert app.save_screen_picture() in set((home / "Downloads").glob("*.svg"))

        def full_disk(**_kwargs: object) -> str:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(app, "save_screenshot", full_disk)
        assert app.save_screen_picture() is None
        await pilot.pause()
        assert "Screenshot not saved: No space left on device" in notices(app), notices(app)


@pytest.mark.parametrize("binding_id", ["quit", "app.quit"], ids=["old id", "current id"])
async def test_a_key_remapped_by_an_old_or_current_id_quits(
    new_app: Callable[..., NewsreaderApp], user_dirs: Path, binding_id: str
) -> None:
    config = user_dirs / "config" / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[keys]\n"{binding_id}" = "x"\n', "utf-8")  # users' files name old ids
    from newsreader.context import build_context
    from newsreader.tui.app import make_app

    app = make_app(build_context([new_app().ctx.library.roots[0]]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not [n.message for n in app._notifications if "[keys]" in n.message]
        await pilot.press("q")  # the default key no longer quits
        assert app.is_running
        await pilot.press("x")
        await pilot.pause()
        assert not app.is_running
