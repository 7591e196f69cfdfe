"""The articles folder is configurable and joins the library once it holds an article."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import Config, load_config
from newsreader.context import build_context, choose_roots
from newsreader.errors import UserError
from newsreader.paths import app_paths, bundled_seeds


def test_articles_dir_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('articles_dir = "saved"\n')
    assert load_config(cfg).articles_dir == tmp_path / "saved"
    cfg.write_text('articles_dir = "~/news"\n')
    assert load_config(cfg).articles_dir == Path("~/news").expanduser()
    assert load_config(tmp_path / "none.toml").articles_dir is None
    for bad, message in (
        ("articles_dir = 3", "must be a string"),
        ('articles_dir = ""', "must not be empty"),
    ):
        cfg.write_text(bad)
        with pytest.raises(UserError, match=message):
            load_config(cfg)


def test_default_articles_dir_is_in_the_data_dir(user_dirs: Path) -> None:
    assert build_context().articles_dir == user_dirs / "data" / "newsreader" / "articles"


def test_articles_join_seeds_and_config_roots_once_non_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved, lib = tmp_path / "saved", tmp_path / "lib"
    assert choose_roots([], Config(), saved) == ((bundled_seeds(),), "seeds")  # missing
    saved.mkdir()
    (saved / ".sources.json").write_text("{}")
    assert choose_roots([], Config(), saved) == ((bundled_seeds(),), "seeds")  # hidden only
    (saved / "a.txt").write_text("Title\n\nBody.\n")
    assert choose_roots([], Config(), saved) == ((bundled_seeds(), saved), "seeds")
    assert choose_roots([], Config(library=(lib,)), saved) == ((lib, saved), "config")
    assert choose_roots([], Config(library=(saved,)), saved) == ((saved,), "config")
    # Explicit choices mean exactly those folders.
    assert choose_roots([lib], Config(), saved) == ((lib,), "--library")
    monkeypatch.setenv("NEWSREADER_LIBRARY", str(lib))
    assert choose_roots([], Config(), saved) == ((lib,), "NEWSREADER_LIBRARY")


def test_build_context_uses_the_configured_folder(user_dirs: Path, tmp_path: Path) -> None:
    saved = tmp_path / "mine"
    saved.mkdir()
    (saved / "a.txt").write_text("Title\n\nBody.\n")
    cfg = app_paths().config_file
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'articles_dir = "{saved}"\n')
    ctx = build_context()
    assert ctx.articles_dir == saved
    assert ctx.library.roots == (bundled_seeds(), saved)
