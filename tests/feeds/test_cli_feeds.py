"""``newsreader add``, ``feeds add|list|remove`` and ``fetch`` as scripts run them."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import CLI
from tests.feeds.conftest import Server, article_html, closed_port_url, rfc822, rss, story


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_add_then_read_it_in_the_library(cli: CLI, web: Server, user_dirs: Path) -> None:
    paras = story(1)
    paras[0] = "WASHINGTON — " + paras[0]
    url = web.page("/politics/vote", article_html("Senate passes the bill", paras))
    run = cli("add", url)
    assert run.code == 0, run.err
    assert run.err == ""
    [line] = run.out.splitlines()
    saved = Path(line.removeprefix("saved: "))
    assert saved.parent == user_dirs / "data" / "newsreader" / "articles"

    rows = cli("list", "--json").json()  # no --library: the seeds plus the saved articles
    row = next(r for r in rows if r["path"] == str(saved))
    assert (row["title"], row["date"]) == ("Senate passes the bill", "2024-05-06")
    shown = cli("show", row["id"], "--json").json()
    assert shown["dateline"] == "WASHINGTON" and shown["paragraphs"] == paras

    again = cli("add", url)
    assert again.code == 0 and again.out == f"already saved: {saved}\n"
    assert len(list(saved.parent.glob("*.txt"))) == 1


def test_add_bad_input_exits_2_with_one_line(cli: CLI, web: Server) -> None:
    run = cli("add", web.url("/missing"))
    assert run.code == 2 and "HTTP 404" in run.err and run.out == ""
    _one_line_error(run.err)
    mixed = cli("add", closed_port_url(), web.page("/ok", article_html("Fine", story(2))))
    assert mixed.code == 0 and mixed.out.startswith("saved: ")
    _one_line_error(mixed.err)
    assert "connection refused" in mixed.err


def test_add_with_explicit_library_says_where_it_saved(
    cli: CLI, web: Server, seed_library: Path
) -> None:
    run = cli("add", web.page("/x", article_html("Elsewhere", story(3))), library=seed_library)
    assert run.code == 0 and "not in the library chosen by --library" in run.err


def test_feeds_and_fetch(cli: CLI, web: Server) -> None:
    body = "".join(f"<p>{p}</p>" for p in story(4))
    feed = web.feed(
        "/rss.xml",
        rss(
            "Wire",
            [
                {
                    "title": "Full story",
                    "link": web.url("/never"),
                    "pubDate": rfc822(4),
                    "content": body,
                },
            ],
        ),
        etag='"1"',
    )
    assert cli("fetch").err.startswith("newsreader: no feeds yet")

    added = cli("feeds", "add", feed)
    assert added.code == 0 and added.out.startswith(f"subscribed: Wire <{feed}> (1 entry;")
    assert "already subscribed" in cli("feeds", "add", feed).err
    [row] = cli("feeds", "list", "--json").json()
    assert (row["number"], row["url"], row["last_status"]) == (1, feed, None)

    first = cli("fetch")
    assert first.code == 0, first.err
    assert first.out.splitlines() == ["Wire: 1 new", "1 new article from 1 feed"]
    second = cli("fetch")
    assert second.out.splitlines()[0] == "Wire: 0 new (not modified)"
    listed = cli("feeds", "list")
    assert listed.out.startswith(f"  1  Wire  <{feed}>  [not modified]")

    assert cli("feeds", "remove", "1").out == f"unsubscribed: Wire <{feed}>\n"
    gone = cli("feeds", "remove", "1")
    assert gone.code == 2
    _one_line_error(gone.err)


def test_feed_errors_exit_2(cli: CLI, web: Server) -> None:
    for args in (
        ["feeds", "add", closed_port_url()],
        ["feeds", "add", web.url("/nothing")],
        ["feeds"],
        ["feeds", "bogus"],
    ):
        run = cli(*args)
        assert run.code == 2, args
        _one_line_error(run.err)
    bad = web.feed("/bad.xml", rss("Soon broken", []))
    assert cli("feeds", "add", bad).code == 0
    web.feed("/bad.xml", "<<not xml at all")
    run = cli("fetch")
    assert run.code == 2  # every feed failed
    assert "Soon broken: not a valid feed" in run.err
    assert "Traceback" not in run.err
