"""The app's plain-Python helpers stay free of Textual, and start-up never loads Whoosh."""

from __future__ import annotations

import subprocess
import sys

import pytest

PLAIN = [
    "newsreader.app.index_job",  # the child build process: no Textual start-up cost
    "newsreader.app.session",
    "newsreader.tui.rows",
    "newsreader.tui.row_picking",
    "newsreader.tui.row_views",
    "newsreader.tui.story_rows",
    "newsreader.tui.article_row",
    "newsreader.tui.hit_lines",
    "newsreader.tui.hit_stories",
    "newsreader.tui.page",
    "newsreader.app.article_opening",
    "newsreader.tui.plural",
]


def loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}; import sys; print(*sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


@pytest.mark.parametrize("module", PLAIN)
def test_helper_does_not_import_textual(module: str) -> None:
    assert "textual" not in loaded_after(f"import {module}")


def test_importing_the_app_does_not_load_whoosh() -> None:
    loaded = loaded_after("import newsreader.tui.app")
    assert "textual" in loaded
    assert not any(name == "whoosh" or name.startswith("whoosh.") for name in loaded)
    assert "newsreader.feeds" not in loaded  # loaded by the first fetch (R), not at start
