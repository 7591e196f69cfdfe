"""The man page, newsreader(1), written from the argument parser.

``python -m newsreader.cli.manpage > man/newsreader.1`` writes the page the sdist and the
wheel ship; a test checks the committed page matches the parser.
"""

from __future__ import annotations

import argparse
import sys

from newsreader import __version__
from newsreader.cli.completion import commands
from newsreader.cli.parser import build_parser

_SECTIONS = [
    (
        "EXIT STATUS",
        [
            ("0", "success"),
            (
                "2",
                "bad input: an unknown id, a bad query, a missing library folder, a bad config "
                "file, a file that may not be written; one line on standard error",
            ),
            ("1", "an unexpected error (set NEWSREADER_DEBUG=1 for the traceback)"),
        ],
    ),
    (
        "ENVIRONMENT",
        [
            (
                "NEWSREADER_LIBRARY",
                "library folders, separated by colons, when --library is not given",
            ),
            ("XDG_DATA_HOME, XDG_CACHE_HOME, XDG_CONFIG_HOME", "where the files below live"),
            ("NEWSREADER_DEBUG", "when set, an unexpected error shows its traceback"),
            ("TEXTUAL_FPS", "frames a second the app draws at, at most (default 240)"),
        ],
    ),
    (
        "FILES",
        [
            ("~/.config/newsreader/config.toml", "settings (or the file --config names)"),
            ("~/.local/share/newsreader/state.sqlite3", "reading state and bookmarks"),
            ("~/.local/share/newsreader/snapshots/", "rotating snapshots of the state file"),
            ("~/.local/share/newsreader/articles/", "articles saved by add and fetch"),
            ("~/.local/share/newsreader/feeds.json", "feed subscriptions"),
            ("~/.cache/newsreader/", "the search index and the catalog, rebuilt when deleted"),
        ],
    ),
]


def _roff(text: str) -> str:
    """Text as roff shows it literally: backslashes escaped, dashes as minus signs, and no
    line taken for a request by its first character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)
    return "\\&" + text if text[:1] in (".", "'") else text


def _usage(parser: argparse.ArgumentParser) -> str:
    # One line, whatever the terminal's width: the page must not depend on where it is made.
    return " ".join(parser.format_usage().removeprefix("usage:").split())


def _parsers(parser: argparse.ArgumentParser, path: str = "") -> dict[str, argparse.ArgumentParser]:
    found = {path: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_parsers(sub, f"{path} {name}".strip()))
    return found


def _options(parser: argparse.ArgumentParser, *, with_help: bool = False) -> list[str]:
    lines: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        if isinstance(action, argparse._HelpAction) and not with_help:
            continue  # every command has -h; said once, under OPTIONS
        if action.option_strings:
            value = (
                ""
                if action.nargs == 0
                else f" \\fI{_roff(str(action.metavar or action.dest).upper())}\\fR"
            )
            names = ", ".join(f"\\fB{_roff(flag)}\\fR{value}" for flag in action.option_strings)
        else:
            names = f"\\fI{_roff(str(action.metavar or action.dest))}\\fR"
        lines += [".TP", names, _roff(action.help or "")]
    return lines


def manpage(parser: argparse.ArgumentParser | None = None) -> str:
    parser = parser or build_parser()
    parsers = _parsers(parser)
    out = [
        f'.TH NEWSREADER 1 "" "newsreader {__version__}" "User Commands"',
        ".SH NAME",
        "newsreader \\- " + _roff((parser.description or "").rstrip(".").lower()),
        ".SH SYNOPSIS",
        _roff(_usage(parser)),
        ".SH DESCRIPTION",
        _roff(parser.description or ""),
        "Without a command, newsreader opens the app: the article list, the reader and "
        "the search pane; press ? in it for every key. The commands work on the same "
        "library, index, reading state and bookmarks, for scripts.",
        ".SH OPTIONS",
        *_options(parser, with_help=True),
        ".SH COMMANDS",
    ]
    for command in commands(parser):
        if not command.path:
            continue
        sub = parsers[command.path]
        parent = parsers[command.path.rpartition(" ")[0]]
        out += [f'.SS "{_roff(command.path)}"', _roff(_summary(parent, command.path)), ".PP"]
        out += [".nf", _roff(_usage(sub)), ".fi"]
        out += _options(sub)
    for title, rows in _SECTIONS:
        out.append(f".SH {title}")
        for term, text in rows:
            out += [".TP", f"\\fB{_roff(term)}\\fR", _roff(text)]
    out += [".SH SEE ALSO", "newsreader \\-\\-help, newsreader \\fICOMMAND\\fR \\-\\-help"]
    return "\n".join(out) + "\n"


def _summary(parent: argparse.ArgumentParser, path: str) -> str:
    name = path.rpartition(" ")[2]
    for action in parent._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name:
                    text = choice.help or ""
                    return text[:1].upper() + text[1:] + "."
    return ""


if __name__ == "__main__":
    sys.stdout.write(manpage())
