"""The ``newsreader`` command: parse the arguments, run one subcommand, map errors to exit codes.

Exit codes live in ``newsreader.errors``. A subcommand's module is imported only when it
runs, and subcommands never import the TUI (Textual costs ~120 ms to import).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import TYPE_CHECKING

from newsreader.cli.parser import build_parser, query_words_last
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from newsreader.context import AppContext

__all__ = ["build_parser", "main"]

_COMMANDS = {
    "index": ("library_commands", "cmd_index"),
    "search": ("library_commands", "cmd_search"),
    "suggest": ("library_commands", "cmd_suggest"),
    "list": ("library_commands", "cmd_list"),
    "show": ("library_commands", "cmd_show"),
    "stories": ("story_commands", "cmd_stories"),
    "related": ("story_commands", "cmd_related"),
    "bookmarks": ("state_commands", "cmd_bookmarks"),
    "export": ("state_commands", "cmd_export"),
    "import": ("state_commands", "cmd_import"),
    "paths": ("state_commands", "cmd_paths"),
    "add": ("feed_commands", "cmd_add"),
    "feeds": ("feed_commands", "cmd_feeds"),
    "fetch": ("feed_commands", "cmd_fetch"),
    "serve": ("serve", "cmd_serve"),
}
"""Subcommand -> (module in this package, function taking the context and the arguments)."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(query_words_last(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return _dispatch(args)
    except UserError as exc:  # messages quote paths and ids: shown printable, on one line
        from newsreader.cli.output import shown

        print(f"newsreader: {shown(str(exc))}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # last resort: one line, no traceback (set NEWSREADER_DEBUG=1)
        import os

        if os.environ.get("NEWSREADER_DEBUG"):
            raise
        from newsreader.library.text import clean_line

        print(
            f"newsreader: unexpected error: {exc.__class__.__name__}: {clean_line(str(exc))}",
            file=sys.stderr,
        )
        return ExitCode.UNEXPECTED


def _dispatch(args: argparse.Namespace) -> int:
    from newsreader.context import build_context

    if args.command == "completion":  # needs no library or config: works where they are bad
        from newsreader.cli.completion import cmd_completion

        return cmd_completion(args)
    ctx = build_context(args.library, config_file=args.config)
    if args.command is None:
        return _run_app(ctx)
    module_name, function = _COMMANDS[args.command]
    module = importlib.import_module(f"newsreader.cli.{module_name}")
    result: int = getattr(module, function)(ctx, args)
    return result


def _run_app(ctx: AppContext) -> int:
    from newsreader.app.first_scan import FirstScan

    first_scan = FirstScan(ctx.library)  # scans while Textual is imported
    from newsreader.tui.app import run_app

    return run_app(ctx, first_scan)
