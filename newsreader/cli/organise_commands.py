"""The subcommands that organise the library: ``star``, ``tag``, ``tags`` and ``saved``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from newsreader.cli.output import print_json, shown, stdout_console
from newsreader.cli.resources import open_store, scan_library
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from newsreader.app.saved_lists import Counts, SavedList
    from newsreader.context import AppContext
    from newsreader.library import ArticleSummary, LibraryScan
    from newsreader.state.models import SavedSearch


def _article(scan: LibraryScan, article_id: str) -> ArticleSummary:
    summary = scan.by_id.get(article_id)
    if summary is None:
        raise UserError(f"no article with id '{article_id}' (see 'newsreader list')")
    return summary


def cmd_star(ctx: AppContext, args: argparse.Namespace) -> int:
    scan = scan_library(ctx)
    article = _article(scan, args.id)
    with open_store(ctx) as store:
        state = store.set_starred(article, False if args.off else None)
    print(f"{'starred' if state.starred else 'unstarred'} {article.id}", file=sys.stderr)
    return ExitCode.OK


def _changes(words: list[str]) -> tuple[list[str], list[str]]:
    from newsreader.state import tags

    add: list[str] = []
    remove: list[str] = []
    for word in words:
        sign, name = word[:1], word[1:]
        if sign not in "+-" or not word:
            raise UserError(f"say +TAG to add a tag or -TAG to remove one, not {word!r}")
        try:
            (add if sign == "+" else remove).append(tags.normalise(name))
        except ValueError as exc:
            raise UserError(f"{exc}: {word!r}") from None
    return add, remove


def cmd_tag(ctx: AppContext, args: argparse.Namespace) -> int:
    add, remove = _changes(args.changes)  # checked before anything is read
    scan = scan_library(ctx)
    article = _article(scan, args.id)
    from newsreader.app.shelves import Shelf, feed_links
    from newsreader.feeds import subscriptions_file

    with open_store(ctx) as store:
        if add or remove:
            state = store.change_tags(article, add, remove)
        else:
            state = store.reading_state(article)
    from newsreader.state.tags import join_tags

    links = feed_links(subscriptions_file(ctx.paths), ctx.articles_dir)
    own = Shelf([article], {article.id: state}, links).source_tags(article)
    line = join_tags(state.tags) or "(no tags)"
    if own:
        line += f"; from its source: {join_tags(own)}"
    print(shown(line))
    return ExitCode.OK


def cmd_tags(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.app.shelves import shelf_for

    scan = scan_library(ctx)
    with open_store(ctx) as store:
        shelf = shelf_for(ctx, scan.articles, store)
    rows = [
        {"name": name, "articles": n, "source": "user" if mine else "article"}
        for name, n, mine in shelf.tag_counts()
    ]
    if args.json:
        print_json(rows)
        return ExitCode.OK
    if not rows:
        print("No tags yet: add one with 'newsreader tag ID +TAG'.", file=sys.stderr)
    for row in rows:
        mark = "" if row["source"] == "user" else "  (from the articles)"
        print(f"{row['articles']:6}  {shown(str(row['name']))}{mark}")
    return ExitCode.OK


def _saved_json(saved: SavedSearch, counts: Counts) -> dict[str, Any]:
    from newsreader.state.records import stamp

    return {
        "name": saved.name,
        "query": saved.query,
        "sort": saved.sort,
        "articles": counts.total,
        "unread": counts.unread,
        "new": counts.new,
        "last_seen": stamp(saved.last_seen),
        **({"error": counts.error} if counts.error else {}),
    }


def cmd_saved(ctx: AppContext, args: argparse.Namespace) -> int:
    action = args.saved_command
    if action == "add":
        return _saved_add(ctx, args)
    if action == "remove":
        with open_store(ctx) as store:
            gone = store.remove_search(args.name)
        if gone is None:
            raise UserError(f"no saved search named {args.name!r} (see 'newsreader saved')")
        print(f"removed the saved search {gone.name!r}", file=sys.stderr)
        return ExitCode.OK
    from newsreader.app import saved_lists
    from newsreader.app.shelves import shelf_for
    from newsreader.cli.library_commands import release_index, search_index

    with open_store(ctx) as store:
        if action == "show" and store.saved_search(args.name) is None:
            raise UserError(f"no saved search named {args.name!r} (see 'newsreader saved')")
        index, scan = search_index(ctx)
        try:
            shelf = shelf_for(ctx, scan.articles, store)
            if action == "show":
                saved = store.saved_search(args.name)
                assert saved is not None
                view = saved_lists.show(shelf, index.ranked_paths, saved)
                store.mark_seen(saved.name, view.seen)
            else:
                found = [
                    (s, saved_lists.show(shelf, index.ranked_paths, s).counts)
                    for s in store.saved_searches()
                ]
        finally:
            release_index(ctx, index)
    if action == "show":
        return _print_saved(view, [scan.by_id[i] for i in view.ids[: args.limit]], args.json)
    if args.json:
        print_json([_saved_json(s, c) for s, c in found])
        return ExitCode.OK
    if not found:
        print("No saved searches: add one with 'newsreader saved add NAME QUERY'.", file=sys.stderr)
    for s, c in found:
        new = f", {c.new} new" if c.new else ""
        print(shown(f"{s.name}: {_articles(c.total)}, {c.unread} unread{new}  [{s.query}]"))
    return ExitCode.OK


def _saved_add(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.app.filters import split

    query = " ".join(args.query)
    parts = split(query)
    if parts.error:
        raise UserError(parts.error)
    with open_store(ctx) as store:
        try:
            saved = store.save_search(args.name, query, args.sort)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    print(f"saved {saved.name!r}: {saved.query}", file=sys.stderr)
    return ExitCode.OK


def _print_saved(view: SavedList, articles: list[ArticleSummary], as_json: bool) -> int:
    if as_json:
        print_json(
            {
                **_saved_json(view.saved, view.counts),
                "hits": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "path": shown(a.path_str),
                        "date": a.date.isoformat() if a.date else None,
                        "new": a.id in view.new_ids,
                    }
                    for a in articles
                ],
            }
        )
        return ExitCode.OK
    from rich.text import Text

    out = stdout_console()
    if view.counts.error:
        print(f"newsreader: {shown(view.counts.error)}", file=sys.stderr)
    for a in articles:
        line = Text("new " if a.id in view.new_ids else "    ", style="bold yellow")
        line.append(f"{a.date.isoformat() if a.date else '':10}  ", style="dim")
        line.append(a.title)
        line.append(f"  [{a.id}]", style="dim")
        out.print(line)
    c = view.counts
    print(f"{_articles(c.total)}, {c.unread} unread, {c.new} new", file=sys.stderr)
    return ExitCode.OK


def _articles(n: int) -> str:
    return f"{n:,} article" if n == 1 else f"{n:,} articles"
