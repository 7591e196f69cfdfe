"""The ``[fetch]`` table of config.toml: limits and the local-address rule, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.config import FetchSettings, load_config
from newsreader.errors import UserError
from newsreader.feeds import FetchOptions, fetch_options


def test_fetch_table_sets_the_options(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        "[fetch]\ndeadline = 5\nextract_seconds = 2.5\n"
        'allow_local = ["NAS.lan", "127.0.0.1:8080"]\n'
    )
    config = load_config(cfg)
    assert config.fetch == FetchSettings(5.0, 2.5, False, ("nas.lan", "127.0.0.1:8080"))
    opts = fetch_options(config, max_new=3)
    assert (opts.deadline, opts.timeout, opts.extract_seconds, opts.max_new) == (5, 5, 2.5, 3)
    assert opts.local_hosts == ("nas.lan", "127.0.0.1:8080") and not opts.allow_local
    cfg.write_text("[fetch]\nallow_local = true\n")
    assert fetch_options(load_config(cfg)).allow_local


def test_no_fetch_table_gives_the_defaults(tmp_path: Path) -> None:
    assert fetch_options(load_config(tmp_path / "none.toml")) == FetchOptions()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fetch = 3", r"\[fetch\] must be a table"),
        ("[fetch]\ndeadlin = 3", "unknown key 'deadlin' in"),
        ("[fetch]\ndeadline = 0", "'deadline' in \\[fetch\\] must be a number of seconds"),
        ("[fetch]\ndeadline = true", "'deadline'"),
        ("[fetch]\ndeadline = nan", "'deadline'"),
        ("[fetch]\nextract_seconds = 1e9", "'extract_seconds'"),
        ("[fetch]\nallow_local = 'yes'", "'allow_local'"),
        ("[fetch]\nallow_local = ['']", "'allow_local'"),
    ],
)
def test_bad_fetch_values_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(text)
    with pytest.raises(UserError, match=message) as info:
        load_config(cfg)
    assert "\n" not in str(info.value)
