"""Markdown articles become plain paragraphs (what is indexed and shown) plus their shape:
headings, lists, quotes, code, emphasis and links, as saved by real tools."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from newsreader.library.article import Article
from newsreader.library.blocks import BlockKind, SpanStyle, shown_text
from newsreader.library.parse import MARKDOWN_MAX_CHARS, parse_bytes

OBSIDIAN = """---
title: "Ceasefire talks: what we know"
date: 2024-05-07
tags: [gaza, diplomacy]
aliases:
  - talks
---

# Ceasefire talks: what we know

**CAIRO** — Negotiators met on *Tuesday* for a _second_ day of talks, according to
[Reuters](https://www.reuters.com/world/ "Reuters world news") and [the AP][ap].

![A delegation arrives](https://example.org/img/arrive.jpg "Arrival")

## Key points

- Hostage releases in **three phases**
  - first phase: 33 people
  - second phase: *to be agreed*
- A pause of `42 days`

1. Israel's position
2. Hamas's position
   which continues here

> "We are closer than ever," a mediator said.
> > Nested: see [the statement](javascript:alert(1)).

```python
def total(days):
    return days * 600

print(total(42))
```

<div class="callout">Read <b>more</b> &amp; <a href="https://x.org">here</a></div>
<!-- a comment nobody should see -->

Line one\\
Line two after a hard break.

[ap]: https://apnews.com/ "AP"
"""

PANDOC = """% Storm closes schools
% Reporter

Storm closes schools
====================

2024-01-02

Heavy rain closed *every* school in the district on __Monday__.

Officials said:

3. roads were flooded;
4. power was cut
   in two towns.

Then:

    indented code block
    second line

***

A footnote-style link <https://example.org/storm> and a bare http://example.org.
"""

CLIPPER = """# Markets rally after rate decision

Source: [Example News](https://news.example.com/markets?id=1&ref=rss)

Stocks rose on Thursday.<br>Bonds fell.

* Item with a [link](https://a.example "Title") and ~~old price~~ new price
    * deeper, with \\*literal stars\\*
        * deepest

<script>alert("no")</script>

| Index | Change |
|-------|--------|
| FTSE  | +1.2%  |
| DAX   | +0.8%  |
"""


def parse(text: str, name: str = "a.md") -> Article:
    return parse_bytes(text.encode("utf-8"), Path(name), name.split(".")[0])


def spans_of(article: Article, index: int) -> list[tuple[str, str, str | None]]:
    text = article.paragraphs[index]
    return [(text[s.start : s.end], s.style.value, s.url) for s in article.blocks[index].spans]


def test_obsidian_note() -> None:
    art = parse(OBSIDIAN)
    assert art.title == "Ceasefire talks: what we know"  # front matter, heading not twice
    assert art.date == date(2024, 5, 7)
    assert art.dateline == "CAIRO"
    p = art.paragraphs
    assert p[0] == (
        "CAIRO — Negotiators met on Tuesday for a second day of talks, "
        "according to Reuters and the AP."
    )
    assert spans_of(art, 0) == [
        ("CAIRO", "bold", None),
        ("Tuesday", "italic", None),
        ("second", "italic", None),
        ("Reuters", "link", "https://www.reuters.com/world/"),
        ("the AP", "link", "https://apnews.com/"),  # a reference link
    ]
    assert p[1] == "[A delegation arrives]"
    assert spans_of(art, 1) == [
        ("[A delegation arrives]", "image", "https://example.org/img/arrive.jpg")
    ]
    assert (p[2], art.blocks[2].kind, art.blocks[2].level) == ("Key points", BlockKind.HEADING, 2)
    items = p[3:6]
    assert items == (
        "• Hostage releases in three phases",
        "◦ first phase: 33 people",
        "◦ second phase: to be agreed",
    )
    assert [(b.indent, b.hang) for b in art.blocks[3:6]] == [(0, 2), (2, 2), (2, 2)]
    assert [b.gap for b in art.blocks[3:7]] == [True, False, False, False]  # a tight list
    assert spans_of(art, 6) == [("42 days", "code", None)]
    assert p[7:9] == ("1. Israel's position", "2. Hamas's position which continues here")
    assert art.blocks[7].gap and art.blocks[7].hang == 3  # a new list after the bullets
    assert (p[9], art.blocks[9].quote) == ('"We are closer than ever," a mediator said.', 1)
    assert art.blocks[10].quote == 2
    assert p[10] == "Nested: see the statement."
    assert not art.blocks[10].spans  # a javascript: address never becomes a link
    assert p[11] == "def total(days):\n    return days * 600"
    assert p[12] == "print(total(42))"
    assert art.blocks[11].kind is BlockKind.CODE
    assert p[13] == "Read more & here"  # HTML: the words, not the tags
    assert "comment" not in " ".join(p)
    assert p[14] == "Line one\nLine two after a hard break."
    assert len(p) == 15
    for text in p:  # no markup left anywhere
        assert "**" not in text and "](" not in text and "<" not in text and "`" not in text


def test_pandoc_document() -> None:
    art = parse(PANDOC)
    assert art.title == "Storm closes schools"  # the title block; the heading not twice
    assert art.date == date(2024, 1, 2)
    p = art.paragraphs
    assert p[0] == "Heavy rain closed every school in the district on Monday."
    assert spans_of(art, 0) == [("every", "italic", None), ("Monday", "bold", None)]
    assert p[2:4] == ("3. roads were flooded;", "4. power was cut in two towns.")
    assert p[4] == "Then:"
    assert p[5] == "indented code block\nsecond line"
    assert art.blocks[5].kind is BlockKind.CODE
    assert p[6] == "A footnote-style link https://example.org/storm and a bare http://example.org."
    assert spans_of(art, 6) == [("https://example.org/storm", "link", "https://example.org/storm")]


def test_web_clipper_page() -> None:
    art = parse(CLIPPER)
    p = art.paragraphs
    assert art.title == "Markets rally after rate decision"
    assert p[0] == "Source: Example News"
    assert spans_of(art, 0) == [
        ("Example News", "link", "https://news.example.com/markets?id=1&ref=rss")
    ]
    assert p[1] == "Stocks rose on Thursday.\nBonds fell."
    assert p[2] == "• Item with a link and old price new price"
    assert ("old price", "strike", None) in spans_of(art, 2)
    assert p[3] == "◦ deeper, with *literal stars*" and art.blocks[3].indent == 2
    assert p[4] == "▪ deepest" and art.blocks[4].indent == 4
    assert "alert" not in " ".join(p)  # script content is not text
    assert p[5:] == ("Index │ Change", "FTSE │ +1.2%", "DAX │ +0.8%")
    assert [s[1] for s in spans_of(art, 5)] == ["bold", "bold"]
    assert [b.gap for b in art.blocks[5:]] == [True, False, False]


def test_escapes_in_entities_and_urls_are_inert() -> None:
    art = parse("# T\n\nA [x](https://e.org/\x1b]52;c;QQ==\x07) &#27;[31m and &#x9b;2J text.\n")
    for text in art.paragraphs:
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    for block in art.blocks:
        for span in block.spans:
            assert span.url is None or not any(ord(c) < 32 for c in span.url)


def test_plain_text_files_are_not_rendered() -> None:
    art = parse("Title\n\nSome **bold** and [a](https://x.org).\n", "a.txt")
    assert art.paragraphs == ("Some **bold** and [a](https://x.org).",)
    assert art.blocks == ()


def test_a_huge_markdown_file_is_read_plain() -> None:
    body = "Some *words* here and there.\n\n" * (MARKDOWN_MAX_CHARS // 25)
    art = parse("# Big\n\n" + body)
    assert art.title == "Big" and art.paragraphs[0] == "Some *words* here and there."
    assert art.blocks == ()


def test_shown_text_keeps_lists_and_quotes() -> None:
    art = parse(OBSIDIAN)
    text = shown_text(art.paragraphs, art.blocks)
    assert "• Hostage releases in three phases\n  ◦ first phase: 33 people\n" in text
    assert '│ "We are closer than ever,"' in text
    assert "  def total(days):\n      return days * 600" in text
    assert SpanStyle.LINK.value == "link"
