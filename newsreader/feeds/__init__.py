"""Getting articles in: save web pages and feed entries as seed-format files in a folder.

No network or extraction library is imported here: urllib3, trafilatura and feedparser are
imported inside the functions that use them, so ``import newsreader.feeds`` stays cheap.
"""

from newsreader.feeds.articles_folder import SIDECAR, ArticleFolder
from newsreader.feeds.download import FetchError, FetchOptions, fetch_options
from newsreader.feeds.fetching import FoundFeed, IsOpml, fetch_all, find_feed
from newsreader.feeds.pages import AddResult, add_sources
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
from newsreader.feeds.sources import articles_by_feed, source_of
from newsreader.feeds.subscriptions import (
    Subscription,
    add_subscription,
    load_subscriptions,
    remove_subscription,
    subscriptions_file,
)

__all__ = [
    "SIDECAR",
    "AddResult",
    "ArticleFolder",
    "ArticleSaved",
    "EntryFailed",
    "EntryFailure",
    "FeedEvent",
    "FeedFinished",
    "FeedResult",
    "FeedStarted",
    "FetchError",
    "FetchOptions",
    "FetchReport",
    "FoundFeed",
    "IsOpml",
    "SavedArticle",
    "Subscription",
    "add_sources",
    "add_subscription",
    "articles_by_feed",
    "fetch_all",
    "fetch_options",
    "find_feed",
    "load_subscriptions",
    "remove_subscription",
    "source_of",
    "subscriptions_file",
]
