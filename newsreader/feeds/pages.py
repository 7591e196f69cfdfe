"""``newsreader add``: save web pages and local HTML files as articles, once each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsreader.feeds.article_file import prepare
from newsreader.feeds.articles_folder import ArticleFolder
from newsreader.feeds.download import FetchError, FetchOptions, HttpClient
from newsreader.feeds.extract import NotAnArticle
from newsreader.feeds.files import StoreError
from newsreader.feeds.pagereader import PageReader, reader_for
from newsreader.feeds.urls import BadUrl, check_web_url, normalize_url
from newsreader.library.parse import ParseError, read_article_bytes

AddStatus = Literal["saved", "exists", "failed"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What happened to one address or file given to ``add``."""

    source: str
    status: AddStatus
    path: Path | None = None
    title: str | None = None
    message: str | None = None
    """Why it failed (one line), when it did."""


def add_sources(
    sources: Sequence[str],
    articles_dir: Path,
    *,
    options: FetchOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
    folder: ArticleFolder | None = None,
) -> list[AddResult]:
    """Save each URL or HTML file into ``articles_dir``; one result per source, in order.

    Nothing raises for a bad item: its result says why. Pages are fetched one at a time.
    """
    folder = folder or ArticleFolder(articles_dir)
    options = options or FetchOptions()
    client: HttpClient | None = None
    results: list[AddResult] = []
    reader = reader_for(options)
    if sources:
        reader.warm()  # its imports overlap the first download
    try:
        for done, source in enumerate(sources, 1):
            if _is_url(source) and client is None:
                client = HttpClient(options)
            results.append(add_one(source, folder, client, reader))
            if progress is not None:
                progress(done, len(sources))
    finally:
        reader.close()
        if client is not None:
            client.close()
    return results


def add_one(
    source: str, folder: ArticleFolder, client: HttpClient | None, reader: PageReader
) -> AddResult:
    """Save one URL (``client`` required) or local HTML file."""
    try:
        if _is_url(source):
            if client is None:
                raise ValueError("add_one needs an HttpClient for a URL")
            return _add_url(source, folder, client, reader)
        return _add_file(source, folder, reader)
    except (BadUrl, FetchError, NotAnArticle, StoreError) as exc:
        return AddResult(source, "failed", message=str(exc))


def _is_url(source: str) -> bool:
    return source.strip().lower().startswith(("http://", "https://"))


def _add_url(
    source: str, folder: ArticleFolder, client: HttpClient, reader: PageReader
) -> AddResult:
    url = check_web_url(source)
    key = normalize_url(url)
    known = folder.find(key)
    if known is not None and known.exists:
        return AddResult(source, "exists", known.path)
    resp = client.get_page(url)
    draft = prepare(reader.read(resp.body, resp.url, resp.charset))
    also = [normalize_url(resp.url)]
    if draft.canonical_url and _is_url(draft.canonical_url):
        also.append(normalize_url(draft.canonical_url))
    path, created = folder.save(draft, key, also=tuple(also), origin="page")
    return AddResult(source, "saved" if created else "exists", path, draft.title)


def _add_file(source: str, folder: ArticleFolder, reader: PageReader) -> AddResult:
    path = Path(source.removeprefix("file://")).expanduser()
    if not path.exists():
        raise BadUrl(f"not a web address (http:// or https://) or an existing file: {source}")
    limit = FetchOptions().max_bytes
    try:  # never blocks on a FIFO or a device, nor reads more than the limit
        data, _st = read_article_bytes(path, limit)
    except ParseError as exc:
        raise BadUrl(str(exc)) from None
    if b"\x00" in data[:4096]:
        raise NotAnArticle("not an HTML file (binary content)")
    draft = prepare(reader.read(data))
    # A page saved from a browser usually names its address; then `add URL` finds it too.
    if draft.canonical_url and _is_url(draft.canonical_url):
        key = normalize_url(draft.canonical_url)
    else:
        key = path.resolve().as_uri()
    saved, created = folder.save(draft, key, origin="file")
    return AddResult(source, "saved" if created else "exists", saved, draft.title)
