"""The reader's layout and the list's rows, without a terminal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from newsreader.library import Article, ArticleSummary
from newsreader.search.results import MatchSpan
from newsreader.state.models import ReadingState
from newsreader.tui.page import (
    LineKind,
    body_spans,
    dateline_span,
    lay_out,
    reveal,
    text_geometry,
    wrap_offsets,
)
from newsreader.tui.rows import ArticleRows

from .conftest import FILLER


def article(*paragraphs: str, title: str = "A title", dateline: str | None = None) -> Article:
    return Article("a", Path("a.txt"), title, date(2024, 5, 6), dateline, paragraphs, 1, 1, "h")


PIECES = st.sampled_from(["a", "bb", " ", "漢", "ü", "  ", "x" * 30, "\u00a0"])


@given(st.lists(PIECES, max_size=80).map("".join), st.integers(min_value=1, max_value=50))
def test_wrap_covers_the_text_in_order_and_fits(text: str, width: int) -> None:
    ranges = wrap_offsets(text, width)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(text)
    for (_, end), (start, _) in pairwise(ranges):
        assert end == start  # nothing lost, nothing repeated
    for start, end in ranges:
        assert cell_len(text[start:end].rstrip()) <= max(width, 2)  # a wide char may overhang 1


def test_layout_centres_a_readable_column() -> None:
    assert text_geometry(200) == (84, 56)  # wide terminal: 84 columns, centred
    text_width, left = text_geometry(70)
    assert text_width == 65 and left >= 1
    page = lay_out(article("word " * 100, "second"), 80)
    body = [ln for ln in page.lines if ln.kind is LineKind.BODY]
    assert page.line_count == (len(body) - 1, 1)
    assert all(ln.end - ln.start <= page.text_width + 1 for ln in body)
    assert page.lines[1].kind is LineKind.TITLE and page.lines[2].kind is LineKind.META


def test_paragraph_geometry_and_cursor_follow() -> None:
    page = lay_out(article(*["word " * 60] * 6), 60)
    third = page.first_line[2]
    assert page.paragraph_at(third) == 2 and page.paragraph_at(0) == -1
    assert page.line_of(2, page.lines[third + 1].start) == third + 1
    assert page.offset_at(third + 1, 2) == page.lines[third + 1].start
    assert page.offset_at(third + 1, 1) == 0
    # Scrolled past the cursor paragraph: it moves to the first paragraph in view.
    assert page.follow(0, third, third + 10) == 2
    assert page.follow(5, 0, 10) == page.paragraph_at(10)
    assert page.follow(2, third - 1, third + 3) == 2  # in view: stays


def test_reveal_scrolls_the_least() -> None:
    assert reveal(10, 14, 0, 20) is None
    assert reveal(30, 34, 0, 20) == 15  # to the bottom, a line to spare: 15..35
    assert reveal(2, 5, 10, 30) == 1  # top with a line of context
    assert reveal(30, 80, 0, 20) == 29  # too tall: its start wins


def test_empty_and_title_only_articles_lay_out() -> None:
    page = lay_out(article(), 80)
    assert page.first_line == () and page.follow(0, 0, 10) == 0
    assert page.line_of(0) == 0


def test_spans_for_dateline_and_matches_clip_to_the_line() -> None:
    a = article("GAZA: A ceasefire, then another ceasefire was agreed.", dateline="GAZA")
    assert dateline_span(a) == (0, 5)
    page = lay_out(a, 30)  # 25 columns: "GAZA: A ceasefire, then " | "another ceasefire was"
    first, second = [ln for ln in page.lines if ln.kind is LineKind.BODY][:2]
    assert second.start == 24
    matches = (MatchSpan(0, 8, 17), MatchSpan(0, 32, 41))
    spans = body_spans(first, (0, 5), matches, [0, 1], current=1)
    assert spans == [(0, 5, "reader--dateline"), (8, 17, "reader--match")]
    later = body_spans(second, None, matches, [0, 1], current=1)
    assert later == [(32 - 24, 41 - 24, "reader--match-current")]


def summary(i: int) -> ArticleSummary:
    return ArticleSummary(
        f"a{i}",
        Path(f"a{i}.txt"),
        f"Title {i} about ceasefire talks",
        date(2024, 1, 1),
        None,
        1,
        1,
        str(i),
    )


def test_rows_counts_filter_and_title_lookup() -> None:
    rows = ArticleRows()
    rows.set_articles(tuple(summary(i) for i in range(5)))
    rows.set_states({"a1": ReadingState("a1", read=True), "ghost": ReadingState("ghost", True)})
    assert (rows.total, rows.unread) == (5, 4)  # states of vanished articles do not count
    assert [a.id for a in rows.set_read(["a1", "a2"], True)] == ["a2"]
    assert rows.unread == 3
    assert rows.toggle_filter() and [r.id for r in rows.rows] == ["a0", "a3", "a4"]
    rows.update_state(replace(rows.states["a2"], read=False))
    rows.refilter()
    assert [r.id for r in rows.rows] == ["a0", "a2", "a3", "a4"] and rows.unread == 4
    assert rows.index_of("a3") == 2 and rows.index_of("a1") is None
    assert [a.id for a in rows.titles_matching("TITLE 3 cease", 5)] == ["a3"]
    assert len(rows.titles_matching("ceasefire", 2)) == 2


def test_a_view_anchor_gives_the_same_top_line_back_for_every_top_and_cursor_in_view() -> None:
    words = FILLER[:12]
    paragraphs = [" ".join(words[: 3 + (i * 7) % len(words)] * (1 + i % 4)) for i in range(12)]
    story = article(*paragraphs)
    for width in (40, 57, 80, 120):
        page = lay_out(story, width)
        height = 15
        for top in range(len(page.lines) - 1):
            in_view = [
                p
                for p in range(len(paragraphs))
                if page.first_line[p] <= top + height - 1 and page.last_line(p) >= top
            ]
            for cursor in in_view:
                paragraph, offset = page.view_anchor(top, cursor)
                assert paragraph == cursor
                assert page.top_of(paragraph, offset) == top, (width, top, cursor)


def test_progress_is_by_characters_so_a_resize_barely_moves_it() -> None:
    words = FILLER[:12]
    story = article(*[" ".join(words * (2 + i % 3)) for i in range(20)])
    wide, narrow = lay_out(story, 120), lay_out(story, 50)
    for paragraph in range(0, 20, 3):
        top = wide.first_line[paragraph] + 1
        anchor = wide.view_anchor(top, paragraph)
        narrow_top = narrow.top_of(*anchor)
        assert abs(wide.progress_at(top, False) - narrow.progress_at(narrow_top, False)) <= 1


def test_the_top_of_an_article_stays_the_top_at_any_width() -> None:
    story = article(
        "First paragraph here.",
        "Second one.",
        "Third one.",
        title="A long title that wraps onto more lines when the reader is narrow",
    )
    wide, narrow = lay_out(story, 120), lay_out(story, 30)
    assert narrow.first_line[0] > wide.first_line[0]  # the title takes more lines
    for cursor in range(3):
        assert narrow.top_of(*wide.view_anchor(0, cursor)) == 0
        assert wide.top_of(*narrow.view_anchor(0, cursor)) == 0
