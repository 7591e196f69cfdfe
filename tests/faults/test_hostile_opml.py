"""Hostile and broken OPML files: entity bombs, external entities and DTDs, huge files,
wrong roots, addresses that are not http(s), endless nesting. Each is refused whole with a
one-line reason and exit 2; nothing of it is subscribed and nothing is expanded or read. Text
that gets in (titles, folders) reaches the terminal without control characters."""

from __future__ import annotations

import os
import re
from pathlib import Path

from newsreader.feeds import add_subscription
from newsreader.feeds.opml import MAX_BYTES, MAX_FEEDS
from tests.cli.conftest import CLI
from tests.faults.conftest import FaultRow
from tests.feeds.conftest import rss

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE opml [
 <!ENTITY a "ha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<opml version="1.0"><body>
<outline text="&h;" xmlUrl="https://x.example/feed"/>
</body></opml>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="1.0"><body><outline text="&secret;" xmlUrl="https://x.example/feed"/></body></opml>"""

PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<opml version="1.0"><body><outline text="x" xmlUrl="https://x.example/feed"/></body></opml>"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">
<opml version="1.0"><body><outline text="&undeclared;" xmlUrl="https://x.example/f"/></body></opml>"""


def _body(outlines: str) -> str:
    return f'<?xml version="1.0"?><opml version="1.0"><body>{outlines}</body></opml>'


GOOD = '<outline text="Good" xmlUrl="https://good.example/feed"/>'
BAD_FILES = {
    "billion laughs": (LAUGHS, "declares XML entities"),
    "external entity": (EXTERNAL, "declares XML entities"),
    "parameter entity": (PARAMETER, "declares XML entities"),
    "external DTD": (EXTERNAL_DTD, "refers to an external DTD"),
    "undeclared entity": (
        _body('<outline text="&nope;" xmlUrl="https://x.example/f"/>'),
        "undefined",
    ),
    "not XML": ("<<not xml at all", "not well-formed XML (line 1"),
    "empty": ("", "not well-formed XML"),
    "truncated": (_body(GOOD)[:-20], "not well-formed XML"),
    "an RSS feed": (rss("A feed", [{"title": "x", "link": "https://x"}]), "its root is <rss>"),
    "HTML": ("<html><body><p>hi</p></body></html>", "its root is <html>"),
    "no outlines": (_body(""), "no feeds in it"),
    "folders only": (_body('<outline text="A"><outline text="B"/></outline>'), "no feeds in it"),
    "javascript: address": (
        _body(GOOD + '\n<outline text="x" xmlUrl="javascript:alert(1)"/>'),
        "line 2: not a web address (need http:// or https://): javascript:alert(1)",
    ),
    "file: address": (_body(GOOD + '<outline xmlUrl="file:///etc/passwd"/>'), "file:///etc/passwd"),
    "newsboat exec: feed": (_body(GOOD + '<outline xmlUrl="exec:~/bin/feed.sh"/>'), "exec:"),
    "address with a newline": (_body('<outline xmlUrl="https://a.example/&#10;x"/>'), "spaces"),
    "folders nested without end": ("<opml><body>" + "<outline text='f'>" * 5000, "nested more"),
}


def _feeds_file(user_dirs: Path) -> Path:
    return user_dirs / "data" / "newsreader" / "feeds.json"


def test_hostile_opml_files_are_refused_whole(
    cli: CLI, tmp_path: Path, user_dirs: Path, fault_row: FaultRow
) -> None:
    feeds = _feeds_file(user_dirs)
    add_subscription(feeds, "https://kept.example/feed", "Kept", None)
    kept = feeds.read_bytes()
    cases: dict[str, tuple[Path, str]] = {}
    for n, (case, (doc, message)) in enumerate(sorted(BAD_FILES.items())):
        path = tmp_path / f"bad-{n}.opml"
        path.write_text(doc, encoding="utf-8")
        cases[case] = (path, message)
    huge = tmp_path / "huge.opml"
    with huge.open("wb") as fh:
        fh.write(_body(GOOD).encode())
        fh.truncate(MAX_BYTES + 1)  # sparse: no time spent writing it
    cases["over 16 MB"] = (huge, "too large")
    crowded = tmp_path / "crowded.opml"
    many = "".join(f'<outline xmlUrl="https://f{i}.example/feed"/>\n' for i in range(MAX_FEEDS + 1))
    crowded.write_text(_body(many), encoding="utf-8")  # well under 16 MB
    cases["more feeds than a reader follows"] = (crowded, f"more than {MAX_FEEDS:,} feeds")
    fifo = tmp_path / "fifo.opml"
    os.mkfifo(fifo)  # never waited on for a writer
    cases["a FIFO"] = (fifo, "not a regular file")
    problems = []
    for case, (path, message) in cases.items():
        fault_row.cycles += 1
        run = cli("feeds", "import", str(path))
        if "Traceback" in run.err or run.code == 1:
            fault_row.crashes += 1
        ok = (
            run.code == 2
            and len(run.err.strip().splitlines()) == 1
            and message in run.err
            and "ha" * 20 not in run.err
            and "root:" not in run.err  # /etc/passwd was not read
            and run.out == ""
            and feeds.read_bytes() == kept  # nothing half-imported
        )
        if ok:
            fault_row.recovered += 1
        else:
            problems.append(f"{case}: {run.code} {run.err!r}")
    fault_row.note = (
        "entity bombs, external entities/DTD, 16 MB, 10,001 feeds, bad roots, exec:/file:, nesting"
    )
    assert problems == []


UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_opml_titles_and_folders_are_shown_inert(
    cli: CLI, tmp_path: Path, fault_row: FaultRow
) -> None:
    evil = "Evil \u009b31m \u202eright\u2066 &#x9b;6n"
    path = tmp_path / "evil.opml"
    path.write_text(
        _body(
            f'<outline text="{evil}"><outline text="{evil}" xmlUrl="https://e.example/f"/>'
            "</outline>"
        ),
        encoding="utf-8",
    )
    runs = [
        cli("feeds", "import", str(path)),
        cli("feeds", "list"),
        cli("feeds", "list", "--json"),
        cli("feeds", "export"),
    ]
    for run in runs:
        fault_row.cycles += 1
        assert run.code == 0, run.err
        assert UNSAFE.search(run.out + run.err) is None, run.out
        fault_row.recovered += 1
    assert "in Evil" in runs[1].out
    fault_row.note = "C1 CSI and bidi controls in titles and folders: import, list, --json, export"
