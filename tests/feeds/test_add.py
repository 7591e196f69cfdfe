"""``add``: a web page or HTML file becomes one article file, once; bad input is one message."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from newsreader.feeds import SIDECAR, add_sources
from newsreader.feeds.extract import NotAnArticle, extract_page
from newsreader.library import parse_file
from tests.feeds.conftest import FAST, Server, article_html, closed_port_url, story


def _txt(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt")) if folder.exists() else []


def _nothing_half_written(folder: Path) -> None:
    leftovers = (
        [p.name for p in folder.iterdir() if p.name.startswith(".tmp")] if folder.exists() else []
    )
    assert leftovers == []


def test_page_is_saved_and_reads_back(web: Server, articles: Path) -> None:
    paras = story(1)
    paras[0] = "GAZA: " + paras[0]
    url = web.page("/news/talks", article_html("Truce talks to continue", paras))
    [result] = add_sources([url], articles, options=FAST)
    assert result.status == "saved", result.message
    assert result.path is not None and result.path.parent == articles
    art = parse_file(result.path, "x")
    assert art.title == "Truce talks to continue"
    assert art.date == date(2024, 5, 6)
    assert art.dateline == "GAZA"
    assert art.paragraphs == tuple(paras)  # no nav, share buttons, related links, comments
    text = result.path.read_text("utf-8")
    for noise in ("Subscribe now", "Related story", "first!", "Copyright", "icon-", "tracking"):
        assert noise not in text
    [line] = (articles / SIDECAR).read_text("utf-8").splitlines()
    source = json.loads(line)
    assert source["url"] == url and source["file"] == result.path.name
    assert source["author"] == "Jane Reporter" and source["origin"] == "page"
    assert web.agents[0].startswith("newsreader/")


def test_same_url_twice_is_one_file_and_one_request(web: Server, articles: Path) -> None:
    url = web.page("/a", article_html("One story", story(2)))
    first = add_sources([url], articles, options=FAST)[0]
    again = add_sources([url, url + "?utm_source=x&utm_medium=y#top"], articles, options=FAST)
    assert [r.status for r in again] == ["exists", "exists"]
    assert {r.path for r in again} == {first.path}
    assert _txt(articles) == [first.path]
    assert web.hits["/a"] == 1  # known addresses are not fetched again


def test_deleted_article_can_be_added_again_under_the_same_name(
    web: Server, articles: Path
) -> None:
    url = web.page("/a", article_html("One story", story(3)))
    first = add_sources([url], articles, options=FAST)[0]
    assert first.path is not None
    first.path.unlink()
    again = add_sources([url], articles, options=FAST)[0]
    assert again.status == "saved" and again.path == first.path


def test_redirected_address_is_remembered(web: Server, articles: Path) -> None:
    final = web.page("/story/final", article_html("Moved story", story(4)))
    short = web.url("/s/1")
    web.routes["/s/1"] = replace(web.routes["/story/final"], redirect=final)
    assert add_sources([short], articles, options=FAST)[0].status == "saved"
    assert add_sources([final], articles, options=FAST)[0].status == "exists"
    assert len(_txt(articles)) == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda w: w.url("/missing"), "HTTP 404"),
        (
            lambda w: w.page("/pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
            "not a web page (application/pdf)",
        ),
        (
            lambda w: w.page(
                "/links",
                "<html><body><ul>"
                + "".join(
                    f"<li><a href='/{i}'>Link number {i} to a story</a></li>" for i in range(40)
                )
                + "</ul></body></html>",
            ),
            "no article text",
        ),
        (
            lambda w: w.page(
                "/login",
                "<html><body><form><input name=u><button>Sign in</button></form></body></html>",
            ),
            "no article text",
        ),
        (lambda w: w.page("/big", b"<html>" + b"x" * 1000, length=50 * 1024 * 1024), "too large"),
        (lambda w: w.page("/endless", b"", endless=True), "too large"),
        (lambda w: w.page("/loop", b"", redirect="/loop"), "too many redirects"),
        (lambda w: w.page("/slow", "<html></html>", stall=1.5), "timed out"),
        (lambda w: closed_port_url(), "connection refused"),
        (lambda w: "http://no-such-host.invalid/x", "host not found"),
        (lambda w: "ftp://example.com/x", "not a web address"),
        (lambda w: "/no/such/file.html", "not a web address"),
    ],
    ids=[
        "404",
        "pdf",
        "link-list",
        "login",
        "claims-huge",
        "endless",
        "redirect-loop",
        "stalled",
        "refused",
        "unknown-host",
        "ftp",
        "missing-file",
    ],
)
def test_bad_input_is_one_clear_message_and_nothing_written(
    web: Server, articles: Path, setup: object, message: str
) -> None:
    source = setup(web)  # type: ignore[operator]
    opts = replace(FAST, max_bytes=1024 * 1024, timeout=0.5)
    [result] = add_sources([source], articles, options=opts)
    assert result.status == "failed"
    assert message in (result.message or "")
    assert "\n" not in (result.message or "")
    assert _txt(articles) == []
    _nothing_half_written(articles)


def test_video_is_refused_before_its_body_is_read(web: Server, articles: Path) -> None:
    url = web.page("/v", b"", endless=True, content_type="video/mp4")
    [result] = add_sources([url], articles, options=FAST)
    assert result.message == "not a web page (video/mp4)"


def test_compressed_pages_and_compression_bombs(web: Server, articles: Path) -> None:
    ok = web.page("/gz", article_html("Compressed story", story(9)), gzip=True)
    bomb = web.page("/bomb", b"<html><body><p>" + b"0" * (8 * 1024 * 1024), gzip=True)
    opts = replace(FAST, max_bytes=1024 * 1024)
    results = add_sources([ok, bomb], articles, options=opts)
    assert results[0].status == "saved", results[0].message
    assert results[1].status == "failed" and "too large" in (results[1].message or "")


def test_legacy_charsets(web: Server, articles: Path) -> None:
    paras = [p.replace("Officials", "Les élus à Zürich") for p in story(10)]
    html = article_html("Café crème à Zürich", paras)
    in_header = web.page(
        "/latin1", html.encode("latin-1"), content_type="text/html; charset=ISO-8859-1"
    )
    in_meta = web.page(
        "/cp1252",
        html.replace('charset="utf-8"', 'charset="windows-1252"').encode("cp1252"),
        content_type="text/html",
    )
    for url in (in_header, in_meta):
        [result] = add_sources([url], articles, options=FAST)
        assert result.path is not None, result.message
        art = parse_file(result.path, "x")
        assert art.title == "Café crème à Zürich" and art.paragraphs == tuple(paras)


def test_one_bad_item_does_not_stop_the_others(web: Server, articles: Path) -> None:
    good = web.page("/good", article_html("Good story", story(5)))
    results = add_sources([web.url("/gone"), good], articles, options=FAST)
    assert [r.status for r in results] == ["failed", "saved"]


def test_local_html_file_with_canonical_address(
    web: Server, articles: Path, tmp_path: Path
) -> None:
    url = web.page("/c", article_html("Canonical story", story(6)))
    saved_page = tmp_path / "page.html"
    saved_page.write_text(article_html("Canonical story", story(6), canonical=url), "utf-8")
    first = add_sources([str(saved_page)], articles, options=FAST)[0]
    assert first.status == "saved" and first.path is not None
    assert parse_file(first.path, "x").title == "Canonical story"
    assert add_sources([url], articles, options=FAST)[0].status == "exists"
    assert add_sources([str(saved_page)], articles, options=FAST)[0].status == "exists"
    assert web.hits["/c"] == 0


def test_local_file_without_address_and_binary_file(articles: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(article_html("Offline story", story(7), date=None, author=None), "utf-8")
    binary = tmp_path / "b.html"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    results = add_sources([str(page), str(page), str(binary)], articles)
    assert [r.status for r in results] == ["saved", "exists", "failed"]
    assert parse_file(results[0].path, "x").date is None  # type: ignore[arg-type]


def test_torn_and_garbage_sidecar_lines_are_skipped(web: Server, articles: Path) -> None:
    from newsreader.feeds import ArticleFolder

    first = web.page("/a", article_html("Before the crash", story(8)))
    [saved] = add_sources([first], articles, options=FAST)
    sidecar = articles / SIDECAR
    with sidecar.open("ab") as fh:  # garbage, then a line torn by a crash (no newline)
        fh.write(b"not json\n" + b'{"url": "http://x/torn", "fi')
    folder = ArticleFolder(articles)
    second = web.page("/b", article_html("After the crash", story(9)))
    results = add_sources([first, second], articles, options=FAST, folder=folder)
    assert [r.status for r in results] == ["exists", "saved"]
    assert any("skipped 1 unreadable line" in n for n in folder.notices)
    assert {r.url for r in ArticleFolder(articles).records()} == {first, second}
    assert saved.path is not None and results[1].path is not None
    assert sorted(articles.glob("*.txt")) == sorted([saved.path, results[1].path])


def test_lost_sidecar_still_no_duplicate(web: Server, articles: Path) -> None:
    url = web.page("/a", article_html("Kept by its name", story(10)))
    first = add_sources([url], articles, options=FAST)[0]
    (articles / SIDECAR).unlink()
    assert add_sources([url], articles, options=FAST)[0].status == "exists"
    assert _txt(articles) == [first.path]


def test_extract_reports_non_article() -> None:
    with pytest.raises(NotAnArticle):
        extract_page(b"<html><body><p>Hi</p></body></html>")
    with pytest.raises(NotAnArticle):
        extract_page(b"")
