"""``o`` and ``y``: open an article where it came from, copy a passage with its citation.

Plain functions over the app, used by the reader (through the main screen) and the bookmarks
screen. Looking up an article's address reads the articles folder's sidecar, so it runs in a
thread worker. The browser runs in a child process with no terminal (its own session, stdio
detached): a browser that fails, prints or asks for input cannot disturb the app's screen.
An editor needs the terminal, so the app is suspended while it runs. Under ``newsreader
serve`` the page's own browser opens the address (Textual's ``open_url``), and no editor is
offered: the file is on the server.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from newsreader.app.citation import citation
from newsreader.feeds.sources import source_of
from newsreader.library.text import clean_line

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp

BROWSER_SECONDS = 20.0
"""How long a browser command is waited for; one still running then is left running (a
browser started by its first window stays open)."""
_OPEN_URL = "import sys, webbrowser\nsys.exit(0 if webbrowser.open(sys.argv[1], new=2) else 3)\n"


def source_url(app: NewsreaderApp, path: Path) -> str | None:
    """The web address of the article file at ``path``, if it was saved from one (blocking)."""
    record = source_of(path)
    return record.url if record is not None and "#entry=" not in record.url else None


# --- copy ----------------------------------------------------------------------------------


def copy_passage(
    app: NewsreaderApp,
    passage: str,
    title: str,
    when: date | None,
    path: Path | None,
    note: str | None = None,
    what: str = "paragraph",
) -> None:
    """Copy ``passage`` with its citation to the clipboard (OSC 52); the address is looked
    up in a worker. ``path`` None: an article not in this library (cited by title only)."""

    def look_up() -> None:
        url = source_url(app, path) if path is not None else None
        where = url or (str(path) if path is not None else "")
        text = citation(passage, title, when, where, note)
        app.call_from_thread(_copied, app, text, what, where or title)

    app.run_worker(look_up, name="copy", group="source", thread=True, exit_on_error=False)


def _copied(app: NewsreaderApp, text: str, what: str, where: str) -> None:
    app.copy_to_clipboard(text)
    words = len(text.split())
    app.notify(
        f"Copied the {what} ({words:,} words) with its source: {clean_line(where, 120)}",
        title="Copied",
        timeout=4,
        markup=False,
    )


# --- open ----------------------------------------------------------------------------------


def open_source(app: NewsreaderApp, title: str, path: Path) -> None:
    """Open the article's web address in the browser; for a file without one, offer to
    open the file in ``$EDITOR`` (or ``$PAGER``)."""

    def look_up() -> None:
        url = source_url(app, path)
        if url is None:
            app.call_from_thread(_offer_editor, app, title, path)
            return
        app.call_from_thread(
            app.notify, f"Opening {clean_line(url, 120)}…", timeout=3, markup=False
        )
        if app.is_web:  # under serve: the reader's browser opens it, not one on the server
            app.call_from_thread(app.open_url, url)
            return
        problem = _run_browser(url)
        if problem:
            app.call_from_thread(
                app.notify,
                clean_line(f"Could not open {url} in a browser: {problem}", 300),
                severity="error",
                timeout=10,
                markup=False,
            )

    app.run_worker(look_up, name="open-source", group="source", thread=True, exit_on_error=False)


def _run_browser(url: str) -> str | None:
    """Run ``webbrowser`` (it honours ``$BROWSER``) in a child; the reason when it failed."""
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _OPEN_URL, url],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # no controlling terminal: nothing can draw on ours
        )
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        _out, err = child.communicate(timeout=BROWSER_SECONDS)
    except subprocess.TimeoutExpired:
        return None  # still running: a browser that stays in the foreground of its own
    if child.returncode == 0:
        return None
    lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
    if lines:
        return lines[-1]
    return "no browser found (set $BROWSER)" if child.returncode == 3 else "it failed"


def _viewer() -> tuple[str, list[str]] | None:
    """The user's editor, or pager: its variable's name and command."""
    for name in ("EDITOR", "PAGER"):
        value = os.environ.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                continue
            if words:
                return name, words
    return None


def _offer_editor(app: NewsreaderApp, title: str, path: Path) -> None:
    from newsreader.tui.screens.confirm import ConfirmDialog

    if app.is_web:  # the file is on the server, and a browser session cannot be suspended
        app.notify(
            f"No web address is known for this article; its file is on the server: "
            f"{clean_line(str(path), 200)}",
            timeout=8,
            markup=False,
        )
        return
    viewer = _viewer()
    if viewer is None:
        app.notify(
            f"No web address is known for this article. Set $EDITOR or $PAGER to open "
            f"its file from here: {clean_line(str(path), 200)}",
            timeout=8,
            markup=False,
        )
        return
    name, command = viewer
    program = clean_line(os.path.basename(command[0]), 40)
    question = (
        f"No web address is known for “{clean_line(title, 80)}”.\n"
        f"Open its file in {program} (${name})?\n{clean_line(str(path), 200)}"
    )

    def answered(yes: bool | None) -> None:
        if yes:
            run_viewer(app, command, path)

    app.push_screen(ConfirmDialog(question, "Open the file"), answered)


def run_viewer(app: NewsreaderApp, command: list[str], path: Path) -> None:
    """Run the editor or pager on ``path`` with the app suspended; the terminal is given
    back to the app whatever the command does."""
    shown = clean_line(os.path.basename(command[0]), 40)
    try:
        with app.suspend():
            try:
                code = subprocess.call([*command, str(path)])
            except OSError as exc:
                problem: str | None = f"{shown}: {exc.strerror or exc}"
            else:
                problem = f"{shown} exited with status {code}" if code else None
    except SuspendNotSupported:
        problem = "this terminal cannot be handed to another program"
    if problem:
        app.notify(f"File not opened: {problem}", severity="warning", timeout=8, markup=False)
