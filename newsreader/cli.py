"""The ``newsreader`` command: argparse entry point and the scripting subcommands.

Data goes to stdout, diagnostics to stderr; exit codes live in ``newsreader.errors``.
Subcommands never import the TUI (Textual costs ~120 ms to import).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from newsreader import __version__
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from rich.console import Console

    from newsreader.context import AppContext
    from newsreader.library import Article, ArticleSummary, LibraryScan
    from newsreader.state import StateStore


class _OneLineErrors(argparse.ArgumentParser):
    """Bad usage is one line on stderr and exit 2, like every other bad input."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; also the source of ``--help``."""
    parser = _OneLineErrors(
        prog="newsreader",
        description="Read, search and bookmark news articles in the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--library",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="a folder of articles (repeatable); default: config, $NEWSREADER_LIBRARY, seeds",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineErrors)

    p = sub.add_parser("index", help="bring the search index up to date")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")

    p = sub.add_parser("search", help="ranked full-text search")
    p.add_argument("query", nargs="+", help='words, "phrases", -not, OR, title:, date:2024')
    p.add_argument("--limit", type=_positive_int, default=10, metavar="N")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument(
        "--as-typed",
        action="store_true",
        help="search the words as typed even when nothing matches them",
    )

    p = sub.add_parser("suggest", help="the did-you-mean spelling of a query")
    p.add_argument("query", nargs="+", help="words as they would be searched")
    p.add_argument("--json", action="store_true", help='print {"query": …, "suggestion": …}')

    p = sub.add_parser("list", help="list articles, newest first")
    p.add_argument("--json", action="store_true")
    p.add_argument("--unread", action="store_true", help="only unread articles")

    p = sub.add_parser("show", help="print one article")
    p.add_argument("id", help="article id, as shown by list and search")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("bookmarks", help="print bookmarks")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true")
    group.add_argument("--markdown", action="store_true")

    p = sub.add_parser("export", help="back up reading state and bookmarks to a JSON file")
    p.add_argument("file", type=Path, help="the backup file, or - for stdout")
    p = sub.add_parser("import", help="merge a backup made by export (idempotent)")
    p.add_argument("file", type=Path)

    sub.add_parser("paths", help="show where newsreader keeps its files")
    _add_feed_commands(sub)
    return parser


def _add_feed_commands(sub: Any) -> None:
    """``add``, ``feeds add|list|remove`` and ``fetch``: getting articles in."""
    p = sub.add_parser("add", help="save web pages or HTML files as articles")
    p.add_argument("sources", nargs="+", metavar="URL|FILE", help="http(s) address or .html file")

    p = sub.add_parser("feeds", help="manage feed subscriptions (RSS, Atom)")
    actions = p.add_subparsers(
        dest="feeds_command", metavar="ACTION", required=True, parser_class=_OneLineErrors
    )
    a = actions.add_parser("add", help="subscribe to a feed, or to a site that announces one")
    a.add_argument("url")
    a = actions.add_parser("list", help="list subscriptions")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("remove", help="unsubscribe (saved articles stay)")
    a.add_argument("feed", help="feed address or its number in 'feeds list'")

    p = sub.add_parser("fetch", help="save new articles from every subscribed feed")
    p.add_argument(
        "--limit",
        type=_positive_int,
        default=50,
        metavar="N",
        help="save at most N new articles this run (default 50)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


_TOP_OPTIONS_WITH_VALUE = {"--library"}
_SEARCH_OPTIONS_WITH_VALUE = {"--limit"}


def _query_words_last(argv: list[str]) -> list[str]:
    """``search`` words that start with ``-`` (``-rafah``) are exclusions, not options.

    argparse would reject them as unknown options, so the search words are moved after a
    ``--`` and the real options (``--limit N``, ``--limit=N``, ``--json``, ``-h``) stay in
    front, wherever they were typed.
    """
    i = 0
    while i < len(argv):  # skip the top-level options to find the subcommand
        arg = argv[i]
        if arg == "--" or not arg.startswith("-") or arg == "-":
            break
        i += 2 if arg in _TOP_OPTIONS_WITH_VALUE else 1
    if i >= len(argv) or argv[i] != "search":
        return argv
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv[i + 1 :])
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg.startswith("--") or arg == "-h":
            options.append(arg)
            if any(name.startswith(arg) for name in _SEARCH_OPTIONS_WITH_VALUE):  # --lim too
                value = next(rest, None)
                if value is not None:
                    options.append(value)
        else:
            words.append(arg)
    return [*argv[: i + 1], *options, *(["--", *words] if words else [])]


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(_query_words_last(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return _dispatch(args)
    except UserError as exc:  # messages quote paths and ids: shown printable, on one line
        print(f"newsreader: {_shown(str(exc))}", file=sys.stderr)
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

    ctx = build_context(args.library)
    command: Callable[[AppContext, argparse.Namespace], int] = {
        None: _cmd_tui,
        "index": _cmd_index,
        "search": _cmd_search,
        "suggest": _cmd_suggest,
        "list": _cmd_list,
        "show": _cmd_show,
        "bookmarks": _cmd_bookmarks,
        "export": _cmd_export,
        "import": _cmd_import,
        "paths": _cmd_paths,
        "add": _cmd_add,
        "feeds": _cmd_feeds,
        "fetch": _cmd_fetch,
    }[args.command]
    return command(ctx, args)


# --- output helpers -------------------------------------------------------------------------


def _stdout() -> Console:
    from rich.console import Console

    console = Console(highlight=False)
    # Piped output is for scripts: one record per line, never wrapped at 80 columns.
    console.soft_wrap = not console.is_terminal
    return console


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _shown(path: Path | str) -> str:
    """A path as printable text (a file name may hold any byte but ``/`` and NUL)."""
    from newsreader.library.names import inert

    return inert(str(path))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on a terminal; a silent callback when stderr is piped."""
    console = _stderr()
    if not console.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def _scan(ctx: AppContext) -> LibraryScan:
    with progress_bar("Reading articles") as update:
        return ctx.library.scan(progress=update)


def _summary_json(a: ArticleSummary) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "path": _shown(a.path_str),
        "date": a.date.isoformat() if a.date else None,
    }


class IndexUnwritable(UserError):
    """The search index cannot be written (disk full, read-only cache folder)."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        super().__init__(
            f"cannot write the search index in {_shown(folder)}: {exc.strerror or exc}"
        )


# --- subcommands ----------------------------------------------------------------------------


def _cmd_tui(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.tui.early import FirstScan

    first_scan = FirstScan(ctx.library)  # scans while Textual is imported
    from newsreader.tui.app import run_app

    return run_app(ctx, first_scan)


def _update_index(ctx: AppContext, scan: LibraryScan, rebuild: bool = False) -> Any:
    from newsreader.paths import ensure_dir
    from newsreader.search.index import SearchIndex

    ensure_dir(ctx.paths.index_root, "cache")
    index = SearchIndex(ctx.index_dir)
    try:
        with progress_bar("Indexing") as update:
            # procs only matters for a full build, which forks: fine here, never in the TUI.
            report = index.update(scan, ctx.library, rebuild=rebuild, progress=update, procs=2)
    except OSError as exc:  # a full disk, a read-only cache: the last index is kept as it was
        index.close()
        raise IndexUnwritable(ctx.index_dir, exc) from None
    if report.notice:
        print(f"newsreader: {report.notice}", file=sys.stderr)
    return index, report


def _cmd_index(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = _scan(ctx)
    index, report = _update_index(ctx, scan, rebuild=args.rebuild)
    index.close()
    print(
        f"{len(scan.articles)} articles: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {len(scan.skipped)} skipped"
        + (" (rebuilt)" if report.rebuilt else "")
    )
    for skip in scan.skipped:
        print(f"  skipped {_shown(skip.path)}: {_shown(skip.reason)}")
    if report.truncated:
        from newsreader.library.parse import MAX_PARAGRAPHS, MAX_TEXT

        for article_id in report.truncated:
            print(
                f"  too long to index whole: {article_id} (the first {MAX_PARAGRAPHS:,} "
                f"paragraphs or {MAX_TEXT:,} characters are shown and searched)"
            )
    return ExitCode.OK


def _search_index(ctx: AppContext) -> Any:
    """The index brought up to date (the last complete one when it cannot be written)."""
    scan = _scan(ctx)
    try:
        index, _report = _update_index(ctx, scan)
    except IndexUnwritable as exc:  # a full disk or unwritable cache: the last index answers
        from newsreader.search import generations as index_store
        from newsreader.search.index import SearchIndex

        if index_store.read_current(ctx.index_dir) is None:
            raise UserError(f"{exc}; there is no earlier index to search") from None
        print(f"newsreader: {exc}; searching the last complete one", file=sys.stderr)
        index = SearchIndex(ctx.index_dir)
    return index


def _cmd_suggest(ctx: AppContext, args: argparse.Namespace) -> int:
    index = _search_index(ctx)
    try:
        result = index.suggest(" ".join(args.query))
    finally:
        index.close()
    if result.error:
        raise UserError(result.error)
    if args.json:
        _print_json({"query": result.query, "suggestion": result.suggestion})
    elif result.suggestion:
        print(result.suggestion)
    return ExitCode.OK


def _cmd_search(ctx: AppContext, args: argparse.Namespace) -> int:
    index = _search_index(ctx)
    try:
        result = index.search(" ".join(args.query), limit=args.limit, correct=not args.as_typed)
    finally:
        index.close()
    if result.error and not result.hits:
        raise UserError(result.error)
    from rich.text import Text

    from newsreader.library.text import clean_text

    err = _stderr()
    if result.corrected:  # said on stderr with --json too: the array is the suggestion's
        err.print(
            Text.assemble(
                "Showing results for ",
                (result.suggestion or "", "bold"),
                f"; search instead for {clean_text(result.query)} (--as-typed)",
            )
        )
    if args.json:
        _print_json(
            [
                {
                    "id": h.id,
                    "title": h.title,
                    "path": _shown(h.path),
                    "date": h.date.isoformat() if h.date else None,
                    "score": round(h.score, 4),
                    "paragraph": h.paragraph,
                    "snippet": h.snippet,
                }
                for h in result.hits
            ]
        )
        return ExitCode.OK
    if result.suggestion and not result.corrected:
        err.print(Text(f"Did you mean: {result.suggestion}"))
    if result.fallback_any:
        err.print("No article has every word; showing articles with any of them.")
    if result.error:
        err.print(result.error)
    out = _stdout()
    if not result.hits:
        err.print("No matches.")
    for h in result.hits:
        line = Text()
        line.append(h.title, style="bold")
        line.append(f"  {h.date.isoformat() if h.date else ''}  ", style="dim")
        line.append(h.id, style="cyan")
        out.print(line)
        snippet = Text(h.snippet)
        for start, end in h.snippet_spans:
            snippet.stylize("bold reverse" if out.is_terminal else "", start, end)
        out.print(Text("  ").append_text(snippet))
    if result.hits and err.is_terminal:  # a person reading: how many more there are
        about = "about " if result.total_estimated else ""
        noun = "article matches" if result.total == 1 else "articles match"
        more = f", best {len(result.hits)} shown" if result.total > len(result.hits) else ""
        err.print(f"{about}{result.total:,} {noun}{more}", style="dim")
    return ExitCode.OK


@contextmanager
def _store(ctx: AppContext) -> Iterator[StateStore]:
    """The state store for one command; every notice it raises (also on close) goes to stderr."""
    from newsreader.state import StateStore

    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    try:
        yield store
    finally:
        try:
            store.close()
        finally:
            for notice in store.notices:
                print(f"newsreader: {notice}", file=sys.stderr)


def _cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = _scan(ctx)
    with _store(ctx) as store:
        states = store.reading_states(scan.articles)
    rows = []
    for a in scan.articles:
        st = states.get(a.id)
        read = bool(st and st.read)
        if args.unread and read:
            continue
        rows.append({**_summary_json(a), "read": read, "progress": st.progress if st else 0})
    if args.json:
        _print_json(rows)
        return ExitCode.OK
    out = _stdout()
    from rich.text import Text

    for row in rows:
        line = Text("  " if row["read"] else "● ", style="bold cyan")
        line.append(f"{row['date'] or '':10}  ", style="dim")
        line.append(row["title"])
        line.append(f"  [{row['id']}]", style="dim")
        if out.is_terminal:
            out.print(line, overflow="ellipsis", no_wrap=True)
        else:
            out.print(line)
    return ExitCode.OK


def _load(ctx: AppContext, scan: LibraryScan, article_id: str) -> Article:
    from newsreader.library import ParseError

    summary = scan.by_id.get(article_id)
    if summary is None:
        raise UserError(f"no article with id '{article_id}' (see 'newsreader list')")
    try:
        return ctx.library.load(summary)
    except ParseError as exc:
        raise UserError(f"cannot read {_shown(summary.path)}: {exc}") from None


def _cmd_show(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = _scan(ctx)
    art = _load(ctx, scan, args.id)
    if args.json:
        _print_json(
            {
                **_summary_json(art.summary),
                "dateline": art.dateline,
                "paragraphs": list(art.paragraphs),
                "truncated": art.truncated,
            }
        )
        return ExitCode.OK
    if art.truncated:
        print(f"newsreader: this file is too long to show whole: {art.truncated}", file=sys.stderr)
    from newsreader.library.blocks import BlockKind, shown_lines, shown_text

    out = _stdout()
    if not out.is_terminal:
        date = art.date.isoformat() if art.date else ""
        body = shown_text(art.paragraphs, art.blocks)
        sys.stdout.write(f"{art.title}\n{date}\n\n{body}\n")
        return ExitCode.OK
    from rich.padding import Padding
    from rich.text import Text

    width = min(out.width, 88)
    out.print(Text(art.title, style="bold"), width=width)
    meta = " · ".join(
        x for x in (art.date.strftime("%a %d %b %Y") if art.date else "", art.dateline or "") if x
    )
    out.print(Text(meta, style="dim"), width=width)
    for i, para in enumerate(art.paragraphs):
        block = art.block(i)
        style = "bold" if block.kind is BlockKind.HEADING else ""
        top = 1 if block.gap else 0
        out.print(Padding(Text(shown_lines(para, block), style=style), (top, 0, 0, 0)), width=width)
    return ExitCode.OK


def _cmd_bookmarks(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import bookmarks_json, bookmarks_markdown

    scan = _scan(ctx)
    with _store(ctx) as store:
        if args.json:
            _print_json(bookmarks_json(store, scan, ctx.library))
        else:
            sys.stdout.write(bookmarks_markdown(store, scan, ctx.library))
    return ExitCode.OK


def _cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import backup_text, export_backup

    with _store(ctx) as store:
        if str(args.file) == "-":
            text, count = backup_text(store)
            sys.stdout.write(text)
        else:
            count = export_backup(store, args.file)
    where = "stdout" if str(args.file) == "-" else _shown(args.file)
    print(f"exported {count} records to {where}", file=sys.stderr)
    return ExitCode.OK


def _cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import import_backup

    with _store(ctx) as store:
        report = import_backup(store, args.file)
    print(f"imported from {_shown(args.file)}: {report}", file=sys.stderr)
    return ExitCode.OK


def _cmd_paths(ctx: AppContext, args: argparse.Namespace) -> int:
    p = ctx.paths
    rows = [
        *(("library", _shown(r)) for r in ctx.library.roots),
        ("library from", ctx.library_source),
        ("data dir", str(p.data_dir)),
        ("state file", str(p.state_file)),
        ("index dir", str(ctx.index_dir)),
        ("config file", str(p.config_file)),
    ]
    for key, value in rows:
        print(f"{key + ':':14}{value}")
    return ExitCode.OK


# --- getting articles in: add, feeds, fetch ---------------------------------------------------
# Exit codes: 0 when anything was saved, found already saved, or fetched; 2 when every item
# (page given to add, or feed) failed, so scripts notice a run that did nothing.


def _articles_folder(ctx: AppContext) -> Path:
    from newsreader.paths import ensure_dir

    folder = ensure_dir(ctx.articles_dir, "articles")
    explicit = ctx.library_source in ("--library", "NEWSREADER_LIBRARY")
    if explicit and folder not in ctx.library.roots:
        print(
            f"newsreader: note: saving to {folder}, which is not in the library chosen by "
            f"{ctx.library_source}",
            file=sys.stderr,
        )
    return folder


def _inert(text: object) -> str:
    """Text that may quote a feed or a server (titles, reasons, addresses) on one line, without
    control characters."""
    from newsreader.library.text import clean_line

    return clean_line(str(text))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.feeds import ArticleFolder, add_sources, fetch_options

    folder = ArticleFolder(_articles_folder(ctx))
    with progress_bar("Saving pages") as update:
        results = add_sources(
            args.sources,
            folder.folder,
            options=fetch_options(ctx.config),
            progress=update,
            folder=folder,
        )
    for notice in folder.notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    for r in results:
        if r.status == "failed":
            print(f"newsreader: {_inert(r.source)}: {_inert(r.message)}", file=sys.stderr)
        else:
            print(f"{'saved' if r.status == 'saved' else 'already saved'}: {r.path}")
    ok = any(r.status != "failed" for r in results)
    return ExitCode.OK if ok else ExitCode.BAD_INPUT


def _cmd_feeds(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.feeds import (
        add_subscription,
        fetch_options,
        find_feed,
        load_subscriptions,
        remove_subscription,
        subscriptions_file,
    )

    file = subscriptions_file(ctx.paths)
    if args.feeds_command == "add":
        found = find_feed(args.url, fetch_options(ctx.config))
        if not add_subscription(file, found.url, found.title):
            print(f"newsreader: already subscribed to {_inert(found.url)}", file=sys.stderr)
            return ExitCode.OK
        print(
            f"subscribed: {_inert(found.title or found.url)} <{_inert(found.url)}> "
            f"({_count(found.entries, 'entry', 'entries')}; 'newsreader fetch' saves them)"
        )
    elif args.feeds_command == "remove":
        gone = remove_subscription(file, args.feed)
        print(f"unsubscribed: {_inert(gone.title or gone.url)} <{_inert(gone.url)}>")
    else:
        feeds = load_subscriptions(file)
        if args.json:
            _print_json(
                [
                    {
                        "number": n,
                        "url": f.url,
                        "title": f.title,
                        "added": f.added,
                        "last_fetched": f.last_fetched,
                        "last_status": f.last_status,
                        "last_error": f.last_error,
                    }
                    for n, f in enumerate(feeds, 1)
                ]
            )
        elif not feeds:
            print(
                "newsreader: no feeds yet; add one with 'newsreader feeds add URL'", file=sys.stderr
            )
        for n, f in enumerate([] if args.json else feeds, 1):
            status = f.last_status or "never fetched"
            if f.last_error:
                status += f": {f.last_error}"
            print(
                f"{n:3}  {_inert(f.title or '(untitled)')}  <{_inert(f.url)}>  [{_inert(status)}]"
            )
    return ExitCode.OK


def _cmd_fetch(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.feeds import FeedEvent, FeedFinished, fetch_all, fetch_options
    from newsreader.feeds import subscriptions_file as feeds_file

    folder = _articles_folder(ctx)
    with progress_bar("Fetching feeds") as update:

        def on_event(event: FeedEvent) -> None:
            if isinstance(event, FeedFinished):
                update(event.done, event.total)

        report = fetch_all(
            feeds_file(ctx.paths),
            folder,
            options=fetch_options(ctx.config, max_new=args.limit),
            progress=on_event,
        )
    for notice in report.notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    if not report.results:
        print("newsreader: no feeds yet; add one with 'newsreader feeds add URL'", file=sys.stderr)
        return ExitCode.OK
    for r in report.results:
        name = _inert(r.name)
        for f in r.failures:
            print(f"newsreader: {name}: {_inert(f.url)}: {_inert(f.reason)}", file=sys.stderr)
        for a in r.saved:
            if a.note:
                print(f"newsreader: {name}: {_inert(a.url)}: {_inert(a.note)}", file=sys.stderr)
        if r.notice:
            print(f"newsreader: {name}: {_inert(r.notice)}", file=sys.stderr)
        if r.status == "failed":
            print(f"newsreader: {name}: {_inert(r.error)}", file=sys.stderr)
            continue
        extra = f", {r.from_summary} from the feed's summary" if r.from_summary else ""
        state = " (not modified)" if r.status == "not modified" else ""
        print(f"{name}: {r.new} new{extra}{state}")
    failed = len(report.failed)
    print(
        f"{_count(report.new, 'new article')} from {_count(len(report.results), 'feed')}"
        + (f" ({failed} failed)" if failed else "")
    )
    if report.limit_reached:
        print(
            f"newsreader: stopped at {args.limit} new articles; run 'newsreader fetch' "
            "again for the rest",
            file=sys.stderr,
        )
    return ExitCode.BAD_INPUT if failed == len(report.results) else ExitCode.OK
