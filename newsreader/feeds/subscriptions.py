"""The user's feed subscriptions: a small JSON file in the data dir, written atomically.

It also keeps each feed's ETag / Last-Modified so the next fetch can be a cheap 304.
Not in the state database: subscriptions are the user's list, readable and editable by hand.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsreader.errors import UserError
from newsreader.feeds.files import StoreError, atomic_write, file_lock
from newsreader.feeds.urls import normalize_url
from newsreader.library.parse import ParseError, read_article_bytes
from newsreader.library.text import clean_line
from newsreader.paths import AppPaths

_VERSION = 1
MAX_BYTES = 64 << 20
"""The largest feeds file read (a thousand feeds take well under a megabyte)."""
_THREAD_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed the user follows."""

    url: str
    title: str | None = None
    added: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_fetched: str | None = None
    """When the last fetch finished (ISO 8601, UTC)."""
    last_status: str | None = None
    """"ok", "not modified" or "failed"."""
    last_error: str | None = None
    category: str | None = None
    """The folder the user files this feed under (an OPML outline folder); None for none."""
    site: str | None = None
    """The web site the feed belongs to (its ``<link>``; OPML's ``htmlUrl``)."""
    failures: int = 0
    """Fetches in a row that failed: how long the app's refresh waits before the next try
    (kept here so that the wait survives a restart)."""


def subscriptions_file(paths: AppPaths) -> Path:
    """Where the subscriptions are kept."""
    return paths.data_dir / "feeds.json"


def now_iso() -> str:
    """The current time, UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def load_subscriptions(path: Path) -> list[Subscription]:
    """The subscriptions in file order; none when the file does not exist yet."""
    try:  # never blocks on a FIFO or a device put where the file should be
        raw, _st = read_article_bytes(path, MAX_BYTES)
    except ParseError as exc:
        if _missing(path):  # also a symlink to a file not written yet: saving creates it
            return []
        raise UserError(f"cannot read {path}: {exc}") from None
    try:
        data = json.loads(raw)
        return [_subscription(item) for item in data["feeds"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"bad feeds file {path}: {exc.__class__.__name__} (fix or remove it)"
        ) from None


def _missing(path: Path) -> bool:
    try:
        return not path.exists()
    except OSError:
        return False


def add_subscription(path: Path, url: str, title: str | None, category: str | None = None) -> bool:
    """Subscribe; False when the feed is already there."""
    with _locked(path):
        feeds = load_subscriptions(path)
        if find_subscription(feeds, url) is not None:
            return False
        feeds.append(Subscription(url=url, title=title, added=now_iso(), category=category))
        _save(path, feeds)
        return True


def add_subscriptions(
    path: Path, items: Iterable[tuple[str, str | None, str | None, str | None]]
) -> list[Subscription]:
    """Subscribe to each (url, title, category, site) not subscribed yet, in one write: all
    of them or, when the file cannot be written, none. The subscriptions added."""
    with _locked(path):
        feeds = load_subscriptions(path)
        known = {feed_key(f.url) for f in feeds}
        added: list[Subscription] = []
        for url, title, category, site in items:
            key = feed_key(url)
            if key not in known:
                known.add(key)
                sub = Subscription(
                    url=url, title=title, added=now_iso(), category=category, site=site
                )
                feeds.append(sub)
                added.append(sub)
        if added:
            _save(path, feeds)
        return added


def remove_subscription(path: Path, which: str) -> Subscription:
    """Unsubscribe by address or by the number shown in ``feeds list``; UserError if unknown."""
    with _locked(path):
        feeds = load_subscriptions(path)
        found = find_subscription(feeds, which)
        if found is None and which.isdigit() and 1 <= int(which) <= len(feeds):
            found = feeds[int(which) - 1]
        if found is None:
            raise UserError(f"no feed {which!r} (see 'newsreader feeds list')")
        _save(path, [f for f in feeds if f is not found])
        return found


def update_subscriptions(path: Path, changes: Mapping[str, Mapping[str, Any]]) -> None:
    """Merge per-feed field changes (keyed by feed url) into the file as it is now, so a feed
    added or removed meanwhile by another process is kept or stays gone."""
    with _locked(path):
        feeds = load_subscriptions(path)
        _save(path, [replace(f, **changes[f.url]) if f.url in changes else f for f in feeds])


def find_subscription(feeds: list[Subscription], url: str) -> Subscription | None:
    """The subscription with this address (compared normalized)."""
    try:
        wanted = normalize_url(url)
    except ValueError:
        return None
    for feed in feeds:
        if feed.url == url or normalize_url(feed.url) == wanted:
            return feed
    return None


def feed_key(url: str) -> str:
    """How two addresses of one feed compare: normalized, or as given when they cannot be."""
    try:
        return normalize_url(url)
    except ValueError:
        return url


def _subscription(item: Any) -> Subscription:
    sub = Subscription(**item)
    if not isinstance(sub.url, str) or not sub.url:
        raise TypeError("feed without url")
    if not isinstance(sub.failures, int) or isinstance(sub.failures, bool) or sub.failures < 0:
        sub = replace(sub, failures=0)  # a hand-edited count: only the wait depends on it
    return _inert(sub)


def _inert(sub: Subscription) -> Subscription:
    """The fields ``feeds list`` shows, without control characters: they came from a feed or
    a server, and a file written by an older version may still hold them raw."""
    shown: dict[str, Any] = {
        name: clean_line(value)
        for name in ("url", "title", "last_status", "last_error", "category", "site")
        if isinstance(value := getattr(sub, name), str)
    }
    return replace(sub, **shown) if shown else sub


def _save(path: Path, feeds: list[Subscription]) -> None:
    data = {
        "version": _VERSION,
        "feeds": [{k: v for k, v in asdict(_inert(f)).items() if v is not None} for f in feeds],
    }
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    except StoreError as exc:
        raise UserError(str(exc)) from None


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialize read-modify-write of the file across threads and processes."""
    try:
        with _THREAD_LOCK, file_lock(path.with_name("." + path.name + ".lock")):
            yield
    except StoreError as exc:
        raise UserError(str(exc)) from None
