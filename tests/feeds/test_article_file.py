"""Saved articles are seed-format files that newsreader's own parser reads back exactly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsreader.feeds.article_file import (
    ArticleDraft,
    format_article,
    format_date,
    looks_like_article,
    prepare,
    slug,
)
from newsreader.library import Article, parse_bytes, parse_file

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_ccd60dcd14a62a27.txt"


def _round_trip(draft: ArticleDraft, tmp_path: Path) -> tuple[ArticleDraft, Article]:
    ready = prepare(draft)
    path = tmp_path / "a.txt"
    path.write_text(format_article(ready), "utf-8")
    return ready, parse_file(path, "a")


def test_seed_article_round_trips(tmp_path: Path) -> None:
    seed = parse_file(SEED, "seed")
    draft = ArticleDraft(seed.title, seed.date, seed.paragraphs)
    _ready, back = _round_trip(draft, tmp_path)
    assert (back.title, back.date, back.paragraphs, back.dateline) == (
        seed.title,
        seed.date,
        seed.paragraphs,
        "GAZA",
    )
    text = (tmp_path / "a.txt").read_text("utf-8")
    assert text.startswith(f"{seed.title}\n\nMon May 06 2024\n\nGAZA: ")
    assert "icon-" not in text


def test_date_is_english_whatever_the_locale() -> None:
    assert format_date(date(2024, 5, 6)) == "Mon May 06 2024"
    assert format_date(date(1999, 12, 31)) == "Fri Dec 31 1999"


def test_no_date_no_date_line_and_title_still_found(tmp_path: Path) -> None:
    draft = ArticleDraft("A quiet day", None, ("Nothing much happened today in the town.",))
    _ready, back = _round_trip(draft, tmp_path)
    assert back.title == "A quiet day" and back.date is None
    assert back.paragraphs == ("Nothing much happened today in the town.",)


def test_date_only_paragraph_becomes_the_date_not_text(tmp_path: Path) -> None:
    draft = ArticleDraft("Title", None, ("May 7, 2024", "The body text of the story."))
    _ready, back = _round_trip(draft, tmp_path)
    assert back.date == date(2024, 5, 7)
    assert back.paragraphs == ("The body text of the story.",)


def test_repeated_headline_and_wordpress_footer_are_dropped() -> None:
    ready = prepare(
        ArticleDraft(
            "Big news.",
            date(2024, 1, 2),
            (
                "Big news",
                "Body of the article here.",
                "The post Big news appeared first on Example Blog.",
            ),
        )
    )
    assert ready.title == "Big news"
    assert ready.paragraphs == ("Body of the article here.",)


def test_long_or_missing_title(tmp_path: Path) -> None:
    long_title = "Officials say. " * 20
    ready, back = _round_trip(ArticleDraft(long_title, None, ("Body text here.",)), tmp_path)
    assert len(ready.title) <= 120 and ready.title.endswith("…")
    assert back.title == ready.title
    ready = prepare(ArticleDraft("  ", None, ("First sentence here. Second one.",)))
    assert ready.title == "First sentence here"


def test_control_characters_and_markup_like_text_are_kept_safe(tmp_path: Path) -> None:
    draft = ArticleDraft("Title \x1b[31mred", None, ("[bold]not markup[/bold] \x07 text",))
    _ready, back = _round_trip(draft, tmp_path)
    assert back.title == "Title red"
    assert back.paragraphs == ("[bold]not markup[/bold] text",)


_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
    min_size=1,
    max_size=150,
)


@settings(max_examples=150, deadline=None)
@example(title=".", day=None, paragraphs=["."])  # found by hypothesis: an empty title line
@given(
    title=_line,
    day=st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2100, 1, 1))),
    paragraphs=st.lists(_line, min_size=1, max_size=6),
)
def test_any_prepared_draft_parses_back_to_itself(
    title: str, day: date | None, paragraphs: list[str]
) -> None:
    ready = prepare(ArticleDraft(title, day, tuple(paragraphs)))
    back = parse_bytes(format_article(ready).encode("utf-8"), Path("x.txt"), "x")
    assert back.title == ready.title
    assert back.date == ready.date
    assert back.paragraphs == ready.paragraphs


def test_slug_is_readable_ascii() -> None:
    assert slug("Hamas to Continue Truce Talks Despite Israel’s Rafah Evacuation") == (
        "hamas-to-continue-truce-talks-despite-israels-rafah"
    )
    assert slug("Germany's past") == "germanys-past"
    assert slug("Émile Zola à Paris") == "emile-zola-a-paris"
    assert slug("中文标题") == ""


def test_prose_versus_link_lists() -> None:
    assert looks_like_article(
        ["Officials said on Monday that the talks would go on next week. They gave no reason."]
    )
    assert not looks_like_article([f"Link number {i} to a story" for i in range(40)])
    assert not looks_like_article(["Sign in", "Password", "Forgot your password?"])
