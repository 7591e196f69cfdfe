"""Import hygiene: the search package never pulls in Textual, and Whoosh only when used."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_package_import_is_cheap() -> None:
    mods = _modules_after("import newsreader.search")
    assert "whoosh" not in mods and "textual" not in mods


def test_search_modules_never_import_textual() -> None:
    mods = _modules_after(
        "import newsreader.search.index, newsreader.search.ranking, newsreader.search.build"
    )
    assert "textual" not in mods and "whoosh" in mods
