"""The feeds screen: every subscription with its category, unread count, last fetch and last
error; add one by address, remove one, fetch one or all, and narrow the article list to a
feed or a category.

Feed titles, categories and errors come from feeds and servers: every cell is ``Text``
(never markup) of a cleaned line. Reading feeds.json and the sidecar, checking an address and
writing the file run in thread workers; fetching goes through the main screen's
``FeedFetch``, whose progress the main screen forwards here while this screen is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from newsreader.errors import UserError
from newsreader.library.text import clean_line
from newsreader.tui.plural import count
from newsreader.tui.screens.feed_table import (
    ALL,
    EMPTY,
    FeedRow,
    fill_table,
    highlighted_key,
)
from newsreader.tui.screens.toasts import OwnToasts
from newsreader.tui.widgets.key_bar import KeyBar
from newsreader.tui.widgets.status_bar import progress_text

if TYPE_CHECKING:
    from newsreader.feeds import FeedEvent, Subscription
    from newsreader.tui.screens.main import MainScreen


class FeedsScreen(OwnToasts[None]):
    """Lists the feeds; keys act on the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,F", "close", "Back", id="feeds.close"),
        Binding("enter", "show", "Show articles", id="feeds.show"),
        Binding("c", "show_category", "Category", id="feeds.show_category"),
        Binding("a", "add", "Add", id="feeds.add"),
        Binding("d,delete", "remove", "Remove", id="feeds.remove"),
        Binding("r", "fetch_one", "Fetch", id="feeds.fetch_one"),
        Binding("R", "fetch_all", "Fetch all", id="feeds.fetch"),
        Binding("j", "move(1)", "Down", show=False, id="feeds.down"),
        Binding("k", "move(-1)", "Up", show=False, id="feeds.up"),
        Binding("g", "move(-1_000_000)", "First", show=False, id="feeds.first"),
        Binding("G", "move(1_000_000)", "Last", show=False, id="feeds.last"),
    ]

    @dataclass
    class _Loaded(Message):
        feeds: list[Subscription]
        files: dict[str, set[str]]
        ids: dict[str, list[str]]
        """Feed url -> the ids of its articles in the library (as scanned when read)."""
        generation: int
        error: str | None = None

    @dataclass
    class _Added(Message):
        message: str
        ok: bool

    def __init__(self, main: MainScreen) -> None:
        super().__init__()
        self.main = main
        self.feeds: list[FeedRow] = []
        self.files: dict[str, set[str]] = {}
        self._ids: dict[str, list[str]] = {}
        self._subs: list[Subscription] = []
        self._loaded_once = False
        self._generation = 0
        """Counts reloads: only the newest one's result is shown."""
        self._fetching: dict[str, str] = {}
        """Feed url -> what the running fetch says of it ("fetching…", "ok", "failed")."""

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(id="feed-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="feed-progress", markup=False)
        yield Input(placeholder="Feed address, then Enter (Esc cancels)", id="feed-add")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = "Feeds"
        self.query_one("#feed-add", Input).display = False
        self.show_progress()
        table.focus()
        self.reload()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the subscriptions and which article files each feed saved, and find those
        articles in the library (in a thread: a dict over every article is ~0.1 s at 100k).
        A reload under way when a newer one starts still ends, in any order (a thread cannot
        be stopped): what it read may be older, so its result is dropped."""
        self._generation += 1
        self._load(self._generation)

    @work(thread=True, exclusive=True, group="feeds-screen", exit_on_error=False)
    def _load(self, generation: int) -> None:
        from newsreader.app.sources import feed_files
        from newsreader.feeds import load_subscriptions, subscriptions_file

        ctx = self.main.session.ctx
        articles = self.main.rows.articles  # an immutable tuple, replaced (never changed) by scans
        try:
            feeds = load_subscriptions(subscriptions_file(ctx.paths))
        except UserError as exc:
            self.post_message(self._Loaded([], {}, {}, generation, str(exc)))
            return
        files = feed_files(ctx.articles_dir)
        by_path = {a.path_str: a.id for a in articles}
        ids = {
            url: list(dict.fromkeys(by_path[p] for p in paths if p in by_path))
            for url, paths in files.items()
        }
        self.post_message(self._Loaded(feeds, files, ids, generation))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        if message.generation != self._generation:
            return
        if message.error:
            self.notify(clean_line(message.error), severity="error", timeout=10, markup=False)
        self._subs = message.feeds
        self.files = message.files
        self._ids = message.ids
        self._loaded_once = True
        self._count()
        self.show_progress()

    def recount(self) -> None:
        """The library was scanned again: find the feeds' articles in it (in a thread)."""
        self.reload()

    def _count(self) -> None:
        """Count each feed's unread articles (read marks are on this thread)."""
        rows = self.main.rows
        feeds = []
        for sub in self._subs:
            ids = self._ids.get(sub.url, [])
            feeds.append(
                FeedRow(
                    url=sub.url,
                    name=clean_line(sub.title or sub.url, 200),
                    category=clean_line(sub.category or "", 60),
                    unread=sum(1 for i in ids if not rows.is_read(i)),
                    total=len(ids),
                    last_fetched=sub.last_fetched,
                    status=sub.last_status,
                    error=clean_line(sub.last_error or "", 300),
                )
            )
        self.feeds = feeds
        self._fill()

    def on_resize(self) -> None:
        if self.is_mounted:
            self._fill()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        fill_table(table, self.feeds, self._fetching, self.size.width, self.main.rows.unread)

    def _highlighted_key(self) -> str | None:
        return highlighted_key(self.query_one(DataTable))

    def _current(self) -> FeedRow | None:
        key = self._highlighted_key()
        return next((f for f in self.feeds if f.url == key), None)

    # --- narrowing the list ------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#feed-table")
    def _moved(self) -> None:
        self.refresh_bindings()  # d, r and c act on a feed, not on "All articles"
        self.show_progress()

    @on(DataTable.RowSelected, "#feed-table")
    def _selected(self) -> None:
        self.action_show()

    def action_show(self) -> None:
        if self._highlighted_key() == ALL:
            self.main.narrow_to(None, "")
            self.dismiss(None)
            return
        feed = self._current()
        if feed is None:
            return
        self.main.narrow_to(frozenset([feed.url]), f"feed: {feed.name}")
        self.dismiss(None)

    def action_show_category(self) -> None:
        feed = self._current()
        if feed is None:
            return
        if not feed.category:
            self.notify("This feed has no category.", timeout=3, markup=False)
            return
        urls = frozenset(f.url for f in self.feeds if f.category == feed.category)
        self.main.narrow_to(urls, f"category: {feed.category}")
        self.dismiss(None)

    # --- adding and removing -------------------------------------------------------------------

    def action_add(self) -> None:
        box = self.query_one("#feed-add", Input)
        box.display = True
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#feed-add")
    def _submitted(self, event: Input.Submitted) -> None:
        url = event.value.strip()
        self._close_box()
        if url:
            self.query_one("#feed-progress", Static).update(
                Text(f"Checking {clean_line(url, 80)}…")
            )
            self.query_one("#feed-progress", Static).display = True
            self._add(url)

    def _close_box(self) -> None:
        box = self.query_one("#feed-add", Input)
        box.display = False
        self.query_one(DataTable).focus()

    @work(thread=True, exclusive=True, group="feeds-add", exit_on_error=False)
    def _add(self, url: str) -> None:
        """Check that ``url`` is a feed (or a page naming one), then subscribe (in a thread)."""
        from newsreader.feeds import add_subscription, fetch_options, find_feed, subscriptions_file

        ctx = self.main.session.ctx
        try:
            found = find_feed(url, self.main.feeds.options or fetch_options(ctx.config))
            added = add_subscription(subscriptions_file(ctx.paths), found.url, found.title)
        except UserError as exc:
            self.post_message(self._Added(f"Not added: {exc}", False))
            return
        name = found.title or found.url
        if added:
            line = (
                f"Subscribed to {name} ({count(found.entries, 'entry', 'entries')}); r fetches it."
            )
        else:
            line = f"Already subscribed to {name}."
        self.post_message(self._Added(line, added))

    @on(_Added)
    def _added(self, message: _Added) -> None:
        self.show_progress()
        self.notify(
            clean_line(message.message, 300),
            title="Feeds",
            severity="information" if message.ok else "warning",
            timeout=8,
            markup=False,
        )
        self.reload()

    def action_remove(self) -> None:
        from newsreader.tui.screens.confirm import ConfirmDialog

        feed = self._current()
        if feed is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(feed.url, feed.name)

        self.app.push_screen(
            ConfirmDialog(
                f"Stop following “{clean_line(feed.name, 80)}”?\n"
                "Its saved articles stay in the library.",
                "Remove feed",
            ),
            answered,
        )

    @work(thread=True, group="feeds-remove", exit_on_error=False)
    def _remove(self, url: str, name: str) -> None:
        from newsreader.feeds import remove_subscription, subscriptions_file

        try:
            remove_subscription(subscriptions_file(self.main.session.ctx.paths), url)
        except UserError as exc:
            self.post_message(self._Added(f"Not removed: {exc}", False))
            return
        self.post_message(self._Added(f"Removed {name}.", True))

    # --- fetching --------------------------------------------------------------------------

    def action_fetch_one(self) -> None:
        feed = self._current()
        if feed is None:
            self.action_fetch_all()
            return
        if self.main.feeds.start(frozenset([feed.url])):
            self._fetching = {feed.url: "waiting…"}
            self._fill()

    def action_fetch_all(self) -> None:
        if self.main.feeds.start():
            self._fetching = {f.url: "waiting…" for f in self.feeds}
            self._fill()

    def fetch_event(self, event: FeedEvent) -> None:
        """A fetch's progress, forwarded by the main screen: mark the feed's row."""
        from newsreader.feeds import FeedFinished, FeedStarted

        if isinstance(event, FeedStarted):
            self._fetching[event.feed_url] = "fetching…"
        elif isinstance(event, FeedFinished):
            self._fetching[event.result.url] = event.result.status
        else:
            return
        self._fill()
        self.show_progress()

    def fetch_done(self) -> None:
        """The fetch ended: read the feeds again (their last fetch and error changed)."""
        self._fetching = {}
        self.show_progress()
        self.reload()

    def show_progress(self) -> None:
        """The line below the table: a fetch's progress; else the highlighted feed's address
        and whole last error (its column may be cut); else how to add a first feed."""
        line = self.query_one("#feed-progress", Static)
        fetch = self.main.feeds
        current = self._current()
        if fetch.running:
            text = progress_text("Fetching feeds", fetch.done, fetch.total)
            if fetch.new:
                text.append(f" · {fetch.new:,} new")
        elif current is not None:
            text = Text(clean_line(current.url, 300), style="dim")
            if current.error:
                text.append(" · ")
                text.append(current.error, style="bold")
        else:
            text = Text(EMPTY if self._loaded_once and not self.feeds else "")
        line.update(text)
        line.display = bool(text.plain)

    # --- keys ------------------------------------------------------------------------------

    def action_move(self, rows: int) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        if table.row_count:
            row = max(0, min(table.row_count - 1, table.cursor_row + rows))
            table.move_cursor(row=row, animate=False)

    def action_close(self) -> None:
        if self.query_one("#feed-add", Input).display:
            self._close_box()
            return
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.focused, Input) and action not in {"close"}:
            return False  # letters typed into the address box are text
        if action in {"remove", "fetch_one", "show_category"}:
            return self._current() is not None or None
        return True
