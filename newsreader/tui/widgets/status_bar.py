"""One line above the footer: background activity on the left, then a feed fetch's progress,
lasting notices on the right."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

BAR_CELLS = 16


def progress_text(label: str, done: int, total: int) -> Text:
    """``Indexing ━━━━━──── 1,204/10,000``, or just the label while the total is unknown."""
    text = Text(label)
    if total > 0:
        filled = round(BAR_CELLS * min(done, total) / total)
        text.append(" ")
        text.append("━" * filled, style="bold")
        text.append("─" * (BAR_CELLS - filled), style="dim")
        text.append(f" {done:,}/{total:,}")
    else:
        text.append(" …")
    return text


class StatusBar(Horizontal):
    """Shows what runs in the background and notices that must not time out."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._store_notice: tuple[str, bool] = ("", True)
        self._notices_seen = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="activity", markup=False)
        yield Static("", id="feeds", markup=False)
        yield Static("", id="sync", markup=False)
        yield Static("", id="notice", markup=False)

    def set_activity(self, label: str, done: int = 0, total: int = 0) -> None:
        """Show background progress; an empty label clears it."""
        activity = self.query_one("#activity", Static)
        activity.update(progress_text(label, done, total) if label else "")

    def set_info(self, text: str) -> None:
        """A quiet line when nothing runs (e.g. how many articles are indexed)."""
        self.query_one("#activity", Static).update(Text(text))

    def set_feeds(self, text: Text | str) -> None:
        """A feed fetch's progress or outcome (its own slot: indexing runs at the same time);
        empty hides it."""
        widget = self.query_one("#feeds", Static)
        widget.update(text)
        widget.display = bool(text)

    def set_sync(self, text: str, *, warning: bool = False) -> None:
        """Sync's short state ("⇅ synced 14:05"); empty hides it."""
        widget = self.query_one("#sync", Static)
        widget.update(Text(text))
        widget.set_class(warning, "-warning")
        widget.display = bool(text)

    def set_notice(self, notice: str, *, warning: bool = True) -> None:
        """A lasting notice (e.g. reading state cannot be saved); empty clears it."""
        widget = self.query_one("#notice", Static)
        widget.update(Text(f"⚠ {notice}" if warning else notice) if notice else "")
        widget.set_class(not warning, "-info")
        widget.display = bool(notice)

    def show_store(self, notices: list[str], saving: bool) -> None:
        """The store's state: its latest notice stays here (a warning while it is not
        saving), and each new notice also pops up once."""
        for new in notices[self._notices_seen :]:
            self.notify(
                new,
                title="Reading state",
                severity="information" if saving else "warning",
                timeout=10,
                markup=False,
            )
        self._notices_seen = len(notices)
        notice = notices[-1] if notices else ""
        if not saving and not notice:
            notice = "reading state is not being saved"
        if (notice, saving) != self._store_notice:
            self._store_notice = (notice, saving)
            self.set_notice(notice, warning=not saving)
