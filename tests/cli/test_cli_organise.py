"""The command line's contract for stars, tags and saved searches: what each command prints
(and as JSON), how the filters of the search language narrow ``search`` and ``list``, and
one line with exit 2 for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.paths import app_paths
from tests.cli.conftest import CLI


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, "utf-8")


@pytest.fixture
def library(user_dirs: Path) -> Path:
    """Three articles in the articles folder: a Markdown file with its own tags, one saved
    from a feed filed under a category, and a plain one."""
    folder = app_paths().data_dir / "articles"
    folder.mkdir(parents=True)
    _write(
        folder,
        "rates.md",
        "---\ntitle: Rates rise\ndate: 2024-05-03\ntags: [Economy, Central Banks]\n---\n\n"
        "The central bank raised interest rates today amid inflation.\n",
    )
    _write(
        folder,
        "council.txt",
        "Council meets\n\nMay 2, 2024\n\nThe council met to discuss inflation and housing.\n",
    )
    _write(folder, "football.txt", "Football\n\nMay 1, 2024\n\nThe match ended in a draw.\n")
    feeds = [{"url": "https://city.example/feed.xml", "title": "City Hall", "category": "Local"}]
    (app_paths().data_dir / "feeds.json").write_text(json.dumps({"version": 1, "feeds": feeds}))
    record = {
        "url": "https://city.example/council",
        "file": "council.txt",
        "title": "Council meets",
        "origin": "feed",
        "saved": "2024-05-02T00:00:00+00:00",
        "feed": "https://city.example/feed.xml",
    }
    (folder / ".sources.jsonl").write_text(json.dumps(record) + "\n")
    return folder


def _ids(rows: list[dict[str, object]]) -> list[object]:
    return [r["id"] for r in rows]


def test_star_toggles_and_shows_in_list_and_show(cli: CLI, library: Path) -> None:
    assert cli("star", "football", library=library).err == "starred football\n"
    rows = cli("list", "--json", library=library).json()
    assert {r["id"]: r["starred"] for r in rows} == {
        "rates": False,
        "council": False,
        "football": True,
    }
    assert _ids(cli("list", "--json", "--starred", library=library).json()) == ["football"]
    assert cli("show", "football", "--json", library=library).json()["starred"] is True
    assert cli("star", "football", library=library).err == "unstarred football\n"
    assert cli("star", "council", "--off", library=library).err == "unstarred council\n"
    assert cli("list", "--json", "--starred", library=library).json() == []


def test_tags_are_added_removed_and_kept_apart_from_the_sources(cli: CLI, library: Path) -> None:
    run = cli("tag", "rates", "+Économie", "+home  office", "-nothing", library=library)
    assert run.code == 0
    assert run.out == "Économie, home office; from its source: Economy, Central Banks\n"
    run = cli("tag", "rates", "-HOME OFFICE", "+économie", library=library)  # any case
    assert run.out == "Économie; from its source: Economy, Central Banks\n"
    shown = cli("show", "rates", "--json", library=library).json()
    assert (shown["tags"], shown["source_tags"]) == (["Économie"], ["Economy", "Central Banks"])
    assert cli("tag", "council", library=library).out == "(no tags); from its source: Local\n"
    cli("tag", "council", "+économie", library=library)
    rows = cli("tags", "--json", library=library).json()
    assert rows == [
        {"name": "Économie", "articles": 2, "source": "user"},
        {"name": "Central Banks", "articles": 1, "source": "article"},
        {"name": "Economy", "articles": 1, "source": "article"},
        {"name": "Local", "articles": 1, "source": "article"},
    ]
    assert cli("tags", library=library).out.splitlines()[0] == "     2  Économie"
    listed = cli("list", "--json", "--tag", "ÉCONOMIE", library=library).json()
    assert _ids(listed) == ["rates", "council"]
    assert _ids(cli("list", "--json", "--tag", "local", library=library).json()) == ["council"]
    run = cli("tag", "football", "+Gaza, north", "+plain", library=library)
    assert run.out == '"Gaza, north", plain\n'  # as the app's tag box reads it back
    assert cli("show", "football", "--json", library=library).json()["tags"] == [
        "Gaza, north",
        "plain",
    ]


def test_filters_combine_with_words_phrases_and_dates(cli: CLI, library: Path) -> None:
    cli("tag", "council", "+watch", library=library)
    cli("star", "rates", library=library)

    def found(*query: str) -> list[object]:
        run = cli("search", "--json", *query, library=library)
        assert run.code == 0, run.err
        return _ids(run.json())

    assert sorted(map(str, found("inflation"))) == ["council", "rates"]
    assert found("inflation", "tag:economy") == ["rates"]  # the file's own tag
    assert found("inflation", "tag:local") == ["council"]  # the feed's category
    assert found("inflation", "tag:watch") == ["council"]  # the user's
    assert found("inflation", "-tag:watch") == ["rates"]
    assert found("inflation", "is:starred") == ["rates"]
    assert found("inflation", "feed:city hall") == []  # unquoted: "hall" is a word
    assert found("inflation", 'feed:"City Hall"') == ["council"]
    assert found("inflation", "feed:https://city.example/feed.xml") == ["council"]
    assert found('"interest rates"', "is:unread") == ["rates"]
    assert found("inflation", "date:2024-05-02", "tag:watch") == ["council"]
    assert found("inflation", "date:2024-05-03", "tag:watch") == []
    assert found("is:starred") == ["rates"]  # filters alone: a list, newest first
    assert found("is:unread", "-is:starred") == ["council", "football"]
    assert found('"tag:watch"') == []  # inside a phrase it is words, not a filter


def test_saved_searches_count_show_and_mark_what_is_new(cli: CLI, library: Path) -> None:
    run = cli("saved", "add", "Money", "inflation", "-housing", library=library)
    assert run.code == 0 and run.err == "saved 'Money': inflation -housing\n"
    cli("saved", "add", "Dated", "inflation OR match", "--sort", "date", library=library)
    rows = cli("saved", "--json", library=library).json()
    assert [(r["name"], r["articles"], r["unread"], r["new"]) for r in rows] == [
        ("Dated", 3, 3, 3),
        ("Money", 1, 1, 1),
    ]
    listed = cli("saved", library=library).out.splitlines()
    assert listed[1].startswith("Money: 1 article, 1 unread")  # one, not "1 articles"
    shown = cli("saved", "show", "dated", "--json", library=library).json()
    assert [(h["id"], h["new"]) for h in shown["hits"]] == [
        ("rates", True),
        ("council", True),
        ("football", True),
    ]
    again = cli("saved", "show", "DATED", "--json", library=library).json()
    assert [h["new"] for h in again["hits"]] == [False, False, False]  # looked at: not new
    _write(library, "late.txt", "Late news\n\nMay 9, 2024\n\nInflation fell in May.\n")
    rows = cli("saved", "--json", library=library).json()
    assert [(r["name"], r["articles"], r["new"]) for r in rows] == [
        ("Dated", 4, 1),
        ("Money", 2, 2),
    ]
    shown = cli("saved", "show", "dated", "--json", library=library).json()
    assert [(h["id"], h["new"]) for h in shown["hits"]] == [
        ("late", True),
        ("rates", False),
        ("council", False),
        ("football", False),
    ]
    assert _ids(cli("list", "--json", "--saved", "money", library=library).json()) == [
        "late",
        "rates",
    ]
    assert cli("saved", "remove", "money", library=library).code == 0
    assert [r["name"] for r in cli("saved", "--json", library=library).json()] == ["Dated"]


def test_a_renamed_or_edited_article_is_not_new_to_a_saved_search(cli: CLI, library: Path) -> None:
    cli("saved", "add", "Money", "inflation", library=library)
    shown = cli("saved", "show", "money", "--json", library=library).json()
    assert {(h["id"], h["new"]) for h in shown["hits"]} == {("rates", True), ("council", True)}
    (library / "council.txt").rename(library / "council-2024.txt")  # moved: same text
    with (library / "rates.md").open("a", encoding="utf-8") as rates:  # edited in place
        rates.write("\nCorrected: the rise was a quarter point.\n")
    shown = cli("saved", "show", "money", "--json", library=library).json()
    assert {(h["id"], h["new"]) for h in shown["hits"]} == {
        ("council-2024", False),
        ("rates", False),
    }
    _write(library, "copy.txt", (library / "council-2024.txt").read_text("utf-8"))
    rows = cli("saved", "--json", library=library).json()
    assert [(r["articles"], r["new"]) for r in rows] == [(3, 0)]  # the same text again


def test_bookmark_export_carries_the_tags(cli: CLI, library: Path) -> None:
    from newsreader.context import build_context
    from newsreader.state import StateStore

    cli("tag", "rates", "+mine", library=library)
    ctx = build_context([library])
    store = StateStore.open(ctx.paths.state_file)
    try:
        scan = ctx.library.scan()
        store.add_bookmark(ctx.library.load(scan.by_id["rates"]), 0, note="n")
    finally:
        store.close()
    [mark] = cli("bookmarks", "--json", library=library).json()
    assert (mark["article_tags"], mark["article_source_tags"]) == (
        ["mine"],
        ["Economy", "Central Banks"],
    )
    markdown = cli("bookmarks", "--markdown", library=library).out
    assert "tags: mine, Economy, Central Banks" in markdown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["star", "nope"], "no article with id 'nope'"),
        (["tag", "rates", "economy"], "say +TAG to add a tag or -TAG to remove one"),
        (["tag", "rates", "+"], "tag name is empty"),
        (["tag", "rates", "+a\x1bb"], "tag name contains a control character"),
        (["search", "x", "is:banana"], "unknown filter is:banana"),
        (["search", "tag:"], "tag: needs a name"),
        (["list", "--tag", " "], "--tag: tag name is empty"),
        (["list", "--saved", "nope"], "no saved search named 'nope'"),
        (["saved", "show", "nope"], "no saved search named 'nope'"),
        (["saved", "remove", "nope"], "no saved search named 'nope'"),
        (["saved", "add", "x\x07", "q"], "saved search name contains a control character"),
        (["saved", "add", "n", "is:nothing"], "unknown filter is:nothing"),
        (["saved", "add", "n", "q", "--sort", "title"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli_process: CLI, library: Path, args: list[str], message: str
) -> None:
    run = cli_process(*args, library=library)
    assert run.code == 2
    assert "Traceback" not in run.err and len(run.err.strip().splitlines()) == 1, run.err
    assert message in run.err
