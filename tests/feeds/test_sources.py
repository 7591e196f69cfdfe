"""An article saved by ``add`` or ``fetch`` knows its address and feed (``source_of``,
``articles_by_feed``, ``show --json``)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from newsreader.feeds import ArticleFolder, articles_by_feed, source_of
from newsreader.feeds.article_file import ArticleDraft
from tests.cli.conftest import CLI
from tests.feeds.conftest import Server, article_html, rss, story


def _save(folder: ArticleFolder, n: int, feed: str | None) -> Path:
    draft = ArticleDraft(f"Story {n}", date(2024, 5, 1), tuple(story(n)))
    path, created = folder.save(draft, f"https://example.org/{n}", origin="page", feed=feed)
    assert created
    return path


def test_source_of_follows_the_sidecar_as_it_grows(tmp_path: Path) -> None:
    folder = ArticleFolder(tmp_path / "articles")
    first = _save(folder, 1, "https://example.org/feed.xml")
    record = source_of(first)
    assert record is not None
    assert (record.url, record.feed, record.title) == (
        "https://example.org/1",
        "https://example.org/feed.xml",
        "Story 1",
    )
    assert source_of(str(first)) == record  # a string path works too

    second = _save(folder, 2, None)  # appended after the first lookup: seen at once
    assert source_of(second) is not None and source_of(second).feed is None  # type: ignore[union-attr]
    third = _save(folder, 3, "https://example.org/feed.xml")
    assert articles_by_feed(folder.folder) == {"https://example.org/feed.xml": (first, third)}

    stray = folder.folder / "hand-written.txt"
    stray.write_text("A title\n\nA paragraph.\n")
    assert source_of(stray) is None
    assert source_of(tmp_path / "elsewhere" / "x.txt") is None
    assert articles_by_feed(tmp_path / "elsewhere") == {}


def test_a_replaced_or_removed_sidecar_is_read_again(tmp_path: Path) -> None:
    folder = ArticleFolder(tmp_path / "articles")
    path = _save(folder, 1, "https://example.org/feed.xml")
    assert source_of(path) is not None
    sidecar = folder.folder / ".sources.jsonl"
    kept = sidecar.read_bytes()
    os.remove(sidecar)
    assert source_of(path) is None
    assert articles_by_feed(folder.folder) == {}
    sidecar.write_bytes(b"not json\n" + kept)  # a bad line is skipped, the rest still read
    assert source_of(path) is not None


def test_show_json_has_the_address_and_the_feed(cli: CLI, web: Server) -> None:
    page = web.page("/politics/vote", article_html("Senate passes the bill", story(1)))
    saved = Path(cli("add", page).out.removeprefix("saved: ").strip())
    body = "".join(f"<p>{p}</p>" for p in story(2))
    feed = web.feed(
        "/rss.xml",
        rss("Wire", [{"title": "From the wire", "link": web.url("/w"), "content": body}]),
    )
    assert cli("feeds", "add", feed).code == 0
    assert cli("fetch").code == 0

    rows = {r["title"]: r for r in cli("list", "--json").json()}
    added = cli("show", rows["Senate passes the bill"]["id"], "--json").json()
    assert added["path"] == str(saved)
    assert added["url"] == page and "feed" not in added
    fetched = cli("show", rows["From the wire"]["id"], "--json").json()
    assert (fetched["url"], fetched["feed"]) == (web.url("/w"), feed)
    seed = next(r for r in rows.values() if "/articles/" not in r["path"])
    assert "url" not in cli("show", seed["id"], "--json").json()
