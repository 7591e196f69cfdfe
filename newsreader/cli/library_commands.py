"""The subcommands that read the library: ``index``, ``search``, ``suggest``, ``list``, ``show``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.cli.output import (
    plainly_piped,
    print_json,
    progress_bar,
    shown,
    stderr_console,
    stdout_console,
)
from newsreader.cli.resources import open_store, scan_library
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.library import Article, ArticleSummary, LibraryScan


def _summary_json(a: ArticleSummary) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "path": shown(a.path_str),
        "date": a.date.isoformat() if a.date else None,
    }


class IndexUnwritable(UserError):
    """The search index cannot be written (disk full, read-only cache folder)."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        super().__init__(f"cannot write the search index in {shown(folder)}: {exc.strerror or exc}")


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


def cmd_index(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = scan_library(ctx)
    index, report = _update_index(ctx, scan, rebuild=args.rebuild)
    index.close()
    print(
        f"{len(scan.articles)} articles: {report.added} added, {report.updated} updated, "
        f"{report.removed} removed, {len(scan.skipped)} skipped"
        + (" (rebuilt)" if report.rebuilt else "")
    )
    for skip in scan.skipped:
        print(f"  skipped {shown(skip.path)}: {shown(skip.reason)}")
    if report.truncated:
        from newsreader.library.parse import MAX_PARAGRAPHS, MAX_TEXT

        for article_id in report.truncated:
            print(
                f"  too long to index whole: {article_id} (the first {MAX_PARAGRAPHS:,} "
                f"paragraphs or {MAX_TEXT:,} characters are shown and searched)"
            )
    return ExitCode.OK


def search_index(ctx: AppContext) -> tuple[Any, LibraryScan]:
    """The index brought up to date (the last complete one when it cannot be written), and
    the scan it was brought in line with."""
    from newsreader.search.lean_imports import prepare

    prepare()  # a search needs Whoosh: loaded without the modules it never uses
    scan = scan_library(ctx)
    try:
        index, _report = _update_index(ctx, scan)
    except IndexUnwritable as exc:  # a full disk or unwritable cache: the last index answers
        from newsreader.search.index import SearchIndex

        index = SearchIndex(ctx.index_dir)
        if not index.is_complete():
            raise UserError(f"{exc}; there is no earlier index to search") from None
        print(f"newsreader: {exc}; searching the last complete one", file=sys.stderr)
    return index, scan


def cmd_suggest(ctx: AppContext, args: argparse.Namespace) -> int:
    index, _scan = search_index(ctx)
    try:
        result = index.suggest(" ".join(args.query))
    finally:
        index.close()
    if result.error:
        raise UserError(result.error)
    if args.json:
        print_json({"query": result.query, "suggestion": result.suggestion})
    elif result.suggestion:
        print(result.suggestion)
    return ExitCode.OK


def cmd_search(ctx: AppContext, args: argparse.Namespace) -> int:
    index, scan = search_index(ctx)
    try:
        result = index.search(" ".join(args.query), limit=args.limit, correct=not args.as_typed)
    finally:
        index.close()
    if result.error and not result.hits:
        raise UserError(result.error)
    from newsreader.library.text import clean_text

    if result.corrected:  # said on stderr with --json too: the array is the suggestion's
        suggestion = clean_text(result.suggestion or "")
        instead = f"; search instead for {clean_text(result.query)} (--as-typed)"
        if plainly_piped(sys.stderr):
            sys.stderr.write(f"Showing results for {suggestion}{instead}\n")
        else:
            from rich.text import Text

            stderr_console().print(
                Text.assemble("Showing results for ", (suggestion, "bold"), instead)
            )
    if args.json:
        from newsreader.cli.story_commands import story_by_path, story_groups

        story = story_by_path(story_groups(ctx, scan.articles), scan.articles)
        print_json(
            [
                {
                    "id": h.id,
                    "title": h.title,
                    "path": shown(h.path),
                    "date": h.date.isoformat() if h.date else None,
                    "score": round(h.score, 4),
                    "paragraph": h.paragraph,
                    "snippet": h.snippet,
                    "story": story.get(str(h.path)),
                }
                for h in result.hits
            ]
        )
        return ExitCode.OK
    from rich.text import Text

    err = stderr_console()
    if result.suggestion and not result.corrected:
        err.print(Text(f"Did you mean: {result.suggestion}"))
    if result.fallback_any:
        err.print("No article has every word; showing articles with any of them.")
    if result.error:
        err.print(result.error)
    out = stdout_console()
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


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = scan_library(ctx)
    with open_store(ctx) as store:
        states = store.reading_states(scan.articles)
    rows = []
    for a in scan.articles:
        st = states.get(a.id)
        read = bool(st and st.read)
        if args.unread and read:
            continue
        rows.append({**_summary_json(a), "read": read, "progress": st.progress if st else 0})
    if args.json:
        from newsreader.cli.story_commands import story_groups

        groups = story_groups(ctx, scan.articles)
        story = {a.id: groups.story(a.content_hash) for a in scan.articles}
        print_json([{**row, "story": story[row["id"]]} for row in rows])
        return ExitCode.OK
    out = stdout_console()
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
        raise UserError(f"cannot read {shown(summary.path)}: {exc}") from None


def cmd_show(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = scan_library(ctx)
    art = _load(ctx, scan, args.id)
    if args.json:
        from newsreader.feeds.sources import source_of

        source = source_of(art.summary.path_str)
        known = {"url": source.url, "feed": source.feed} if source is not None else {}
        print_json(
            {
                **_summary_json(art.summary),
                **{k: v for k, v in known.items() if v is not None},
                "dateline": art.dateline,
                "paragraphs": list(art.paragraphs),
                "truncated": art.truncated,
            }
        )
        return ExitCode.OK
    if art.truncated:
        print(f"newsreader: this file is too long to show whole: {art.truncated}", file=sys.stderr)
    from newsreader.library.blocks import BlockKind, shown_lines, shown_text

    out = stdout_console()
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
