"""The subcommands about stories told more than once: ``stories`` and ``related``, and the
``story`` key that ``list --json`` and ``search --json`` carry."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from newsreader.cli.library_commands import hit_json, summary_json
from newsreader.cli.output import print_json, progress_bar, shown, stdout_console
from newsreader.cli.resources import scan_library
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.library import ArticleSummary, LibraryScan
    from newsreader.library.scan_result import ScanChange
    from newsreader.stories import StoryGroups


def story_groups(
    ctx: AppContext,
    articles: Sequence[ArticleSummary],
    state: bytes = b"",
    since: ScanChange | None = None,
    signed: Mapping[str, bytes] | None = None,
) -> StoryGroups:
    """The library's story groups, after signing the articles not seen before (with a
    progress bar: a new library's first time reads every article); a store that cannot be
    used is said on stderr and leaves every article its own story. ``state``: the scan's
    catalog state, which lets the search server answer again from the groups it made, and
    (``since``, the scan's change) regroup only what changed since them. ``signed``: story
    signatures already made, by content hash (``stories.story_signature``)."""
    from newsreader.app.stories import refresh, regroup
    from newsreader.stories import StoryGroups

    kept = ctx.resident.stories.get(ctx.stories_file) if ctx.resident is not None else None
    if kept is not None and state and isinstance(kept[1], StoryGroups):
        if kept[0] == state:
            return kept[1]
        if since is not None and since.state and kept[0] == since.state:
            again = regroup(ctx, kept[1], articles, since)
            if again is not None and ctx.resident is not None:
                ctx.resident.stories[ctx.stories_file] = (state, again)
                return again
    with progress_bar("Grouping stories") as update:
        groups, notice = refresh(ctx, articles, update, signed, state)
    if notice:
        print(f"newsreader: {notice}", file=sys.stderr)
    elif ctx.resident is not None and state:
        ctx.resident.stories[ctx.stories_file] = (state, groups)
    return groups


def sign_stories(ctx: AppContext, scan: LibraryScan, signed: Mapping[str, bytes]) -> None:
    """``story_groups`` for a command that ends now and has no server to keep them: the
    store brought in line with the scan (nothing to do when it already is), no groups read."""
    from newsreader.app.stories import sign

    with progress_bar("Grouping stories") as update:
        notice = sign(ctx, scan.articles, scan.state, update, signed)
    if notice:
        print(f"newsreader: {notice}", file=sys.stderr)


def cmd_stories(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.app.stories import source_name, stories

    scan = scan_library(ctx)
    found = stories(story_groups(ctx, scan.articles), scan.articles)
    if args.json:
        print_json(
            [
                {
                    "story": s.id,
                    "sources": [shown(source) for source in s.sources],
                    "articles": [
                        {**summary_json(a), "source": shown(source_name(a))} for a in s.members
                    ],
                }
                for s in found
            ]
        )
        return ExitCode.OK
    from rich.text import Text

    out = stdout_console()
    if not found:
        print("No story is told by more than one article.", file=sys.stderr)
    for s in found:
        versions = f"{len(s.members)} versions · {len(s.sources)} "
        versions += "source" if len(s.sources) == 1 else "sources"
        out.print(Text.assemble((s.members[0].title, "bold"), ("  " + versions, "dim")))
        for a in s.members:
            line = Text("  ")
            line.append(f"{a.date.isoformat() if a.date else '':10}  ", style="dim")
            line.append(a.title)
            line.append(f"  {shown(source_name(a))}  [{a.id}]", style="dim")
            out.print(line)
    return ExitCode.OK


def cmd_related(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.cli.library_commands import release_index, search_index

    index, scan = search_index(ctx)
    try:
        summary = scan.by_id.get(args.id)
        if summary is None:
            raise UserError(f"no article with id '{args.id}' (see 'newsreader list')")
        groups = story_groups(ctx, scan.articles)
        story = groups.story(summary.content_hash)
        versions = {a.path_str for a in scan.articles if groups.story(a.content_hash) == story}
        try:
            hits = index.related(summary.path_str, limit=args.limit, exclude=versions)
        except Exception as exc:  # a damaged index: said in one line, like a failed search
            raise UserError(
                f"search index damaged ({exc.__class__.__name__}); run 'newsreader index --rebuild'"
            ) from None
    finally:
        release_index(ctx, index)
    if hits is None:
        raise UserError(f"'{args.id}' is not in the search index yet (run 'newsreader index')")
    if args.json:
        print_json([{**hit_json(h), "story": story_of(groups, scan, h.id)} for h in hits])
        return ExitCode.OK
    from rich.text import Text

    out = stdout_console()
    if not hits:
        print("Nothing related found.", file=sys.stderr)
    for h in hits:
        line = Text()
        line.append(f"{h.date.isoformat() if h.date else '':10}  ", style="dim")
        line.append(h.title, style="bold")
        line.append(f"  [{h.id}]", style="dim")
        out.print(line)
    return ExitCode.OK


def story_of(groups: StoryGroups, scan: LibraryScan, article_id: str) -> str | None:
    """The story id of one article of ``scan`` (None when it is not in it): looked up for
    the hits shown, not made for every article of the library on each search."""
    summary = scan.by_id.get(article_id)
    return None if summary is None else groups.story(summary.content_hash)
