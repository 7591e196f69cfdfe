"""The subcommands that read the library: ``index``, ``search``, ``suggest``, ``list``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

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
    from newsreader.library import ArticleSummary, LibraryScan
    from newsreader.search.build import Extra
    from newsreader.search.index import SearchIndex
    from newsreader.search.results import IndexReport


class _Hit(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def date(self) -> date | None: ...
    @property
    def score(self) -> float: ...


def hit_json(h: _Hit) -> dict[str, Any]:
    """The fields every ranked article has in ``--json`` (search hits, related articles)."""
    return {
        "id": h.id,
        "title": h.title,
        "path": shown(h.path),
        "date": h.date.isoformat() if h.date else None,
        "score": round(h.score, 4),
    }


def summary_json(a: ArticleSummary) -> dict[str, Any]:
    """The fields every listed article has in ``--json``."""
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


def _open_index(ctx: AppContext) -> SearchIndex:
    """The library's index: the one the search server keeps open, or a new one."""
    from newsreader.search.index import SearchIndex

    if ctx.resident is None:
        return SearchIndex(ctx.index_dir)
    index = ctx.resident.indexes.get(ctx.index_dir)
    if not isinstance(index, SearchIndex):
        index = ctx.resident.indexes[ctx.index_dir] = SearchIndex(ctx.index_dir)
    return index


def release_index(ctx: AppContext, index: SearchIndex) -> None:
    """Done with ``index`` for this command (closed, unless the search server keeps it)."""
    if ctx.resident is None:
        index.close()


def _drop_index(ctx: AppContext, index: SearchIndex) -> None:
    """Close ``index`` even when it is kept: it failed, the next command opens it anew."""
    if ctx.resident is not None:
        ctx.resident.indexes.pop(ctx.index_dir, None)
    index.close()


def _update_index(
    ctx: AppContext, scan: LibraryScan, rebuild: bool = False, extra: Extra | None = None
) -> tuple[SearchIndex, IndexReport]:
    from newsreader.paths import ensure_dir

    ensure_dir(ctx.paths.index_root, "cache")
    index = _open_index(ctx)
    try:
        with progress_bar("Indexing") as update:
            # procs only matters for a full build, which forks: fine here, never in the TUI.
            report = index.update(
                scan, ctx.library, rebuild=rebuild, progress=update, procs=2, extra=extra
            )
    except OSError as exc:  # a full disk, a read-only cache: the last index is kept as it was
        _drop_index(ctx, index)
        raise IndexUnwritable(ctx.index_dir, exc) from None
    except BaseException:
        _drop_index(ctx, index)
        raise
    if report.notice:
        print(f"newsreader: {report.notice}", file=sys.stderr)
    return index, report


def cmd_index(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.cli.story_commands import sign_stories, story_groups
    from newsreader.stories import story_signature

    scan = scan_library(ctx)
    # A full build reads and parses every article: it signs them for the story groups too.
    index, report = _update_index(ctx, scan, rebuild=args.rebuild, extra=story_signature)
    release_index(ctx, index)
    # Signed here, where waiting is expected: else a new library's first 'search --json'
    # or 'list --json' would read and sign every article. The search server keeps the
    # groups for the next command; a process that ends now only needs the store signed.
    if ctx.resident is None:
        sign_stories(ctx, scan, report.extras)
    else:
        story_groups(ctx, scan.articles, scan.state, scan.since, signed=report.extras)
    print(
        f"{len(scan.articles)} article{'' if len(scan.articles) == 1 else 's'}: "
        f"{report.added} added, {report.updated} updated, "
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
    from newsreader.cli.search_client import start_if_wanted

    # A script or cron job that runs 'index' again (or a search after it) skips the start-up.
    start_if_wanted(ctx)
    return ExitCode.OK


def search_index(ctx: AppContext) -> tuple[SearchIndex, LibraryScan]:
    """The index brought up to date (the last complete one when it cannot be written), and
    the scan it was brought up to."""
    from newsreader.search.lean_imports import prepare

    prepare()  # a search needs Whoosh: loaded without the modules it never uses
    scan = scan_library(ctx)
    try:
        index, _report = _update_index(ctx, scan)
    except IndexUnwritable as exc:  # a full disk or unwritable cache: the last index answers
        index = _open_index(ctx)
        if not index.is_complete():
            _drop_index(ctx, index)
            raise UserError(f"{exc}; there is no earlier index to search") from None
        print(f"newsreader: {exc}; searching the last complete one", file=sys.stderr)
    return index, scan


def cmd_suggest(ctx: AppContext, args: argparse.Namespace) -> int:
    index, _scan = search_index(ctx)
    try:
        result = index.suggest(" ".join(args.query))
    finally:
        release_index(ctx, index)
    if result.error:
        raise UserError(result.error)
    if args.json:
        print_json({"query": result.query, "suggestion": result.suggestion})
    elif result.suggestion:
        print(result.suggestion)
    return ExitCode.OK


def cmd_search(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.app.filters import split

    text = " ".join(args.query)
    parts = split(text)
    if parts.error:  # before the library is read: a typo costs nothing
        raise UserError(parts.error)
    index, scan = search_index(ctx)
    try:
        if parts.filters:
            from newsreader.app.shelves import shelf_for

            with open_store(ctx) as store:
                shelf = shelf_for(ctx, scan.articles, store)
            result = shelf.search(index.search, text, args.limit, correct=not args.as_typed)
        else:
            result = index.search(text, limit=args.limit, correct=not args.as_typed)
    finally:
        release_index(ctx, index)
    from newsreader.cli.search_client import start_if_wanted

    start_if_wanted(ctx)  # the next search skips the start-up this one paid for
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
        from newsreader.cli.story_commands import story_groups, story_of

        groups = story_groups(ctx, scan.articles, scan.state, scan.since)
        print_json(
            [
                {
                    **hit_json(h),
                    "paragraph": h.paragraph,
                    "snippet": h.snippet,
                    "story": story_of(groups, scan, h.id),
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
        if not h.snippet:  # listed by a filter alone: no words to show in context
            continue
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


def _listed(ctx: AppContext, args: argparse.Namespace) -> tuple[Any, list[ArticleSummary]]:
    """The shelf and the articles ``list`` shows, its filters applied."""
    from newsreader.app.filters import Filters
    from newsreader.app.shelves import shelf_for
    from newsreader.state.tags import key, normalise

    try:
        wanted = tuple(key(normalise(t)) for t in args.tag)
    except ValueError as exc:
        raise UserError(f"--tag: {exc}") from None
    filters = Filters(
        tags=wanted, starred=True if args.starred else None, read=False if args.unread else None
    )
    if args.saved is None:
        scan = scan_library(ctx)
        with open_store(ctx) as store:
            shelf = shelf_for(ctx, scan.articles, store)
        return shelf, shelf.matching(filters)
    from newsreader.app.saved_lists import show

    with open_store(ctx) as store:
        saved = store.saved_search(args.saved)
        if saved is None:
            raise UserError(f"no saved search named {args.saved!r} (see 'newsreader saved')")
        index, scan = search_index(ctx)
        try:
            shelf = shelf_for(ctx, scan.articles, store)
            view = show(shelf, index.ranked_paths, saved)
        finally:
            release_index(ctx, index)
    if view.counts.error:
        raise UserError(view.counts.error)
    chosen = [scan.by_id[aid] for aid in view.ids if aid in scan.by_id]
    return shelf, [a for a in chosen if shelf.matches(a, filters)]


def organised_json(shelf: Any, a: ArticleSummary) -> dict[str, Any]:
    """The ``tags``, ``source_tags`` and ``starred`` keys of an article's JSON."""
    state = shelf.state(a)
    return {
        "starred": state.starred,
        "tags": list(state.tags),
        "source_tags": list(shelf.source_tags(a)),
    }


def cmd_list(ctx: AppContext, args: argparse.Namespace) -> int:
    shelf, articles = _listed(ctx, args)
    rows = []
    for a in articles:
        st = shelf.state(a)
        rows.append(
            {
                **summary_json(a),
                "read": st.read,
                "progress": st.progress,
                **organised_json(shelf, a),
            }
        )
    if args.json:
        from newsreader.cli.story_commands import story_groups

        everything = shelf.articles  # a story is grouped among all articles, not the listed
        groups = story_groups(ctx, everything)
        story = {a.id: groups.story(a.content_hash) for a in articles}
        print_json([{**row, "story": story[row["id"]]} for row in rows])
        return ExitCode.OK
    out = stdout_console()
    from rich.text import Text

    for row in rows:
        line = Text("  " if row["read"] else "● ", style="bold cyan")
        line.append("★ " if row["starred"] else "  ", style="bold yellow")
        line.append(f"{row['date'] or '':10}  ", style="dim")
        line.append(row["title"])
        for tag in row["tags"]:
            line.append(f"  #{tag}", style="green")
        for tag in row["source_tags"]:
            line.append(f"  #{tag}", style="dim green")
        line.append(f"  [{row['id']}]", style="dim")
        if out.is_terminal:
            out.print(line, overflow="ellipsis", no_wrap=True)
        else:
            out.print(line)
    return ExitCode.OK
