"""``newsreader show``: one article printed whole, as JSON, as plain text for a pipe, or laid
out for a terminal."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from newsreader.cli.library_commands import organised_json, summary_json
from newsreader.cli.output import print_json, shown, stdout_console
from newsreader.cli.resources import open_store, scan_library
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.library import Article, LibraryScan


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
        from newsreader.app.shelves import shelf_for
        from newsreader.feeds.sources import source_of

        source = source_of(art.summary.path_str)
        known = {"url": source.url, "feed": source.feed} if source is not None else {}
        with open_store(ctx) as store:
            shelf = shelf_for(ctx, [art.summary], store)
        print_json(
            {
                **summary_json(art.summary),
                **organised_json(shelf, art.summary),
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
