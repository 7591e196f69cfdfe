"""``feeds import`` and ``feeds export``: OPML from other readers in, ours out, folders as
categories both ways; bad and hostile files refused whole."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from newsreader.errors import UserError
from newsreader.feeds import add_subscription, find_feed, load_subscriptions
from newsreader.feeds.opml import OpmlError, export_opml, read_opml
from tests.cli.conftest import CLI
from tests.feeds.conftest import FAST, Server, rss, story
from tests.feeds.opml_exports import SAMPLES, Expected


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def _write(path: Path, doc: str, base: str = "https://feeds.example.org") -> Path:
    encoding = "latin-1" if 'encoding="ISO-8859-1"' in doc else "utf-8"
    path.write_bytes(doc.replace("{base}", base).encode(encoding))
    return path


def _expected(feeds: Expected, base: str = "https://feeds.example.org") -> Expected:
    return [(url.replace("{base}", base), title, cat) for url, title, cat in feeds]


def _listed(cli: CLI) -> Expected:
    return [(r["url"], r["title"], r["category"]) for r in cli("feeds", "list", "--json").json()]


def _undated(opml: str) -> str:
    """An export without its dateCreated line (two exports may fall in different seconds)."""
    return re.sub(r"<dateCreated>[^<]*</dateCreated>", "<dateCreated/>", opml)


def _feeds_file(user_dirs: Path) -> Path:
    return user_dirs / "data" / "newsreader" / "feeds.json"


@pytest.mark.parametrize("reader", sorted(SAMPLES))
def test_exports_of_other_readers_import_once(
    reader: str, cli: CLI, tmp_path: Path, user_dirs: Path
) -> None:
    doc, feeds = SAMPLES[reader]
    opml = _write(tmp_path / f"{reader}.opml", doc)
    run = cli("feeds", "import", str(opml))
    assert run.code == 0, run.err
    assert _listed(cli) == _expected(feeds)
    assert run.out.splitlines()[-1].startswith(f"imported {len(feeds)} feed")
    if reader == "freshrss":
        assert "skipped Scraped news: a web-scraping source (html+xpath)" in run.err

    kept = _feeds_file(user_dirs).read_bytes()
    again = cli("feeds", "import", str(opml))
    assert again.code == 0 and again.out == ""
    assert "nothing to import" in again.err and "already subscribed" in again.err
    assert _feeds_file(user_dirs).read_bytes() == kept


def test_feeds_list_shows_the_category(cli: CLI, tmp_path: Path) -> None:
    doc, _feeds = SAMPLES["inoreader"]
    assert cli("feeds", "import", str(_write(tmp_path / "i.opml", doc))).code == 0
    lines = cli("feeds", "list").out.splitlines()
    assert lines[0].endswith("[never fetched]  in News")
    assert lines[1].endswith("in News/Europe")
    assert lines[2].endswith("[never fetched]")  # top level: no category


def test_round_trip_keeps_folders_and_odd_names(cli: CLI, tmp_path: Path, user_dirs: Path) -> None:
    feeds = _feeds_file(user_dirs)
    add_subscription(feeds, "https://a.example/rss?x=1&y=2", 'Quotes "<&>" \u2019', "News/Europe")
    add_subscription(feeds, "https://b.example/feed", None, None)
    add_subscription(feeds, "https://c.example/feed", "Tab\there", "News")
    add_subscription(feeds, "https://d.example/feed", "Deep", "Über/Ünter/Ganz unten")
    before = _listed(cli)

    out = tmp_path / "out.opml"
    run = cli("feeds", "export", str(out))
    assert run.code == 0 and run.err == f"exported 4 feeds to {out}\n"
    written = _undated(out.read_text(encoding="utf-8"))
    assert _undated(cli("feeds", "export").out) == written  # stdout: the same
    assert _undated(cli("feeds", "export", "-").out) == written

    feeds.unlink()
    assert cli("feeds", "import", str(out)).code == 0
    after = _listed(cli)
    # each folder where its first feed was: the News feeds come together
    assert [u for u, _t, _c in after] == [before[i][0] for i in (0, 2, 1, 3)]
    # an untitled feed is exported with its address as text (readers need a text)
    assert sorted(after) == sorted(
        (u, u if u == "https://b.example/feed" else t, c) for u, t, c in before
    )
    assert after[1][1] == "Tab here"


def test_export_with_no_feeds_is_a_valid_empty_list(cli: CLI) -> None:
    run = cli("feeds", "export")
    assert run.code == 0 and "<body>" in run.out
    with pytest.raises(OpmlError, match="no feeds"):
        read_opml(run.out.encode())


def test_export_never_replaces_the_feeds_file_or_a_fifo(
    cli: CLI, tmp_path: Path, user_dirs: Path
) -> None:
    feeds = _feeds_file(user_dirs)
    add_subscription(feeds, "https://a.example/rss", "A", None)
    kept = feeds.read_bytes()
    run = cli("feeds", "export", str(feeds))
    assert run.code == 2
    _one_line_error(run.err)
    assert feeds.read_bytes() == kept
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    run = cli("feeds", "export", str(fifo))
    assert run.code == 2 and "FIFO" in run.err
    _one_line_error(run.err)


def _body(outlines: str) -> str:
    return f'<?xml version="1.0"?><opml version="1.0"><body>{outlines}</body></opml>'


GOOD = '<outline text="Good" xmlUrl="https://good.example/feed"/>'


def test_missing_file_fifo_and_stdin(cli: CLI, tmp_path: Path) -> None:
    run = cli("feeds", "import", str(tmp_path / "nope.opml"))
    assert run.code == 2
    _one_line_error(run.err)
    fifo = tmp_path / "fifo.opml"
    os.mkfifo(fifo)
    run = cli("feeds", "import", str(fifo))  # never waits for a writer
    assert run.code == 2 and "not a regular file" in run.err
    run = cli("feeds", "import", "-", stdin=_body(GOOD))
    assert run.code == 0 and run.out.startswith("subscribed: Good <https://good.example/feed>")


def test_feeds_add_of_an_opml_file_imports_it(cli: CLI, tmp_path: Path) -> None:
    doc, feeds = SAMPLES["feedly"]
    path = _write(tmp_path / "subscriptions.opml", doc)
    run = cli("feeds", "add", str(path))
    assert run.code == 0, run.err
    assert _listed(cli) == _expected(feeds)
    other = tmp_path / "notes.txt"
    other.write_text("just some notes\n")
    run = cli("feeds", "add", str(other))
    assert run.code == 2 and "not a feed address" in run.err and "OPML" in run.err
    _one_line_error(run.err)


def test_feeds_add_of_an_address_serving_opml_imports_it(cli: CLI, web: Server) -> None:
    doc, feeds = SAMPLES["inoreader"]
    url = web.page("/subscriptions.opml", doc.replace("{base}", web.base), content_type="text/xml")
    run = cli("feeds", "add", url)
    assert run.code == 0, run.err
    assert _listed(cli) == _expected(feeds, web.base)
    # callers that only add feeds (the app) get a one-line reason, like any bad address
    with pytest.raises(UserError, match=r"a list of feeds \(OPML\), not a feed; import it"):
        find_feed(url, FAST)


def test_imported_feeds_fetch_and_their_articles_know_their_feed(
    cli: CLI, web: Server, tmp_path: Path
) -> None:
    body = "".join(f"<p>{p}</p>" for p in story(7))
    feed = web.feed(
        "/wire.xml", rss("Wire", [{"title": "Wired story", "link": web.url("/s"), "content": body}])
    )
    opml = tmp_path / "list.opml"
    opml.write_text(
        _body(f'<outline text="World"><outline text="Wire" xmlUrl="{feed}"/></outline>')
    )
    assert cli("feeds", "import", str(opml)).code == 0
    run = cli("fetch")
    assert run.code == 0 and run.out.splitlines()[0] == "Wire: 1 new", run.err
    row = next(r for r in cli("list", "--json").json() if r["title"] == "Wired story")
    assert cli("show", row["id"], "--json").json()["feed"] == feed


def test_export_is_what_other_readers_expect() -> None:
    from newsreader.feeds import Subscription

    text = export_opml(
        [
            Subscription("https://a.example/feed", "A", category="News"),
            Subscription("https://b.example/feed", "B"),
        ]
    )
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert '<outline text="News" title="News">' in text
    assert '<outline type="rss" text="A" title="A" xmlUrl="https://a.example/feed"/>' in text
    parsed = read_opml(text.encode())
    assert [(f.url, f.category) for f in parsed.feeds] == [
        ("https://a.example/feed", "News"),
        ("https://b.example/feed", None),
    ]


def test_load_after_import_is_the_whole_list(tmp_path: Path) -> None:
    from newsreader.feeds.opml import import_opml

    feeds = tmp_path / "feeds.json"
    outlines = "".join(
        f'<outline text="F{i}" xmlUrl="https://x.example/{i}"/>' for i in range(2000)
    )
    report = import_opml(feeds, read_opml(_body(outlines).encode()))
    assert len(report.added) == 2000 and report.already == 0
    assert len(load_subscriptions(feeds)) == 2000


def test_the_web_site_of_each_feed_goes_out_and_comes_back(
    cli: CLI, tmp_path: Path, user_dirs: Path
) -> None:
    doc = _body(
        '<outline text="A" xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/>'
        '<outline text="B" xmlUrl="https://b.example/feed" htmlUrl=""/>'
        '<outline text="C" xmlUrl="https://c.example/feed" htmlUrl="javascript:alert(1)"/>'
    )
    assert cli("feeds", "import", "-", stdin=doc).code == 0
    sites = {r["url"]: r["site"] for r in cli("feeds", "list", "--json").json()}
    assert sites == {
        "https://a.example/feed": "https://a.example/",
        "https://b.example/feed": None,
        "https://c.example/feed": None,  # not a web address: left out, the feed kept
    }
    out = cli("feeds", "export").out
    assert 'xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/>' in out
    assert out.count("htmlUrl") == 1
    _feeds_file(user_dirs).unlink()
    assert cli("feeds", "import", "-", stdin=out).code == 0
    assert {r["url"]: r["site"] for r in cli("feeds", "list", "--json").json()} == sites
