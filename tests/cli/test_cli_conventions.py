"""The conventions of a command-line tool: help for every option, -V, --config."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader import __version__
from newsreader.cli import build_parser
from newsreader.cli.parser import chosen_command, query_words_last
from tests.cli.conftest import CLI


def _parsers(
    parser: argparse.ArgumentParser, name: str = "newsreader"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, parser in _parsers(build_parser())
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


def test_every_subcommand_has_help() -> None:
    missing = []
    for name, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {c.dest for c in action._choices_actions if c.help}
                missing += [f"{name} {c}" for c in action.choices if c not in helped]
    assert missing == []


def test_short_version_flag(cli_process: CLI) -> None:
    run = cli_process("-V")
    assert run.code == 0 and run.out.strip() == f"newsreader {__version__}"


def test_config_elsewhere_is_used(cli: CLI, seed_library: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text(f'library = ["{seed_library}"]\n')
    run = cli("--config", str(cfg), "paths")
    assert run.code == 0, run.err
    assert f"library:      {seed_library}" in run.out
    assert f"config file:  {cfg}" in run.out
    listed = cli("--config", str(cfg), "list", "--json")
    assert [row["path"] for row in listed.json()] == [str(next(seed_library.iterdir()))]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file"), ("library = [", "bad config"), ("colour = 1\n", "unknown key")],
)
def test_missing_or_bad_config_is_one_line_exit_2(
    cli_process: CLI, tmp_path: Path, content: str | None, reason: str
) -> None:
    cfg = tmp_path / "given.toml"
    if content is not None:
        cfg.write_text(content)
    run = cli_process("--config", str(cfg), "list")
    assert run.code == 2
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1, run.err
    assert reason in run.err and str(cfg) in run.err


def test_search_words_after_config_are_still_words(cli: CLI, seed_library: Path) -> None:
    cfg = seed_library.parent / "c.toml"
    cfg.write_text(f'library = ["{seed_library}"]\n')
    run = cli("--config", str(cfg), "search", "-rafah", "truce")
    assert run.code == 0, run.err


def test_a_named_subcommand_parses_with_its_parser_alone() -> None:
    """``run`` builds only the subcommand the line names: its help (and every action's
    below it) reads as in the whole parser, and the line parses to the same arguments."""
    whole = dict(_parsers(build_parser()))
    for name in [n for n in whole if n.count(" ") == 1]:
        command = name.split()[1]
        alone = dict(_parsers(build_parser(command)))
        mine = {n: p for n, p in whole.items() if n == name or n.startswith(f"{name} ")}
        assert sorted(alone) == ["newsreader", *sorted(mine)], command
        assert all(alone[n].format_help() == p.format_help() for n, p in mine.items()), command
    for argv in (
        ["index"],
        ["--library", "a", "--config=c", "index", "--rebuild"],
        ["--library=a", "--library", "b", "search", "-x", "--limit", "3", "--json"],
        ["saved", "add", "n", "q", "--sort", "date"],
        ["feeds", "export"],
    ):
        chosen = chosen_command(argv)
        assert chosen == next(a for a in argv if a in {"index", "search", "saved", "feeds"})
        argv = query_words_last(argv)
        assert build_parser(chosen).parse_args(argv) == build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [[], ["-h", "index"], ["--lib", "a", "index"], ["--", "index"], ["indx"], ["--library"]],
)
def test_a_line_that_names_no_subcommand_plainly_gets_the_whole_parser(argv: list[str]) -> None:
    assert chosen_command(argv) is None


def test_a_command_builds_one_subcommand_parser(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    built: list[str] = []
    init = argparse.ArgumentParser.__init__

    def counted(self: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        built.append(self.prog)

    monkeypatch.setattr(argparse.ArgumentParser, "__init__", counted)
    from newsreader.cli import run

    assert run(["--config", str(tmp_path / "missing.toml"), "index"]) == 2
    assert built == ["newsreader", "newsreader index"]
