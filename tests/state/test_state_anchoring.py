"""Bookmarks re-attach to the same passage after the article text changes, and become
orphaned (kept, with their quote) when the passage cannot be found with confidence."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from newsreader.library import Article, Library, parse_file
from newsreader.state import Anchor, StateStore
from newsreader.state.anchoring import Passage, capture, locate

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_ccd60dcd14a62a27.txt"
QUOTE = "This action precedes a long-anticipated ground invasion of the southern Gaza city."


@pytest.fixture
def paragraphs() -> list[str]:
    return list(parse_file(SEED, "seed").paragraphs)


def _passage(paragraphs: list[str], quote: str = QUOTE) -> Passage:
    index = next(i for i, p in enumerate(paragraphs) if quote in p)
    start = paragraphs[index].index(quote)
    return capture(paragraphs, index, start, start + len(quote))


def _text(paragraphs: list[str], anchor: Anchor) -> str:
    pieces = anchor.pieces or ((anchor.paragraph, anchor.start, anchor.end),)
    return " ".join(paragraphs[p][s:e] for p, s, e in pieces)


def test_unchanged_text_is_an_exact_match(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    found = locate(paragraphs, passage)
    assert found is not None
    assert (found.paragraph, found.start, found.end) == (3, passage.start, passage.end)
    assert found.confidence == 1.0


def test_edit_before_the_passage(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    paragraphs.insert(1, "Update: this story has been corrected.")
    paragraphs[4] = "Meanwhile, " + paragraphs[4]
    found = locate(paragraphs, passage)
    assert found is not None and found.paragraph == 4
    assert _text(paragraphs, found) == QUOTE


def test_edit_after_the_passage(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    paragraphs[3] = paragraphs[3].replace("widespread alarm", "alarm")
    del paragraphs[5:]
    found = locate(paragraphs, passage)
    assert found is not None and _text(paragraphs, found) == QUOTE


def test_edit_inside_the_passage(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    edited = "This action precedes a long-expected ground invasion of the southern Gaza city."
    paragraphs[3] = paragraphs[3].replace(QUOTE, edited)
    found = locate(paragraphs, passage)
    assert found is not None
    assert _text(paragraphs, found) == edited
    assert 0.85 <= found.confidence < 1.0


def test_paragraph_split_inside_the_passage(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    head, tail = paragraphs[3].split(" ground invasion ")
    paragraphs[3:4] = [head + " ground", "invasion " + tail]
    found = locate(paragraphs, passage)
    assert found is not None
    assert [p for p, _s, _e in found.pieces] == [3, 4]
    assert _text(paragraphs, found) == QUOTE
    assert found.confidence == 1.0


def test_paragraph_split_before_the_passage(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    first, rest = paragraphs[3].split(" This action ", 1)
    paragraphs[3:4] = [first, "This action " + rest]
    found = locate(paragraphs, passage)
    assert found is not None and (found.paragraph, found.start) == (4, 0)
    assert _text(paragraphs, found) == QUOTE


def test_paragraph_merge(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    paragraphs[2:4] = [paragraphs[2] + " " + paragraphs[3]]
    found = locate(paragraphs, passage)
    assert found is not None and found.paragraph == 2
    assert _text(paragraphs, found) == QUOTE


def test_duplicated_passage_keeps_the_original_place(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    paragraphs.append(paragraphs[3])  # the whole paragraph repeated at the end
    paragraphs.insert(0, QUOTE)  # and the sentence alone, with other context, at the top
    found = locate(paragraphs, passage)
    assert found is not None and found.paragraph == 4  # the original, shifted by one
    assert _text(paragraphs, found) == QUOTE


def test_duplicate_with_its_context_wins_over_a_bare_copy(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    original = paragraphs.pop(3)
    paragraphs.insert(1, QUOTE + " Repeated for emphasis.")
    paragraphs.append(original)  # the passage moved to the end with its context
    found = locate(paragraphs, passage)
    assert found is not None and found.paragraph == len(paragraphs) - 1


def test_deleted_passage_is_orphaned(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    paragraphs[3] = paragraphs[3].replace(QUOTE + " ", "")
    assert locate(paragraphs, passage) is None


def test_short_quote_is_not_attached_to_a_stranger(paragraphs: list[str]) -> None:
    # Bookmark the single word "Cairo"; then the paragraph is rewritten without it, while
    # the word appears once elsewhere. A wrong passage is worse than an orphan.
    index = 4
    start = paragraphs[index].index("Cairo")
    passage = capture(paragraphs, index, start, start + len("Cairo"))
    paragraphs[index] = "The delegation has since returned to Qatar for consultations."
    paragraphs.append("Officials in Cairo declined to comment.")
    assert locate(paragraphs, passage) is None


def test_rewritten_passage_is_orphaned(paragraphs: list[str]) -> None:
    passage = _passage(paragraphs)
    paragraphs[3] = paragraphs[3].replace(
        QUOTE, "Troops are expected to move on the city within days, officials said."
    )
    assert locate(paragraphs, passage) is None


def _article(paragraphs: list[str], article_id: str = "seed") -> Article:
    base = parse_file(SEED, article_id)
    return base._replace(paragraphs=tuple(paragraphs))


def test_store_marks_orphans_and_keeps_them(store: StateStore, paragraphs: list[str]) -> None:
    art = _article(paragraphs)
    start = paragraphs[3].index(QUOTE)
    bm = store.add_bookmark(art, 3, start, start + len(QUOTE), note="invasion")
    gone = paragraphs.copy()
    gone[3] = gone[3].replace(QUOTE + " ", "")
    assert store.anchor(bm, _article(gone)) is None
    [kept] = store.bookmarks(art.id)
    assert kept.orphaned and kept.quote == QUOTE and kept.note == "invasion"
    # The text comes back (an edit reverted): the bookmark re-attaches.
    found = store.anchor(kept, _article(paragraphs))
    assert found is not None and found.paragraph == 3
    assert not store.bookmarks(art.id)[0].orphaned


def test_store_records_the_new_position(store: StateStore, paragraphs: list[str]) -> None:
    art = _article(paragraphs)
    start = paragraphs[3].index(QUOTE)
    bm = store.add_bookmark(art, 3, start, start + len(QUOTE))
    moved = ["A new first paragraph.", *paragraphs]
    found = store.anchor(bm, _article(moved))
    assert found is not None
    [saved] = store.bookmarks(art.id)
    assert (saved.paragraph, saved.start, saved.end) == (4, found.start, found.end)
    assert saved.quote == QUOTE


def test_renamed_file_keeps_its_bookmark_anchored(store: StateStore, tmp_path: Path) -> None:
    lib = tmp_path / "library"
    lib.mkdir()
    (lib / "old.txt").write_bytes(SEED.read_bytes())
    library = Library((lib,), tmp_path / "catalog.sqlite3")
    art = library.load(library.scan().articles[0])
    start = art.paragraphs[3].index(QUOTE)
    bm = store.add_bookmark(art, 3, start, start + len(QUOTE))
    (lib / "old.txt").rename(lib / "new name.txt")
    scan = library.scan()
    store.reading_states(scan.articles)
    [moved] = store.bookmarks(scan.articles[0].id)
    assert moved.uuid == bm.uuid
    found = store.anchor(moved, library.load(scan.articles[0]))
    assert found is not None and (found.paragraph, found.start) == (3, start)


def _sentences(paragraphs: list[str]) -> list[tuple[int, int, int]]:
    spans = []
    for i, p in enumerate(paragraphs):
        for m in re.finditer(r"[^.!?”]+[.!?”]+", p):
            text = m.group().strip()
            start = p.index(text)
            spans.append((i, start, start + len(text)))
    return spans


def test_every_sentence_survives_a_word_edit_and_orphans_when_deleted(
    paragraphs: list[str],
) -> None:
    spans = _sentences(paragraphs)
    assert len(spans) > 10
    for i, s, e in spans:
        passage = capture(paragraphs, i, s, e)
        words = passage.quote.split(" ")
        if len(words) > 4:
            words[len(words) // 2] = "zzzz"
            edited = paragraphs.copy()
            edited[i] = edited[i][:s] + " ".join(words) + edited[i][e:]
            found = locate(edited, passage)
            assert found is not None, passage.quote
            assert (found.paragraph, found.start) == (i, s), passage.quote
        deleted = paragraphs.copy()
        deleted[i] = (deleted[i][:s] + deleted[i][e:]).strip() or "Removed."
        assert locate(deleted, passage) is None, passage.quote


def test_whole_paragraphs_survive_edits_and_orphan_when_deleted(paragraphs: list[str]) -> None:
    for i, para in enumerate(paragraphs):
        passage = capture(paragraphs, i)
        words = para.split(" ")
        words[len(words) // 3] = "zzzz"
        edited = paragraphs.copy()
        edited[i] = " ".join(words)
        found = locate(edited, passage)
        assert found is not None and found.paragraph == i, para
        assert found.end - found.start >= 0.9 * len(para)
        deleted = paragraphs[:i] + paragraphs[i + 1 :]
        assert locate(deleted, passage) is None, para


def test_fuzzy_search_stays_fast_on_long_repetitive_text() -> None:
    # A small vocabulary makes every diff worst-case; an earlier character-level search
    # took ~45 s here. The budget is loose on purpose (shared CI cores).
    rng = random.Random(1)
    vocab = [
        "the",
        "council",
        "met",
        "to",
        "discuss",
        "budget",
        "bridge",
        "mayor",
        "vote",
        "city",
        "relief",
        "debate",
    ]
    paragraphs = [" ".join(rng.choice(vocab) for _ in range(300)) + "." for _ in range(40)]
    passage = capture(paragraphs, 20)
    edited = paragraphs.copy()
    words = edited[20].split(" ")
    words[150] = "zzzz"
    edited[20] = " ".join(words)
    started = time.perf_counter()
    found = locate(edited, passage)
    assert locate(paragraphs[:20] + paragraphs[21:], passage) is None
    assert time.perf_counter() - started < 2.0
    assert found is not None and found.paragraph == 20
