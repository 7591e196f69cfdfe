"""``newsreader sync``: exchange changes with other devices through the sync folder."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.cli.output import print_json, shown
from newsreader.errors import ExitCode, UserError

if TYPE_CHECKING:
    from newsreader.context import AppContext


def _folder(ctx: AppContext, given: Path | None) -> Path:
    folder = given or ctx.config.sync_dir
    if folder is None:
        raise UserError("no sync folder: set sync_dir in config.toml or pass --dir DIR")
    return folder


def cmd_sync(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.json and not args.status:
        raise UserError("--json goes with --status")
    if args.status:
        return _status(ctx, args)
    from newsreader.app.sync import resolve_sync_dir, sync_once
    from newsreader.cli.resources import open_store
    from newsreader.feeds.subscriptions import subscriptions_file

    folder = resolve_sync_dir(_folder(ctx, args.dir))
    with ExitStack() as stack:
        # Opened only when the run writes to it: a sync with nothing new does not.
        report = sync_once(
            ctx.paths,
            folder,
            lambda: stack.enter_context(open_store(ctx)),
            subscriptions_file(ctx.paths),
        )
    for notice in report.notices:
        print(f"newsreader: {notice}", file=sys.stderr)
    print(f"synced with {shown(folder)}: {report}", file=sys.stderr)
    return ExitCode.OK


def _status(ctx: AppContext, args: argparse.Namespace) -> int:
    from newsreader.app.sync import ledger_path
    from newsreader.sync.ledger import Ledger

    path = ledger_path(ctx.paths)
    if Ledger.exists(path):
        ledger, notice = Ledger.open(path)
        if notice is not None:
            print(f"newsreader: {notice}", file=sys.stderr)
        status: dict[str, Any] = ledger.status()
    else:  # opening the ledger would make one: a device id, and changes recorded from now on
        status = {"device": None, "last_sync": None, "devices": [], "skipped": []}
        status |= {"waiting": 0, "unexported": 0}
    status["sync_dir"] = str(args.dir or ctx.config.sync_dir or "") or None
    if args.json:
        print_json(status)
        return ExitCode.OK
    print(f"this device:  {status['device'] or '(has not synced yet)'}")
    print(f"sync folder:  {shown(Path(status['sync_dir'])) if status['sync_dir'] else '(not set)'}")
    print(f"last sync:    {status['last_sync'] or 'never'}")
    print(f"not yet out:  {status['unexported']} changes")
    print("devices:")
    if not status["devices"]:
        print("  (none with changes yet)")
    for d in status["devices"]:
        last = d["last_change_ms"]
        when = (
            datetime.fromtimestamp(last / 1000, UTC).isoformat(timespec="seconds") if last else "-"
        )
        mark = " (this device)" if d["this"] else ""
        host = f" {shown(d['host'])}" if d["host"] else ""
        print(f"  {d['device']}{host}{mark}: {d['changes']} changes, last {when}")
    if status["skipped"]:
        print("skipped (retried at each sync):")
        for s in status["skipped"]:
            print(f"  {shown(s['file'])}: {s['reason']}")
    return ExitCode.OK
