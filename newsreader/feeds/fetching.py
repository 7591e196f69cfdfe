"""Pull new entries of every subscribed feed into the articles folder.

``fetch_all`` is the one entry point for the CLI and the TUI. It blocks, so the TUI runs it in
a thread worker; it is thread-safe and also safe against another newsreader process fetching
at the same time (file locks; an article is written at most once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.errors import UserError
from newsreader.feeds.article_file import ArticleDraft, prepare
from newsreader.feeds.articles_folder import ArticleFolder, Origin
from newsreader.feeds.download import FetchError, FetchOptions, HttpClient
from newsreader.feeds.extract import NotAnArticle
from newsreader.feeds.feedparse import FeedEntry, NotAFeed
from newsreader.feeds.files import StoreError
from newsreader.feeds.pagereader import PageReader, reader_for
from newsreader.feeds.report import (
    ArticleSaved,
    EntryFailed,
    EntryFailure,
    FeedEvent,
    FeedFinished,
    FeedResult,
    FeedStarted,
    FetchReport,
    SavedArticle,
)
from newsreader.feeds.subscriptions import (
    Subscription,
    load_subscriptions,
    now_iso,
    update_subscriptions,
)
from newsreader.feeds.urls import BadUrl, check_web_url, normalize_url
from newsreader.library.text import clean_line

Progress = Callable[[FeedEvent], None]


def fetch_all(
    feeds_file: Path,
    articles_dir: Path,
    *,
    options: FetchOptions | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    only: Collection[str] | None = None,
) -> FetchReport:
    """Fetch every feed in ``feeds_file`` (or those whose address is in ``only``) and save
    new entries into ``articles_dir``.

    ``progress`` receives FeedStarted / ArticleSaved / EntryFailed / FeedFinished events from
    worker threads, one call at a time. ``cancel`` is polled between requests; once it returns
    True the run stops early (feeds not finished report status "cancelled"). Per-feed and
    per-entry problems (an unwritable articles folder included) are in the report, never
    raised; only an unreadable or unwritable feeds file raises UserError.
    """
    started = time.monotonic()
    opts = options or FetchOptions()
    feeds = load_subscriptions(feeds_file)
    if only is not None:
        feeds = [f for f in feeds if f.url in only]
    if not feeds:
        return FetchReport(())
    stop = threading.Event()
    user_cancel = cancel or (lambda: False)
    workers = max(1, min(opts.workers, len(feeds)))
    run = _Run(
        ArticleFolder(articles_dir),
        opts,
        progress,
        lambda: stop.is_set() or user_cancel(),
        total=len(feeds),
        reader=reader_for(opts, workers),
    )
    run.reader.warm()  # its start overlaps the first download
    from concurrent.futures import ThreadPoolExecutor  # ~4 ms; only a fetch needs it

    client = HttpClient(opts)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        results = list(pool.map(lambda f: _fetch_feed(f, client, run), feeds))
    except BaseException:
        stop.set()  # Ctrl-C: let the threads finish their current request and stop
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        client.close()
        run.reader.close()
    update_subscriptions(
        feeds_file,
        {
            r.url: _changes(r, f, run.validators.get(r.url))
            for f, r in zip(feeds, results, strict=True)
        },
    )
    return FetchReport(
        tuple(results),
        limit_reached=run.limit_reached,
        cancelled=any(r.status == "cancelled" for r in results),
        seconds=time.monotonic() - started,
        notices=tuple(run.folder.notices),
    )


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A feed checked before subscribing."""

    url: str
    """The feed's address (the one discovered when a web page was given)."""
    title: str | None
    entries: int


class IsOpml(UserError):
    """The address serves a subscription list (OPML), not a feed; ``body`` is the document.
    A UserError, so a caller that does not import lists says so in one line."""

    def __init__(self, url: str, body: bytes) -> None:
        super().__init__(
            f"{clean_line(url, 200)}: a list of feeds (OPML), not a feed; import it with "
            "'newsreader feeds import'"
        )
        self.body = body


def find_feed(url: str, options: FetchOptions | None = None) -> FoundFeed:
    """Check that ``url`` is a feed, or a page announcing one; UserError saying why not,
    IsOpml when it is a list of feeds to import."""
    opts = options or FetchOptions()
    client = HttpClient(opts)
    reader = reader_for(opts)
    reader.warm()
    shown = clean_line(url, 200)
    try:
        try:
            resp = client.get_feed(check_web_url(url))
            try:
                parsed = reader.read_feed(resp.body, resp.url, resp.content_type, resp.charset)
                return FoundFeed(url, parsed.title, len(parsed.entries))
            except NotAFeed as not_feed:
                from newsreader.feeds.opml import looks_like_opml

                if looks_like_opml(resp.body):
                    raise IsOpml(url, resp.body) from None
                found = (
                    reader.find_feeds(resp.body, resp.url, resp.charset) if resp.is_html() else []
                )
                if not found:
                    raise UserError(f"{shown}: {not_feed}") from None
            resp = client.get_feed(found[0], origin=url)
            parsed = reader.read_feed(resp.body, resp.url, resp.content_type, resp.charset)
            return FoundFeed(found[0], parsed.title, len(parsed.entries))
        except (BadUrl, FetchError, NotAFeed) as exc:
            raise UserError(f"{shown}: {exc}") from None
    finally:
        reader.close()
        client.close()


@dataclass(slots=True)
class _Run:
    """State shared by the feed threads of one run."""

    folder: ArticleFolder
    options: FetchOptions
    progress: Progress | None
    cancel: Callable[[], bool]
    total: int
    reader: PageReader
    saved: int = 0
    done: int = 0
    limit_reached: bool = False
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    emit_lock: threading.Lock = field(default_factory=threading.Lock)
    """Serializes ``progress`` calls; separate so a slow callback never holds the counters."""

    def emit(self, event: FeedEvent) -> None:
        if self.progress is not None:
            with self.emit_lock:
                self.progress(event)

    def take_slot(self) -> bool:
        """Reserve one of the run's ``max_new`` saves; False when none is left."""
        with self.lock:
            if self.saved >= self.options.max_new:
                self.limit_reached = True
                return False
            self.saved += 1
            return True

    def give_back(self) -> None:
        with self.lock:
            self.saved -= 1


def _fetch_feed(feed: Subscription, client: HttpClient, run: _Run) -> FeedResult:
    try:
        result = _fetch_feed_inner(feed, client, run)
    except StoreError as exc:
        result = FeedResult(feed.url, feed.title, "failed", error=str(exc))
    except Exception as exc:  # one broken feed must not end the run (or crash the TUI)
        result = FeedResult(feed.url, feed.title, "failed", error=_unexpected(exc))
    with run.lock:
        run.done += 1
        done = run.done
    run.emit(FeedFinished(result, done, run.total))
    return result


def _fetch_feed_inner(feed: Subscription, client: HttpClient, run: _Run) -> FeedResult:
    if run.cancel():
        return FeedResult(feed.url, feed.title, "cancelled")
    run.emit(FeedStarted(feed.url, feed.title))
    try:
        resp = client.get_feed(feed.url, feed.etag, feed.last_modified)
        if resp.not_modified:
            return FeedResult(feed.url, feed.title, "not modified")
        parsed = run.reader.read_feed(resp.body, resp.url, resp.content_type, resp.charset)
    except (FetchError, NotAFeed) as exc:
        return FeedResult(feed.url, feed.title, "failed", error=str(exc))
    title = feed.title or parsed.title
    saved: list[SavedArticle] = []
    failures: list[EntryFailure] = []
    known = 0
    limited = cancelled = given_up = False
    for entry in parsed.entries:
        if run.cancel():
            cancelled = True
            break
        key = _entry_key(entry, feed.url)
        if run.folder.find(key) is not None:
            known += 1  # saved before, even if the user has since deleted the file
            continue
        if not run.take_slot():
            limited = True
            break
        try:
            article = _save_entry(entry, key, feed.url, client, run)
        except Exception as exc:  # one odd entry must not cost the rest of the feed
            run.give_back()
            reason = str(exc) if isinstance(exc, _EntryError) else _unexpected(exc)
            failure = EntryFailure(entry.link or entry.title or key, reason)
            failures.append(failure)
            run.emit(EntryFailed(feed.url, failure))
            if len(failures) >= run.options.max_failures:
                given_up = True
                break
            continue
        if article is None:  # another process saved it meanwhile
            run.give_back()
            known += 1
            continue
        saved.append(article)
        with run.lock:
            total_new = run.saved
        run.emit(ArticleSaved(article, total_new))
    if not (limited or cancelled or failures):
        # Only a feed read to the end may answer 304 next time; otherwise the entries left
        # over (limit, cancel, failed pages) would never be seen again.
        with run.lock:
            run.validators[feed.url] = (resp.etag, resp.last_modified)
    notices = (
        [f"the feed is not well-formed ({parsed.problem}); read what could be salvaged"]
        if parsed.problem
        else []
    )
    if given_up:
        notices.append(
            f"stopped after {len(failures)} entries failed; the rest wait for the next run"
        )
    notice = "; ".join(notices) or None
    return FeedResult(
        feed.url,
        title,
        "cancelled" if cancelled else "ok",
        saved=tuple(saved),
        known=known,
        failures=tuple(failures),
        limited=limited,
        notice=notice,
        site=parsed.site,
    )


class _EntryError(Exception):
    pass


def _unexpected(exc: Exception) -> str:
    # Such messages can quote what a server sent (a header, an address).
    return f"unexpected error: {exc.__class__.__name__}: {clean_line(str(exc), 300)}"


def _entry_key(entry: FeedEntry, feed_url: str) -> str:
    for candidate in (entry.link, entry.guid):
        if candidate:
            try:
                return normalize_url(check_web_url(candidate))
            except (BadUrl, ValueError):
                continue
    ident = entry.guid or entry.title or " ".join(entry.paragraphs)[:200]
    return f"{normalize_url(feed_url)}#entry={ident}"


def _save_entry(
    entry: FeedEntry, key: str, feed_url: str, client: HttpClient, run: _Run
) -> SavedArticle | None:
    folder = run.folder
    page: ArticleDraft | None = None
    page_error: str | None = None
    also: list[str] = []
    if entry.link and not entry.full:
        try:
            resp = client.get_page(entry.link, origin=feed_url)
            page = run.reader.read(resp.body, resp.url, resp.charset)
            also.append(normalize_url(resp.url))
            if page.canonical_url and page.canonical_url.startswith(("http://", "https://")):
                also.append(normalize_url(page.canonical_url))
        except (FetchError, NotAnArticle) as exc:
            page_error = str(exc)
    feed_length = sum(len(p) for p in entry.paragraphs)
    if page is not None and page.text_length >= feed_length:
        draft = ArticleDraft(
            title=entry.title or page.title,
            date=entry.date or page.date,
            paragraphs=page.paragraphs,
            author=entry.author or page.author,
            canonical_url=page.canonical_url,
        )
        origin: Origin = "page"
    elif entry.paragraphs:
        draft = ArticleDraft(entry.title, entry.date, entry.paragraphs, entry.author)
        origin = "feed" if entry.full or page is not None else "summary"
    else:
        raise _EntryError(page_error or "the entry has no text and no page address")
    draft = prepare(draft)
    if not draft.paragraphs:
        raise _EntryError(page_error or "the entry has no text")
    try:
        path, created = folder.save(draft, key, also=tuple(also), origin=origin, feed=feed_url)
    except StoreError as exc:
        raise _EntryError(str(exc)) from None
    if not created:
        return None
    return SavedArticle(
        path,
        draft.title,
        entry.link or key,
        feed_url,
        from_summary=origin == "summary",
        note=f"page unavailable ({page_error}); saved the feed's summary"
        if origin == "summary" and page_error
        else None,
    )


def _changes(
    result: FeedResult, feed: Subscription, validators: tuple[str | None, str | None] | None
) -> Mapping[str, Any]:
    changes: dict[str, Any] = {
        "last_fetched": now_iso(),
        "last_status": result.status,
        "last_error": result.error,
    }
    if result.status == "failed":
        changes["failures"] = feed.failures + 1
    elif result.status != "cancelled":
        changes["failures"] = 0
    if result.title:
        changes["title"] = result.title
    if result.site:
        changes["site"] = result.site
    if validators is not None:
        changes["etag"], changes["last_modified"] = validators
    return changes
