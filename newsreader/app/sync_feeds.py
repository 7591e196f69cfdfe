"""Feed subscriptions in sync: the subscriptions file compared at each run with the ledger's
copy of it after the last run (so an edit of ``feeds.json`` by hand counts too), and the
merged subscriptions written back to it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.library.text import clean_line
from newsreader.sync import merge
from newsreader.sync.ledger import Ledger

if TYPE_CHECKING:
    from newsreader.state.change_items import ChangeItem


def _feeds_signature(feeds_file: Path) -> str:
    try:
        st = feeds_file.stat()
    except OSError:
        return "none"
    return f"{st.st_size}:{st.st_mtime_ns}"


def record_feeds(ledger: Ledger, feeds_file: Path) -> None:
    """Feeds added or removed here since the last run (by any means, the file's editor
    included) become changes: the file after the last run is the baseline."""
    if ledger.flag("feeds_file") == _feeds_signature(feeds_file):
        return  # unchanged since this device last read or wrote it
    from newsreader.feeds.subscriptions import feed_key, load_subscriptions

    feeds = {feed_key(f.url): f for f in load_subscriptions(feeds_file)}
    before = ledger.applied_feeds()
    items: list[ChangeItem] = []
    for key in sorted(set(feeds) - before):
        f = feeds[key]
        items.append(("feed", key, {"url": f.url, "title": f.title, "category": f.category}))
    items += [("unfeed", key, {}) for key in sorted(before - set(feeds))]
    if items:
        ledger.record(items)
    ledger.set_applied_feeds(set(feeds))
    ledger.flag("feeds_file", _feeds_signature(feeds_file))


def write_feeds(ledger: Ledger, feeds_file: Path, states: list[merge.FeedState]) -> None:
    """The merged subscriptions into the subscriptions file: added, or removed."""
    from newsreader.feeds.subscriptions import (
        add_subscriptions,
        feed_key,
        load_subscriptions,
        remove_subscription,
    )

    held = {feed_key(f.url): f for f in load_subscriptions(feeds_file)}
    add = [(s.url, s.title, s.category) for s in states if s.alive and s.key not in held]
    if add:
        add_subscriptions(feeds_file, [(clean_line(u), t, c, None) for u, t, c in add])
    for s in states:
        if not s.alive and s.key in held:
            remove_subscription(feeds_file, held[s.key].url)
    ledger.set_applied_feeds({feed_key(f.url) for f in load_subscriptions(feeds_file)})
    ledger.flag("feeds_file", _feeds_signature(feeds_file))
