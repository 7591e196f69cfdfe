"""The subcommands for reading state and files: ``bookmarks``, ``export``, ``import``, ``paths``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from newsreader.cli.output import print_json, shown
from newsreader.cli.resources import open_store, scan_library
from newsreader.errors import ExitCode

if TYPE_CHECKING:
    from newsreader.context import AppContext


def cmd_bookmarks(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import bookmarks_json, bookmarks_markdown

    scan = scan_library(ctx)
    with open_store(ctx) as store:
        if args.json:
            print_json(bookmarks_json(store, scan, ctx.library))
        else:
            sys.stdout.write(bookmarks_markdown(store, scan, ctx.library))
    return ExitCode.OK


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import backup_text, export_backup

    with open_store(ctx) as store:
        if str(args.file) == "-":
            text, count = backup_text(store)
            sys.stdout.write(text)
        else:
            count = export_backup(store, args.file)
    where = "stdout" if str(args.file) == "-" else shown(args.file)
    print(f"exported {count} records to {where}", file=sys.stderr)
    return ExitCode.OK


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.state.export import import_backup

    with open_store(ctx) as store:
        report = import_backup(store, args.file)
    print(f"imported from {shown(args.file)}: {report}", file=sys.stderr)
    return ExitCode.OK


def cmd_paths(ctx: AppContext, args: argparse.Namespace) -> int:
    p = ctx.paths
    rows = [
        *(("library", shown(r)) for r in ctx.library.roots),
        ("library from", ctx.library_source),
        ("data dir", str(p.data_dir)),
        ("state file", str(p.state_file)),
        ("index dir", str(ctx.index_dir)),
        ("config file", str(p.config_file)),
    ]
    for key, value in rows:
        print(f"{key + ':':14}{value}")
    return ExitCode.OK
