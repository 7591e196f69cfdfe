"""The ``newsreader`` argument parser, and the ``search`` words that start with a dash."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from newsreader import __version__
from newsreader.errors import ExitCode


class _OneLineErrors(argparse.ArgumentParser):
    """Bad usage is one line on stderr and exit 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; also the source of ``--help``. With ``command`` (one that
    ``chosen_command`` found) only that subcommand's parser is added: a command line that
    names it parses the same, without the time building all the others takes."""
    parser = _OneLineErrors(
        prog="newsreader",
        description="Read, search and bookmark news articles in the terminal.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--library",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a folder of articles (repeatable); default: $NEWSREADER_LIBRARY, config, seeds",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="read settings from this config.toml instead of the one 'paths' shows",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineErrors)
    for name, add in _SUBCOMMANDS.items():
        if command is None or name == command:
            add(sub)
    return parser


def chosen_command(argv: list[str]) -> str | None:
    """The subcommand ``argv`` names when argparse would take the same one: only
    ``--library`` and ``--config`` (with their values) come before it. None otherwise
    (``--help``, an abbreviated option, no or an unknown command): then every parser is
    needed, to list them or to name them in the error."""
    rest = iter(argv)
    for arg in rest:
        if arg in _TOP_OPTIONS_WITH_VALUE:
            next(rest, None)
        elif not arg.startswith(("--library=", "--config=")):
            return arg if arg in _SUBCOMMANDS else None
    return None


def _index(sub: Any) -> None:
    p = sub.add_parser("index", help="bring the search index up to date")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")


def _search(sub: Any) -> None:
    p = sub.add_parser("search", help="ranked full-text search")
    p.add_argument(
        "query",
        nargs="+",
        help='words, "phrases", -not, OR, title:, date:2024, tag:, is:starred, is:unread, feed:',
    )
    p.add_argument(
        "--limit",
        type=positive_int,
        default=10,
        metavar="N",
        help="show at most N hits (default 10)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array of hits")
    p.add_argument(
        "--as-typed",
        action="store_true",
        help="search the words as typed even when nothing matches them",
    )


def _suggest(sub: Any) -> None:
    p = sub.add_parser("suggest", help="the did-you-mean spelling of a query")
    p.add_argument("query", nargs="+", help="words as they would be searched")
    p.add_argument("--json", action="store_true", help='print {"query": …, "suggestion": …}')


def _list(sub: Any) -> None:
    p = sub.add_parser("list", help="list articles, newest first")
    p.add_argument("--json", action="store_true", help="print a JSON array of articles")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="only articles with TAG"
    )
    p.add_argument("--saved", metavar="NAME", help="only the articles of a saved search")


def _show(sub: Any) -> None:
    p = sub.add_parser("show", help="print one article")
    p.add_argument("id", help="article id, as shown by list and search")
    p.add_argument("--json", action="store_true", help="print the article as a JSON object")


def _stories(sub: Any) -> None:
    p = sub.add_parser("stories", help="list the stories told by more than one article")
    p.add_argument("--json", action="store_true", help="print a JSON array of stories")


def _related(sub: Any) -> None:
    p = sub.add_parser("related", help="articles related to one (its own versions left out)")
    p.add_argument("id", help="article id, as shown by list and search")
    p.add_argument(
        "--limit",
        type=positive_int,
        default=10,
        metavar="N",
        help="show at most N articles (default 10)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array of articles")


def _bookmarks(sub: Any) -> None:
    p = sub.add_parser("bookmarks", help="print bookmarks")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print a JSON array of bookmarks")
    group.add_argument(
        "--markdown", action="store_true", help="print Markdown, one section per article"
    )


def _export(sub: Any) -> None:
    p = sub.add_parser("export", help="back up reading state and bookmarks to a JSON file")
    p.add_argument("file", type=Path, help="the backup file, or - for stdout")


def _import(sub: Any) -> None:
    p = sub.add_parser("import", help="merge a backup made by export (idempotent)")
    p.add_argument("file", type=Path, help="a backup file written by export")


def _paths(sub: Any) -> None:
    sub.add_parser("paths", help="show where newsreader keeps its files")


def _sync(sub: Any) -> None:
    what = "sync reading state, bookmarks and feeds with other devices through a shared folder"
    p = sub.add_parser("sync", help=what, description=what[0].upper() + what[1:] + ".")
    p.add_argument(
        "--dir", type=Path, metavar="DIR", help="the sync folder (default: config sync_dir)"
    )
    p.add_argument(
        "--status",
        action="store_true",
        help="show the devices seen, the last change from each and the files skipped",
    )
    p.add_argument("--json", action="store_true", help="with --status: print a JSON object")


def _star(sub: Any) -> None:
    p = sub.add_parser("star", help="star an article, or unstar a starred one")
    p.add_argument("id", help="article id, as shown by list and search")
    p.add_argument("--off", action="store_true", help="unstar (never star)")


def _tag(sub: Any) -> None:
    p = sub.add_parser("tag", help="add (+TAG) or remove (-TAG) an article's tags")
    p.add_argument("id", help="article id, as shown by list and search")
    p.add_argument(
        "changes", nargs="*", metavar="+TAG|-TAG", help="tags to add or remove; none: show them"
    )


def _tags(sub: Any) -> None:
    p = sub.add_parser("tags", help="list the tags in use, with how many articles have each")
    p.add_argument("--json", action="store_true", help="print a JSON array of tags")


def _saved(sub: Any) -> None:
    p = sub.add_parser("saved", help="saved searches: list, add, remove, show")
    p.add_argument("--json", action="store_true", help="print a JSON array of saved searches")
    actions = p.add_subparsers(dest="saved_command", metavar="ACTION", parser_class=_OneLineErrors)
    a = actions.add_parser("add", help="save a query under a name (replaces one of that name)")
    a.add_argument("name", help="the saved search's name")
    a.add_argument("query", nargs="+", help="the query, as for search")
    a.add_argument(
        "--sort",
        choices=("relevance", "date"),
        default="relevance",
        help="order its articles by relevance (default) or date",
    )
    a = actions.add_parser("remove", help="forget a saved search")
    a.add_argument("name", help="the saved search's name")
    a = actions.add_parser("show", help="the articles a saved search matches now")
    a.add_argument("name", help="the saved search's name")
    a.add_argument("--json", action="store_true", help="print a JSON object")
    a.add_argument(
        "--limit",
        type=positive_int,
        default=50,
        metavar="N",
        help="show at most N articles (default 50)",
    )


def _add(sub: Any) -> None:
    p = sub.add_parser("add", help="save web pages or HTML files as articles")
    p.add_argument("sources", nargs="+", metavar="URL|FILE", help="http(s) address or .html file")


def _feeds(sub: Any) -> None:
    p = sub.add_parser("feeds", help="manage feed subscriptions (RSS, Atom)")
    actions = p.add_subparsers(
        dest="feeds_command", metavar="ACTION", required=True, parser_class=_OneLineErrors
    )
    a = actions.add_parser("add", help="subscribe to a feed, or to a site that announces one")
    a.add_argument("url", help="http(s) address of a feed or of a page that links to one")
    a = actions.add_parser("list", help="list subscriptions")
    a.add_argument("--json", action="store_true", help="print a JSON array of feeds")
    a = actions.add_parser("remove", help="unsubscribe (saved articles stay)")
    a.add_argument("feed", help="feed address or its number in 'feeds list'")
    what = "subscribe to the feeds of an OPML file (folders become categories; idempotent)"
    a = actions.add_parser("import", help=what, description=what[0].upper() + what[1:] + ".")
    a.add_argument(
        "file", type=Path, metavar="FILE", help="an OPML file (newsboat -e, FreshRSS, ...) or -"
    )
    what = "write the subscriptions as OPML (categories as folders)"
    a = actions.add_parser("export", help=what, description=what[0].upper() + what[1:] + ".")
    a.add_argument(
        "file", type=Path, nargs="?", metavar="FILE", help="the OPML file to write (default stdout)"
    )


def _fetch(sub: Any) -> None:
    p = sub.add_parser("fetch", help="save new articles from every subscribed feed")
    p.add_argument(
        "--limit",
        type=positive_int,
        default=50,
        metavar="N",
        help="save at most N new articles this run (default 50)",
    )


def _serve(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the app to a web browser (needs the serve extra)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1); any other than loopback asks for a token",
    )
    p.add_argument(
        "--port", type=port_number, default=8000, help="port to listen on (default 8000)"
    )


SHELLS = ("bash", "zsh", "fish")


def _completion(sub: Any) -> None:
    p = sub.add_parser("completion", help="print a tab-completion script for a shell")
    p.add_argument("shell", choices=SHELLS, help="the shell: bash, zsh or fish")


_SUBCOMMANDS: dict[str, Callable[[Any], None]] = {
    "index": _index,
    "search": _search,
    "suggest": _suggest,
    "list": _list,
    "show": _show,
    "star": _star,
    "tag": _tag,
    "tags": _tags,
    "saved": _saved,
    "stories": _stories,
    "related": _related,
    "bookmarks": _bookmarks,
    "export": _export,
    "import": _import,
    "paths": _paths,
    "sync": _sync,
    "add": _add,
    "feeds": _feeds,
    "fetch": _fetch,
    "serve": _serve,
    "completion": _completion,
}
"""Each subcommand's name -> what adds its parser, in the order ``--help`` lists them."""


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be from 1 to 65535")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


_TOP_OPTIONS_WITH_VALUE = {"--library", "--config"}
# Where free words may start with a dash: the subcommand (and action) -> its options that
# take a value.
_FREE_WORDS: dict[tuple[str, ...], set[str]] = {
    ("search",): {"--limit"},
    ("tag",): set(),
    ("saved", "add"): {"--sort"},
}


def query_words_last(argv: list[str]) -> list[str]:
    """``search`` words that start with ``-`` (``-rafah``) are exclusions, not options; so
    are ``tag``'s ``-TAG`` and a saved query's words.

    argparse would reject them as unknown options, so those words are moved after a
    ``--`` and the real options (``--limit N``, ``--limit=N``, ``--json``, ``-h``) stay in
    front, wherever they were typed.
    """
    i = 0
    while i < len(argv):  # skip the top-level options to find the subcommand
        arg = argv[i]
        if arg == "--" or not arg.startswith("-") or arg == "-":
            break
        i += 2 if arg in _TOP_OPTIONS_WITH_VALUE else 1
    command = next((c for c in _FREE_WORDS if tuple(argv[i : i + len(c)]) == c), None)
    if command is None:
        return argv
    i += len(command) - 1
    with_value = _FREE_WORDS[command]
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv[i + 1 :])
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg.startswith("--") or arg == "-h":
            options.append(arg)
            if any(name.startswith(arg) for name in with_value):  # --lim too
                value = next(rest, None)
                if value is not None:
                    options.append(value)
        else:
            words.append(arg)
    return [*argv[: i + 1], *options, *(["--", *words] if words else [])]
