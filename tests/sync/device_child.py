"""Changes made on one device by a separate process, through the store as a command opens it
(``cli.resources.open_store``: sync's recording attached). Run as
``python device_child.py DEVICE '[["mark", 1, 2, "note"], ["tag", 1, ["a"], []], ...]'``;
prints a JSON list with one result per step (a new bookmark's uuid, else null). With
``DIE_AT=before-ledger`` (or ``after-ledger``) in the environment it is killed (SIGKILL) at the
first change it tells sync of, just before (or just after) the sync ledger records it."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from newsreader.cli.resources import open_store
from newsreader.context import build_context
from newsreader.library import Article
from newsreader.state.outbox import Outbox
from tests.state.state_child import article


def local(n: int, device: str) -> Article:
    # Each device keeps the article elsewhere: matched across devices by content hash.
    return article(n)._replace(id=f"{device}-{n}", path=Path(f"/nonexistent/{device}/{n}.txt"))


def die_at(when: str) -> None:
    """Be killed at the first change the store tells sync of: the state file has it by then,
    and with ``after-ledger`` the sync ledger too."""
    tell = Outbox._tell

    def killed(self: Outbox, *args: Any) -> Any:
        if when == "after-ledger":
            tell(self, *args)
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("not killed")

    Outbox._tell = killed  # type: ignore[method-assign,assignment]


def main() -> None:
    device, steps = sys.argv[1], json.loads(sys.argv[2])
    if "DIE_AT" in os.environ:
        die_at(os.environ["DIE_AT"])
    out: list[str | None] = []
    with open_store(build_context()) as store:
        for op, *args in steps:
            result = None
            if op == "open":
                store.mark_opened(local(args[0], device).summary)
            elif op == "read":
                store.set_read([local(args[0], device).summary], bool(args[1]))
            elif op == "pos":
                store.save_position(local(args[0], device).summary, args[1], 0, args[2], "P")
            elif op == "mark":
                result = store.add_bookmark(local(args[0], device), args[1], note=args[2]).uuid
            elif op == "note":
                store.update_note(args[0], args[1])
            elif op == "delete":
                store.delete_bookmark(args[0])
            elif op == "star":
                store.set_starred(local(args[0], device).summary, bool(args[1]))
            elif op == "tag":  # ["tag", n, [added...], [removed...]]
                store.change_tags(local(args[0], device).summary, add=args[1], remove=args[2])
            elif op == "search":
                store.save_search(args[0], args[1], args[2])
            elif op == "unsearch":
                store.remove_search(args[0])
            else:
                raise SystemExit(f"unknown step {op!r}")
            out.append(result)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
