"""Config and library selection: the strongest source wins, bad files are one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import Config, load_config, save_theme
from newsreader.context import build_context, choose_roots
from newsreader.errors import UserError
from newsreader.paths import app_paths, bundled_seeds


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


def test_config_values_and_relative_library(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('library = ["news", "~/other"]\ntheme = "nord"\n[keys]\nquit = "ctrl+q"\n')
    config = load_config(cfg)
    assert config.library[0] == tmp_path / "news"
    assert config.library[1] == Path("~/other").expanduser()
    assert config.theme == "nord"
    assert config.keys == {"quit": "ctrl+q"}
    assert config.reopen_last and config.list_width is None  # the defaults
    assert config.read_versions_together


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("", None),
        ("fetch_interval = 0", None),
        ("fetch_interval = 30", 30.0),
        ("fetch_interval = 2.5", 2.5),
    ],
)
def test_fetch_interval_is_minutes_and_off_by_default(
    tmp_path: Path, text: str, minutes: float | None
) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    assert load_config(cfg).fetch_interval == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("", 10.0), ("search_server_minutes = 0", 0.0), ("search_server_minutes = 2.5", 2.5)],
)
def test_search_server_minutes_default_to_ten(tmp_path: Path, text: str, minutes: float) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    assert load_config(cfg).search_server_minutes == minutes


def test_reading_place_and_list_width_settings(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("reopen_last = false\nlist_width = 64\n")
    config = load_config(cfg)
    assert (config.reopen_last, config.list_width) == (False, 64)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("libary = []", "unknown key 'libary'"),
        ("library = 3", "'library' must be a list"),
        ("theme = 1", "'theme' must be a string"),
        ("[keys]\nquit = 1", r"\[keys\]"),
        ("library = [", "bad config"),
        ('reopen_last = "yes"', "'reopen_last' must be true or false"),
        ("read_versions_together = 1", "'read_versions_together' must be true or false"),
        ("list_width = 5", "'list_width' must be a number of columns"),
        ("list_width = true", "'list_width' must be a number of columns"),
        ("fetch_interval = 0.5", "'fetch_interval' must be a number of minutes, 1 to 10080"),
        ("fetch_interval = -5", "'fetch_interval' must be a number of minutes"),
        ("fetch_interval = 20000", "'fetch_interval' must be a number of minutes"),
        ('fetch_interval = "30"', "'fetch_interval' must be a number of minutes"),
        ("fetch_interval = true", "'fetch_interval' must be a number of minutes"),
        ("search_server_minutes = -1", "'search_server_minutes' must be a number of minutes"),
        ('search_server_minutes = "10"', "'search_server_minutes' must be a number"),
        ("search_server_minutes = false", "'search_server_minutes' must be a number"),
    ],
)
def test_bad_config_is_one_line_user_error(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    with pytest.raises(UserError, match=message) as info:
        load_config(cfg)
    assert "\n" not in str(info.value)


def test_save_theme_keeps_the_rest(tmp_path: Path) -> None:
    cfg = tmp_path / "c" / "config.toml"
    save_theme(cfg, "nord")
    assert load_config(cfg).theme == "nord"
    cfg.write_text('# mine\nlibrary = ["x"]\ntheme = "nord"\n[keys]\nquit = "ctrl+q"\n')
    save_theme(cfg, "dracula")
    config = load_config(cfg)
    assert (config.theme, config.keys) == ("dracula", {"quit": "ctrl+q"})
    assert cfg.read_text().startswith("# mine")


def test_library_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    config = Config(library=(c,))
    monkeypatch.setenv("NEWSREADER_LIBRARY", f"{b}")
    assert choose_roots([a], config) == ((a,), "--library")
    assert choose_roots([], config) == ((b,), "NEWSREADER_LIBRARY")
    monkeypatch.delenv("NEWSREADER_LIBRARY")
    assert choose_roots([], config) == ((c,), "config")
    assert choose_roots([], Config()) == ((bundled_seeds(),), "seeds")


def test_xdg_dirs_are_honoured(user_dirs: Path) -> None:
    paths = app_paths()
    assert paths.data_dir == user_dirs / "data" / "newsreader"
    assert paths.cache_dir == user_dirs / "cache" / "newsreader"
    assert paths.config_file == user_dirs / "config" / "newsreader" / "config.toml"


def test_two_libraries_get_two_indexes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert build_context([tmp_path / "a"]).index_dir != build_context([tmp_path / "b"]).index_dir


def test_deeply_nested_config_is_bad_input(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(UserError, match="nested too deeply"):
        load_config(cfg)


def test_a_fifo_config_is_refused_at_once(tmp_path: Path) -> None:
    import os

    cfg = tmp_path / "config.toml"
    os.mkfifo(cfg)  # reading it would wait for a writer forever
    with pytest.raises(UserError, match="not a regular file"):
        load_config(cfg)


def test_sync_dir_is_a_folder_relative_to_the_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "conf" / "config.toml"
    cfg.parent.mkdir()
    cfg.write_text('sync_dir = "../Sync/newsreader"\n')
    assert load_config(cfg).sync_dir == tmp_path / "conf" / ".." / "Sync" / "newsreader"
    cfg.write_text('sync_dir = ""\n')
    with pytest.raises(UserError, match="'sync_dir' must not be empty"):
        load_config(cfg)
