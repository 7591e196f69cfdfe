"""The ``newsreader`` command: parse the arguments, run one subcommand, map errors to exit codes.

Exit codes live in ``newsreader.errors``. A subcommand's module is imported only when it
runs, and subcommands never import the TUI (Textual costs ~120 ms to import).
"""

from __future__ import annotations

import sys

# Not typing.TYPE_CHECKING: a search handed to the search server imports nothing it does not
# use, and typing alone costs more than the rest of that path (mypy knows this spelling).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from newsreader.cli.parser import build_parser as build_parser
    from newsreader.cli.search_server import Kept
    from newsreader.context import AppContext

__all__ = ["build_parser", "main", "run"]


def __getattr__(name: str) -> object:
    # The parser is imported only when a command is parsed: a search handed to the search
    # server never needs it.
    if name == "build_parser":
        from newsreader.cli.parser import build_parser

        return build_parser
    raise AttributeError(name)


_COMMANDS = {
    "index": ("library_commands", "cmd_index"),
    "search": ("library_commands", "cmd_search"),
    "suggest": ("library_commands", "cmd_suggest"),
    "list": ("library_commands", "cmd_list"),
    "show": ("show_command", "cmd_show"),
    "star": ("organise_commands", "cmd_star"),
    "tag": ("organise_commands", "cmd_tag"),
    "tags": ("organise_commands", "cmd_tags"),
    "saved": ("organise_commands", "cmd_saved"),
    "stories": ("story_commands", "cmd_stories"),
    "related": ("story_commands", "cmd_related"),
    "bookmarks": ("state_commands", "cmd_bookmarks"),
    "export": ("state_commands", "cmd_export"),
    "import": ("state_commands", "cmd_import"),
    "paths": ("state_commands", "cmd_paths"),
    "sync": ("sync_commands", "cmd_sync"),
    "add": ("feed_commands", "cmd_add"),
    "feeds": ("feed_commands", "cmd_feeds"),
    "fetch": ("feed_commands", "cmd_fetch"),
    "serve": ("serve", "cmd_serve"),
}
"""Subcommand -> (module in this package, function taking the context and the arguments)."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line (a search in the search server when one runs); returns the exit
    code. With ``argv`` given (a caller in this process) it always runs here."""
    if argv is None:
        argv = sys.argv[1:]
        from newsreader.cli.search_client import served

        code = served(argv)
        if code is not None:
            return code
    return run(argv)


def run(argv: list[str], kept: Kept | None = None) -> int:
    """Run one command in this process; returns the exit code. ``kept``: what a long-lived
    caller keeps from one command to the next (the parser, libraries and indexes)."""
    from newsreader.cli.parser import build_parser, chosen_command, query_words_last
    from newsreader.errors import ExitCode, UserError

    parser = kept.parser if kept is not None else build_parser(chosen_command(argv))
    try:
        args = parser.parse_args(query_words_last(argv))
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return _dispatch(args, kept)
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


def _dispatch(args: argparse.Namespace, kept: Kept | None = None) -> int:
    import importlib

    from newsreader.context import build_context

    if args.command == "completion":  # needs no library or config: works where they are bad
        from newsreader.cli.completion import cmd_completion

        return cmd_completion(args)
    resident = kept.resident if kept is not None else None
    ctx = build_context(args.library, config_file=args.config, resident=resident)
    if args.command is None:
        return _run_app(ctx)
    module_name, function = _COMMANDS[args.command]
    module = importlib.import_module(f"newsreader.cli.{module_name}")
    result: int = getattr(module, function)(ctx, args)
    return result


def one_malloc_arena() -> None:
    """Have glibc's malloc serve every thread from one arena. By default each thread that
    allocates gets an arena of its own (up to eight per core) and each keeps what was freed
    in it for reuse by that thread, so the app's scan, search and library workers each held
    freed memory (benchmarks/README.md has the sizes). Python allocates under the GIL
    anyway, so one arena costs no waiting. Elsewhere than glibc, nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    m_arena_max = -8  # glibc's <malloc.h> M_ARENA_MAX
    mallopt(m_arena_max, 1)


def _run_app(ctx: AppContext) -> int:
    from newsreader.app.first_scan import FirstScan

    one_malloc_arena()  # before the first thread
    first_scan = FirstScan(ctx.library)  # scans while Textual is imported
    from newsreader.tui.app import run_app

    return run_app(ctx, first_scan)
