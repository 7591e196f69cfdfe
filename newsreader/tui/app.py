"""The Textual app: theme, keymap, help, palette commands and the factory the CLI and tests use."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer

from newsreader.app.session import Session
from newsreader.context import AppContext
from newsreader.tui.binding_ids import current_ids
from newsreader.tui.commands import NewsreaderCommands
from newsreader.tui.screens.main import MainScreen

if TYPE_CHECKING:
    from newsreader.app.first_scan import FirstScan
    from newsreader.feeds import FetchOptions
    from newsreader.tui.screens.help import Section

POLL_SECONDS = 3.0
"""How often the library folders are checked for added, changed or removed files."""
EXPORT_NAME = "bookmarks.md"
THEME_SAVE_DELAY = 0.8
"""Seconds a theme must stay chosen before it is written to config.toml."""


class NewsreaderApp(App[int]):
    """Read, search and bookmark the articles of one library."""

    CSS_PATH = "app.tcss"
    TITLE = "newsreader"
    COMMANDS: ClassVar = App.COMMANDS | {NewsreaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        ctx: AppContext,
        *,
        poll_seconds: float | None = POLL_SECONDS,
        fetch_options: FetchOptions | None = None,
        first_scan: FirstScan | None = None,
        refresh_seconds: float | None = None,
    ) -> None:
        super().__init__()
        self.refresh_seconds = refresh_seconds
        """Seconds between background fetches, instead of config ``fetch_interval``."""
        self.session = Session(ctx, first_scan)
        self.poll_seconds = poll_seconds
        self.fetch_options = fetch_options
        self._main: MainScreen | None = None
        self._theme_ready = False
        self._theme_timer: Timer | None = None
        self._theme_unsaved = False
        self._config_lock = threading.Lock()

    @property
    def ctx(self) -> AppContext:
        """The context in use (a first feed fetch can add the articles folder to the library)."""
        return self.session.ctx

    def get_default_screen(self) -> Screen[None]:
        self._main = MainScreen(
            self.session, self.poll_seconds, self.fetch_options, self.refresh_seconds
        )
        return self._main

    @property
    def keymap(self) -> Mapping[str, str]:
        """The user's key overrides (binding id -> keys, old ids renamed), as given to
        ``set_keymap``."""
        return current_ids(self.ctx.config.keys or {})

    @property
    def fetching(self) -> bool:
        """A feed fetch is still at work in its threads (even after the app has exited)."""
        return self._main is not None and self._main.feeds.busy

    @property
    def main_screen(self) -> MainScreen:
        """The reading screen (always at the bottom of the stack)."""
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        config = self.ctx.config
        keys = self.keymap
        if keys:
            self.set_keymap(keys)
            known = {
                binding.id
                for _heading, classes in self.help_sections()
                for cls in classes
                for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", []))
            }
            unknown = sorted(set(keys) - known)
            if unknown:
                self.notify(
                    f"config.toml [keys]: no binding with id {', '.join(unknown)} (see ? for ids)",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
        if config.theme:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                self.notify(
                    f"Unknown theme {config.theme!r} in config.toml.",
                    severity="warning",
                    markup=False,
                )
        self._theme_ready = True

    # --- theme -----------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        # The theme picker previews every theme it passes: save once the choice settles.
        if self._theme_ready:
            self._theme_unsaved = True
            if self._theme_timer is not None:
                self._theme_timer.stop()
            self._theme_timer = self.set_timer(THEME_SAVE_DELAY, self._save_theme)

    @work(thread=True, exclusive=True, group="config", exit_on_error=False)
    def _save_theme(self) -> None:
        from newsreader.config import save_theme

        try:
            with self._config_lock:  # one writer at a time, the latest theme wins
                self._theme_unsaved = False
                save_theme(self.ctx.paths.config_file, self.theme)
        except OSError as exc:
            self.call_from_thread(
                self.notify,
                f"Theme not saved: {exc.strerror or exc}",
                severity="warning",
                markup=False,
            )

    # --- help and quitting -----------------------------------------------------------------

    def help_sections(self) -> list[Section]:
        """What the help screen lists, pane by pane."""
        # Imported here: screens not shown at start stay out of the start-up path.
        from newsreader.tui.screens.bookmarks import BookmarkList, BookmarksScreen
        from newsreader.tui.screens.feeds import FeedsScreen
        from newsreader.tui.screens.note import NoteDialog
        from newsreader.tui.widgets.article_list import ArticleList
        from newsreader.tui.widgets.reader import Reader
        from newsreader.tui.widgets.result_list import ResultList
        from newsreader.tui.widgets.search_pane import SearchPane

        return [
            ("Everywhere", [NewsreaderApp, MainScreen]),
            ("Article list", [ArticleList]),
            ("Reader", [Reader]),
            ("Search", [SearchPane, ResultList]),
            ("Bookmarks", [BookmarksScreen, BookmarkList, NoteDialog]),
            ("Feeds", [FeedsScreen]),
        ]

    def action_help(self) -> None:
        from newsreader.tui.screens.help import HelpScreen
        from newsreader.tui.widgets.search_pane import SearchPane

        if isinstance(self.screen, HelpScreen):
            return
        in_search = self.focused is not None and any(
            isinstance(node, SearchPane) for node in self.focused.ancestors_with_self
        )
        self.push_screen(
            HelpScreen(self.help_sections(), syntax_first=in_search, below=self.screen)
        )

    def action_help_quit(self) -> None:
        """ctrl+c with no text selected (a selection is copied first, by the screen): say
        how to quit here, with the keys that quit here (Textual names its own ctrl+q)."""
        from textual.widgets import Input

        keys = [
            self.get_key_display(active.binding)
            for active in self.active_bindings.values()
            if active.binding.action in ("quit", "app.quit")
        ]
        keys = sorted(set(keys), key=lambda k: (len(k) > 1, keys.index(k)))
        if isinstance(self.focused, Input):  # a letter types itself in a text box
            keys = [k for k in keys if len(k) > 1] or keys
        if keys:
            self.notify(
                f"Press {' or '.join(keys[:2])} to quit.",
                title="Do you want to quit?",
                timeout=4,
                markup=False,
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel lists keys of its own widgets that do nothing here (help is
        # ours, "Keys and search syntax"), and its Screenshot fails without a word when the
        # Downloads folder is missing.
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                continue
            if command.title == "Screenshot":
                command = SystemCommand(
                    "Screenshot",
                    "Save an SVG picture of the screen (Downloads or data folder)",
                    lambda: self.set_timer(0.1, self.save_screen_picture),
                )
            yield command

    def save_screen_picture(self) -> Path | None:
        """Save an SVG screenshot to ~/Downloads, or the data folder when there is no
        Downloads folder; say where, or why it could not be saved."""
        from newsreader.errors import UserError
        from newsreader.paths import ensure_dir

        downloads = Path.home() / "Downloads"
        try:
            folder = (
                downloads if downloads.is_dir() else ensure_dir(self.ctx.paths.data_dir, "data")
            )
            target = Path(self.save_screenshot(path=str(folder)))
        except (UserError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            self.notify(f"Screenshot not saved: {reason}", severity="error", markup=False)
            return None
        self.notify(f"Screenshot saved to {target}", timeout=8, markup=False)
        return target

    async def action_quit(self) -> None:
        if self.screen_stack and isinstance(self.screen_stack[0], MainScreen):
            self.main_screen.save_reading_position()
        self.exit(0)

    def on_unmount(self) -> None:
        if self._theme_unsaved:  # chosen just before quitting
            from newsreader.config import save_theme

            with self._config_lock, contextlib.suppress(OSError):
                save_theme(self.ctx.paths.config_file, self.theme)
        # Finishes queued writes (normally milliseconds) before the process ends.
        self.session.close()

    # --- palette commands ------------------------------------------------------------------

    def palette_search(self, query: str | None = None) -> None:
        """Focus the search box, optionally with a query typed in."""
        self._back_to_main()
        self.main_screen.search(query)

    def palette_bookmarks(self) -> None:
        """Open the bookmarks screen."""
        self._back_to_main()
        self.main_screen.show_bookmarks()

    def palette_feeds(self) -> None:
        """Open the feeds screen."""
        self._back_to_main()
        self.main_screen.show_feeds()

    def palette_all_articles(self) -> None:
        """Show every article in the list again (after narrowing it to a feed)."""
        self._back_to_main()
        self.main_screen.narrow_to(None, "")

    def fetch_feeds(self) -> None:
        """Fetch every subscribed feed in the background."""
        self._back_to_main()
        self.main_screen.fetch_feeds()

    def reindex(self) -> None:
        """Rebuild the search index in the background."""
        self.main_screen.reindex()

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_bookmarks(self) -> None:
        """Write every bookmark to a Markdown file in the data folder, or, in a browser
        (``newsreader serve``), send it to the browser as a download."""
        from newsreader.filewrite import write_atomic
        from newsreader.paths import ensure_dir
        from newsreader.state.export import bookmarks_markdown

        store = self.session.store()
        scan = self.main_screen.library_scan
        if store is None or scan is None:
            self.call_from_thread(self.notify, "Bookmarks are not available yet.", markup=False)
            return
        try:
            text = bookmarks_markdown(store, scan, self.ctx.library)
            if self.is_web:  # the server's disk is not the reader's
                self.call_from_thread(self._send_to_browser, text)
                return
            target: Path = ensure_dir(self.ctx.paths.data_dir, "data") / EXPORT_NAME
            target = write_atomic(target, text.encode("utf-8"))
        except Exception as exc:
            self.call_from_thread(
                self.notify, f"Export failed: {exc}", severity="error", markup=False
            )
            return
        self.call_from_thread(
            self.notify, f"Bookmarks written to {target}", timeout=8, markup=False
        )

    def _send_to_browser(self, text: str) -> None:
        import io

        self.deliver_text(io.StringIO(text), save_filename=EXPORT_NAME, mime_type="text/markdown")
        self.notify("Bookmarks sent to the browser as " + EXPORT_NAME, timeout=8, markup=False)

    def _back_to_main(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()


def make_app(
    ctx: AppContext,
    *,
    poll_seconds: float | None = POLL_SECONDS,
    fetch_options: FetchOptions | None = None,
    first_scan: FirstScan | None = None,
    refresh_seconds: float | None = None,
) -> NewsreaderApp:
    """The one factory, used by ``run_app`` and by the tests and snapshots."""
    return NewsreaderApp(
        ctx,
        poll_seconds=poll_seconds,
        fetch_options=fetch_options,
        first_scan=first_scan,
        refresh_seconds=refresh_seconds,
    )


def run_app(ctx: AppContext, first_scan: FirstScan | None = None) -> int:
    """Run the app in the terminal; returns the process exit code. ``first_scan``: the
    library scan the caller started before importing this module (see ``app.first_scan``)."""
    app = make_app(ctx, first_scan=first_scan)
    result = app.run()
    code = int(result or app.return_code or 0)
    if app.fetching:
        # Quit during a fetch: its pool threads are not daemons, so Python would wait for a
        # request in flight to time out (up to 15 s) after the cancel. Its files are written
        # atomically, each article once, and the store is already closed (on_unmount): leave.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
