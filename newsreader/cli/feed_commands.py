"""Getting articles in: ``add``, ``feeds add|list|remove`` and ``fetch``.

Exit codes: 0 when anything was saved, found already saved, or fetched; 2 when every item
(page given to add, or feed) failed, so scripts notice a run that did nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.cli.output import counted, inert, print_json, progress_bar
from newsreader.errors import ExitCode

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.feeds.opml import OpmlList


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


def cmd_add(ctx: AppContext, args: argparse.Namespace) -> int:
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
            print(f"newsreader: {inert(r.source)}: {inert(r.message)}", file=sys.stderr)
        else:
            print(f"{'saved' if r.status == 'saved' else 'already saved'}: {r.path}")
    ok = any(r.status != "failed" for r in results)
    return ExitCode.OK if ok else ExitCode.BAD_INPUT


def cmd_feeds(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.feeds import (
        IsOpml,
        add_subscription,
        fetch_options,
        find_feed,
        load_subscriptions,
        remove_subscription,
        subscriptions_file,
    )

    file = subscriptions_file(ctx.paths)
    if args.feeds_command == "import":
        return _import_opml(file, _read_opml(args.file), _name(args.file))
    if args.feeds_command == "export":
        return _export_opml(file, args.file)
    if args.feeds_command == "add":
        if _is_local_file(args.url):
            return _import_opml(file, _read_opml(Path(args.url), True), _name(args.url))
        try:
            found = find_feed(args.url, fetch_options(ctx.config))
        except IsOpml as listing:
            from newsreader.feeds.opml import read_opml

            return _import_opml(file, read_opml(listing.body, inert(args.url)), inert(args.url))
        if not add_subscription(file, found.url, found.title):
            print(f"newsreader: already subscribed to {inert(found.url)}", file=sys.stderr)
            return ExitCode.OK
        print(
            f"subscribed: {inert(found.title or found.url)} <{inert(found.url)}> "
            f"({counted(found.entries, 'entry', 'entries')}; 'newsreader fetch' saves them)"
        )
    elif args.feeds_command == "remove":
        gone = remove_subscription(file, args.feed)
        print(f"unsubscribed: {inert(gone.title or gone.url)} <{inert(gone.url)}>")
    else:
        feeds = load_subscriptions(file)
        if args.json:
            print_json(
                [
                    {
                        "number": n,
                        "url": f.url,
                        "title": f.title,
                        "category": f.category,
                        "added": f.added,
                        "last_fetched": f.last_fetched,
                        "last_status": f.last_status,
                        "last_error": f.last_error,
                        "failures": f.failures,
                        "site": f.site,
                    }
                    for n, f in enumerate(feeds, 1)
                ]
            )
        elif not feeds:
            print(
                "newsreader: no feeds yet; add one with 'newsreader feeds add URL' or "
                "'newsreader feeds import FILE.opml'",
                file=sys.stderr,
            )
        for n, f in enumerate([] if args.json else feeds, 1):
            status = f.last_status or "never fetched"
            if f.last_error:
                status += f": {f.last_error}"
            where = f"  in {inert(f.category)}" if f.category else ""
            print(
                f"{n:3}  {inert(f.title or '(untitled)')}  <{inert(f.url)}>  [{inert(status)}]"
                + where
            )
    return ExitCode.OK


def _is_local_file(source: str) -> bool:
    """``feeds add subscriptions.opml``: a path on disk rather than an address."""
    if "://" in source:
        return False
    try:
        return Path(source).is_file()
    except OSError:
        return False


def _read_opml(source: Path, from_add: bool = False) -> OpmlList:
    from newsreader.feeds.opml import (
        MAX_BYTES,
        OpmlError,
        looks_like_opml,
        read_opml,
        read_opml_file,
    )

    if str(source) == "-":
        stream = getattr(sys.stdin, "buffer", None)  # a text stream stands in under tests
        data = stream.read(MAX_BYTES + 1) if stream else sys.stdin.read().encode("utf-8")
        return read_opml(data, "stdin")
    if from_add:
        try:
            with source.open("rb") as fh:
                head = fh.read(4096)
        except OSError as exc:
            raise OpmlError(f"cannot read {inert(str(source))}: {exc.strerror or exc}") from None
        if not looks_like_opml(head):
            raise OpmlError(
                f"{inert(str(source))} is a file, not a feed address; 'feeds add' takes an "
                "http(s) address, or an OPML subscription list to import"
            )
    return read_opml_file(source)


def _name(source: str | Path) -> str:
    return "stdin" if str(source) == "-" else inert(str(source))


def _import_opml(file: Path, opml: OpmlList, name: str) -> int:
    from newsreader.feeds.opml import import_opml

    report = import_opml(file, opml)
    for note in report.skipped:
        print(f"newsreader: skipped {inert(note)}", file=sys.stderr)
    for sub in report.added:
        where = f"  in {inert(sub.category)}" if sub.category else ""
        print(f"subscribed: {inert(sub.title or sub.url)} <{inert(sub.url)}>{where}")
    if not report.added:
        print(
            f"newsreader: nothing to import: {_all(report.already, name)} already subscribed",
            file=sys.stderr,
        )
        return ExitCode.OK
    already = f" ({report.already} already subscribed)" if report.already else ""
    print(f"imported {counted(len(report.added), 'feed')}{already}; 'newsreader fetch' saves them")
    return ExitCode.OK


def _all(n: int, name: str) -> str:
    return f"the one feed in {name} is" if n == 1 else f"all {n} feeds in {name} are"


def _export_opml(file: Path, target: Path | None) -> int:
    from newsreader.feeds import load_subscriptions
    from newsreader.feeds.opml import export_opml

    feeds = load_subscriptions(file)
    text = export_opml(feeds)
    if target is None or str(target) == "-":
        sys.stdout.write(text)
        return ExitCode.OK
    import os

    from newsreader.errors import UserError
    from newsreader.filewrite import write_atomic

    try:
        same = os.path.samefile(target, file)
    except OSError:
        same = False
    if same:
        raise UserError(f"{inert(str(target))} is newsreader's feeds file; export to another file")
    write_atomic(target, text.encode("utf-8"))
    print(f"exported {counted(len(feeds), 'feed')} to {inert(str(target))}", file=sys.stderr)
    return ExitCode.OK


def cmd_fetch(ctx: AppContext, args: argparse.Namespace) -> int:
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
        name = inert(r.name)
        for f in r.failures:
            print(f"newsreader: {name}: {inert(f.url)}: {inert(f.reason)}", file=sys.stderr)
        for a in r.saved:
            if a.note:
                print(f"newsreader: {name}: {inert(a.url)}: {inert(a.note)}", file=sys.stderr)
        if r.notice:
            print(f"newsreader: {name}: {inert(r.notice)}", file=sys.stderr)
        if r.status == "failed":
            print(f"newsreader: {name}: {inert(r.error)}", file=sys.stderr)
            continue
        extra = f", {r.from_summary} from the feed's summary" if r.from_summary else ""
        state = " (not modified)" if r.status == "not modified" else ""
        print(f"{name}: {r.new} new{extra}{state}")
    failed = len(report.failed)
    print(
        f"{counted(report.new, 'new article')} from {counted(len(report.results), 'feed')}"
        + (f" ({failed} failed)" if failed else "")
    )
    if report.limit_reached:
        print(
            f"newsreader: stopped at {args.limit} new articles; run 'newsreader fetch' "
            "again for the rest",
            file=sys.stderr,
        )
    return ExitCode.BAD_INPUT if failed == len(report.results) else ExitCode.OK
