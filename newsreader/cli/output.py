"""Printing for the subcommands: Rich consoles, JSON, printable paths, a progress bar.

Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def stdout_console() -> Console:
    from rich.console import Console

    console = Console(highlight=False)
    # Piped output is for scripts: one record per line, never wrapped at 80 columns.
    console.soft_wrap = not console.is_terminal
    return console


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def plainly_piped(stream: Any) -> bool:
    """True when Rich would not take ``stream`` for a terminal (a pipe or a file, and no
    ``FORCE_COLOR`` or ``TTY_COMPATIBLE``), found without importing Rich (~20 ms): what a
    script's run prints then needs no console."""
    if "FORCE_COLOR" in os.environ or "TTY_COMPATIBLE" in os.environ:
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError, OSError):
        return True


def shown(path: Path | str) -> str:
    """A path as printable text (a file name may hold any byte but ``/`` and NUL)."""
    from newsreader.library.names import inert

    return inert(str(path))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on a terminal; a silent callback when stderr is piped."""
    if plainly_piped(sys.stderr):
        yield lambda done, total: None
        return
    console = stderr_console()
    if not console.is_terminal:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def inert(text: object) -> str:
    """Text that may quote a feed or a server (titles, reasons, addresses) on one line, without
    control characters."""
    from newsreader.library.text import clean_line

    return clean_line(str(text))


def counted(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
