"""Parsing: the seed format exactly, and every variant a real library holds."""

from __future__ import annotations

import codecs
import contextlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.library import ParseError, parse_bytes, parse_file
from newsreader.library.dates import parse_date
from newsreader.library.parse import derive_title
from tests.conftest import SEED

SEED_TITLE = "Hamas to Continue Truce Talks Despite Israel’s Rafah Evacuation Orders"


def test_seed_parses_exactly() -> None:
    art = parse_file(SEED, "seed")
    assert art.title == SEED_TITLE
    assert art.date == date(2024, 5, 6)
    assert art.dateline == "GAZA"
    assert len(art.paragraphs) == 8
    assert art.paragraphs[0].startswith("GAZA: A Hamas spokesman said on Monday")
    assert art.paragraphs[-1].startswith("Accusations have been exchanged")
    assert not any("icon-" in p for p in art.paragraphs)
    assert "Israel’s" in art.paragraphs[0]  # curly apostrophe kept as written
    assert art.size == SEED.stat().st_size
    assert len(art.content_hash) == 32


def _article(body: str, name: str = "a.txt") -> tuple[bytes, Path]:
    return body.encode("utf-8"), Path(name)


def test_crlf_bom_and_cr_only_give_the_same_article() -> None:
    raw = SEED.read_bytes()
    lf = parse_bytes(raw, SEED, "x")
    crlf = parse_bytes(codecs.BOM_UTF8 + raw.replace(b"\n", b"\r\n"), SEED, "x")
    cr = parse_bytes(raw.replace(b"\n", b"\r"), SEED, "x")
    for other in (crlf, cr):
        assert (other.title, other.date, other.dateline, other.paragraphs) == (
            lf.title,
            lf.date,
            lf.dateline,
            lf.paragraphs,
        )


def test_latin1_and_cp1252_fall_back() -> None:
    text = (
        "Caf\u00e9 owners protest\n\nMon May 06 2024\n\n"
        "PARIS: The caf\u00e9\u2019s owners said\u2026 so.\n"
    )
    art = parse_bytes(text.encode("cp1252"), Path("x.txt"), "x")
    assert art.title == "Café owners protest"
    assert "café’s" in art.paragraphs[0]
    assert art.dateline == "PARIS"


def test_utf16_with_bom() -> None:
    text = "Title here\n\nBody paragraph one is here.\n"
    art = parse_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), Path("x.txt"), "x")
    assert art.title == "Title here"
    assert art.paragraphs == ("Body paragraph one is here.",)


def test_noise_line_stripped_anywhere_and_hard_wrapped_lines_joined() -> None:
    body = (
        "A title\n\nicon-facebook icon-twitter icon-whatsapp\n\n"
        "First line of a paragraph\nthat was hard wrapped.\n\n"
        "icon-facebook icon-twitter icon-whatsapp\n\nSecond.\n\n"
        "icon-facebook icon-twitter icon-whatsapp"
    )
    art = parse_bytes(*_article(body), "x")
    assert art.paragraphs == ("First line of a paragraph that was hard wrapped.", "Second.")
    assert art.date is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon May 06 2024", date(2024, 5, 6)),
        ("2024-05-06", date(2024, 5, 6)),
        ("2024-05-06T10:11:12Z", date(2024, 5, 6)),
        ("May 6, 2024", date(2024, 5, 6)),
        ("6 May 2024", date(2024, 5, 6)),
        ("Monday, May 6th, 2024", date(2024, 5, 6)),
        ("Mon, 06 May 2024 10:00:00 +0000", date(2024, 5, 6)),
        ("September 30, 2023", date(2023, 9, 30)),
        ("Feb 30 2024", None),
        ("2024-13-45", None),
        ("not a date", None),
        ("The 2024 election", None),
        ("", None),
    ],
)
def test_date_forms(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_date_in_other_forms_inside_article() -> None:
    art = parse_bytes(*_article("Budget passes\n\nMay 6, 2024\n\nLONDON — MPs voted.\n"), "x")
    assert art.date == date(2024, 5, 6)
    assert art.dateline == "LONDON"


def test_markdown_title_and_front_matter() -> None:
    md = (
        "# Storm hits the coast\n\n2024-01-02\n\nWinds of *100 km/h* were measured.\n\n"
        "## Aftermath\n\nRoads closed.\n"
    )
    art = parse_bytes(md.encode(), Path("storm.md"), "storm")
    assert art.title == "Storm hits the coast"
    assert art.date == date(2024, 1, 2)
    # The markup is rendered: plain words, with the emphasis and the heading in the blocks.
    assert art.paragraphs == ("Winds of 100 km/h were measured.", "Aftermath", "Roads closed.")
    assert [b.kind.value for b in art.blocks] == ["paragraph", "heading", "paragraph"]
    [italic] = art.blocks[0].spans
    assert art.paragraphs[0][italic.start : italic.end] == "100 km/h"

    fm = '---\ntitle: "Front matter title"\ndate: 2023-03-04\ntags: [a]\n---\n# Heading\n\nBody.\n'
    art = parse_bytes(fm.encode(), Path("fm.md"), "fm")
    assert art.title == "Front matter title"
    assert art.date == date(2023, 3, 4)
    assert art.paragraphs == ("Heading", "Body.")


def test_plain_text_without_title_derives_one() -> None:
    body = (
        "The city council voted late on Tuesday to approve a sweeping plan that reshapes how "
        "buses run through the old town. Critics said it was rushed.\n\nSecond paragraph."
    )
    art = parse_bytes(*_article(body), "x")
    assert art.title.endswith("…")
    assert len(art.title) <= 81
    assert art.title.startswith("The city council voted late on Tuesday")
    assert " " not in art.title[-2:]  # cut on a word boundary
    assert len(art.paragraphs) == 2  # the first paragraph is kept as body


def test_derive_title_short_sentence() -> None:
    assert derive_title("Rain fell. Then it stopped.") == "Rain fell"


def test_control_characters_and_escapes_are_removed() -> None:
    body = (
        "Evil \x1b[31mred\x1b[0m title\x07\n\n"
        "Body with \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ and \u202etext.\n"
    )
    art = parse_bytes(*_article(body), "x")
    assert art.title == "Evil red title"
    assert "\x1b" not in art.paragraphs[0] and "\u202e" not in art.paragraphs[0]
    assert art.paragraphs[0] == "Body with link and text."


def test_nfc_normalization() -> None:
    art = parse_bytes(*_article("Cafe\u0301 news\n\nBody.\n"), "x")
    assert art.title == "Caf\u00e9 news"


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"  \n\n\t ", "empty file"), (b"\x00\x01\x02binary\x00", "binary file")],
)
def test_junk_is_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_bytes(data, Path("j.txt"), "j")


def test_size_cap(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"Title\n\n" + b"word " * 3000)
    with pytest.raises(ParseError, match="too large"):
        parse_file(big, "big", max_bytes=1000)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.binary(max_size=4096), md=st.booleans())
def test_arbitrary_bytes_never_raise_anything_but_parse_error(data: bytes, md: bool) -> None:
    path = Path("f.md" if md else "f.txt")
    try:
        art = parse_bytes(data, path, "f")
    except ParseError as exc:
        assert str(exc)
        return
    assert art.title
    for text in (art.title, *art.paragraphs):
        # Markdown code and hard line breaks keep their line breaks, never a blank line.
        allowed = "\t\n" if md else "\t"
        assert not any(ord(c) < 32 and c not in allowed for c in text)
        assert "\n\n" not in text and not text.startswith("\n")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_bytes(text.encode("utf-8", "surrogatepass"), Path("t.txt"), "t")
