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
        "--library", action="append", type=Path, default=[], metavar="DIR",
        help="a folder of articles (repeatable); default: config, $NEWSREADER_LIBRARY, seeds",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineErrors)

    p = sub.add_parser("index", help="bring the search index up to date")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")

    p = sub.add_parser("search", help="ranked full-text search")
    p.add_argument("query", nargs="+", help="words, \"phrases\", -not, OR, title:, date:2024")
    p.add_argument("--limit", type=_positive_int, default=10, metavar="N")
    p.add_argument("--json", action="store_true", help="print a JSON array")

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
    p.add_argument("file", type=Path)
    p = sub.add_parser("import", help="merge a backup made by export (idempotent)")
    p.add_argument("file", type=Path)

    sub.add_parser("paths", help="show where newsreader keeps its files")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        return _dispatch(args)
    except UserError as exc:
        print(f"newsreader: {exc}", file=sys.stderr)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # last resort: one line, no traceback (set NEWSREADER_DEBUG=1)
        import os

        if os.environ.get("NEWSREADER_DEBUG"):
            raise
        print(f"newsreader: unexpected error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return ExitCode.UNEXPECTED


def _dispatch(args: argparse.Namespace) -> int:
    from newsreader.context import build_context

    ctx = build_context(args.library)
    command: Callable[[AppContext, argparse.Namespace], int] = {
        None: _cmd_tui,
        "index": _cmd_index,
        "search": _cmd_search,
        "list": _cmd_list,
        "show": _cmd_show,
        "bookmarks": _cmd_bookmarks,
        "export": _cmd_export,
        "import": _cmd_import,
        "paths": _cmd_paths,
    }[args.command]
    return command(ctx, args)


# --- output helpers -------------------------------------------------------------------------


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


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
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console, transient=True,
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
        "path": str(a.path),
        "date": a.date.isoformat() if a.date else None,
    }


# --- subcommands ----------------------------------------------------------------------------


def _cmd_tui(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.tui.app import run_app

    return run_app(ctx)


def _update_index(ctx: AppContext, scan: LibraryScan, rebuild: bool = False) -> Any:
    from newsreader.paths import ensure_dir
    from newsreader.search import SearchIndex

    ensure_dir(ctx.paths.index_root, "cache")
    index = SearchIndex(ctx.index_dir)
    with progress_bar("Indexing") as update:
        report = index.update(scan, ctx.library, rebuild=rebuild, progress=update)
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
        print(f"  skipped {skip.path}: {skip.reason}")
    return ExitCode.OK


def _cmd_search(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = _scan(ctx)
    index, _report = _update_index(ctx, scan)
    try:
        result = index.search(" ".join(args.query), limit=args.limit)
    finally:
        index.close()
    if result.error and not result.hits:
        raise UserError(result.error)
    if args.json:
        _print_json([
            {
                "id": h.id,
                "title": h.title,
                "path": str(h.path),
                "date": h.date.isoformat() if h.date else None,
                "score": round(h.score, 4),
                "paragraph": h.paragraph,
                "snippet": h.snippet,
            }
            for h in result.hits
        ])
        return ExitCode.OK
    err = _stderr()
    if result.fallback_any:
        err.print("No article has every word; showing articles with any of them.")
    if result.suggestion:
        err.print(f"Did you mean: {result.suggestion}")
    if result.error:
        err.print(result.error)
    out = _stdout()
    if not result.hits:
        err.print("No matches.")
    from rich.text import Text

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
    return ExitCode.OK


def _open_store(ctx: AppContext) -> Any:
    from newsreader.state import StateStore

    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    for notice in store.notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    return store


def _cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = _scan(ctx)
    store = _open_store(ctx)
    try:
        states = store.reading_states(scan.articles)
    finally:
        store.close()
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
        out.print(line, overflow="ellipsis", no_wrap=out.is_terminal)
    return ExitCode.OK


def _load(ctx: AppContext, scan: LibraryScan, article_id: str) -> Article:
    from newsreader.library import ParseError

    summary = scan.by_id.get(article_id)
    if summary is None:
        raise UserError(f"no article with id {article_id!r} (see 'newsreader list')")
    try:
        return ctx.library.load(summary)
    except ParseError as exc:
        raise UserError(f"cannot read {summary.path}: {exc}") from None


def _cmd_show(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = _scan(ctx)
    art = _load(ctx, scan, args.id)
    if args.json:
        _print_json({
            **_summary_json(art.summary), "dateline": art.dateline,
            "paragraphs": list(art.paragraphs),
        })
        return ExitCode.OK
    out = _stdout()
    if not out.is_terminal:
        date = art.date.isoformat() if art.date else ""
        sys.stdout.write(f"{art.title}\n{date}\n\n" + "\n\n".join(art.paragraphs) + "\n")
        return ExitCode.OK
    from rich.padding import Padding
    from rich.text import Text

    width = min(out.width, 88)
    out.print(Text(art.title, style="bold"), width=width)
    meta = " · ".join(x for x in (art.date.strftime("%a %d %b %Y") if art.date else "",
                                   art.dateline or "") if x)
    out.print(Text(meta, style="dim"), width=width)
    for para in art.paragraphs:
        out.print(Padding(Text(para), (1, 0, 0, 0)), width=width)
    return ExitCode.OK


def _cmd_bookmarks(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import bookmarks_json, bookmarks_markdown

    scan = _scan(ctx)
    store = _open_store(ctx)
    try:
        if args.json:
            _print_json(bookmarks_json(store, scan, ctx.library))
        else:
            sys.stdout.write(bookmarks_markdown(store, scan, ctx.library))
    finally:
        store.close()
    return ExitCode.OK


def _cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import export_backup

    store = _open_store(ctx)
    try:
        count = export_backup(store, args.file)
    finally:
        store.close()
    print(f"exported {count} records to {args.file}", file=sys.stderr)
    return ExitCode.OK


def _cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import import_backup

    store = _open_store(ctx)
    try:
        report = import_backup(store, args.file)
    finally:
        store.close()
    print(f"imported from {args.file}: {report}", file=sys.stderr)
    return ExitCode.OK


def _cmd_paths(ctx: AppContext, args: argparse.Namespace) -> int:
    p = ctx.paths
    rows = [
        *(("library", str(r)) for r in ctx.library.roots),
        ("library from", ctx.library_source),
        ("data dir", str(p.data_dir)),
        ("state file", str(p.state_file)),
        ("index dir", str(ctx.index_dir)),
        ("config file", str(p.config_file)),
    ]
    for key, value in rows:
        print(f"{key + ':':14}{value}")
    return ExitCode.OK
