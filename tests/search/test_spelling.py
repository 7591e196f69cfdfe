"""Did-you-mean and ``word~`` on a library of real news English: the word the person meant,
from the library's own words, and its articles shown when the typo finds nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsreader.search.spelling import Vocabulary, slip_cost
from tests.search.conftest import Shelf, article_text
from tests.search.newsprose import news_files


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Shelf:
    root = tmp_path_factory.mktemp("news")
    s = Shelf(root / "lib", root / "index")
    for name, text in news_files(300).items():
        s.write(name, text)
    s.update()
    return s


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("ceasfire", "ceasefire"),  # was "ceased"
        ("bushfier", "bushfire"),  # was "bush"
        ("parliment", "parliament"),  # was "party"
        ("minster", "minister"),  # was no suggestion at all
        ("negotations", "negotiations"),
        ("Ceasfire", "Ceasefire"),
    ],
)
def test_a_misspelling_suggests_the_surface_word_meant(news: Shelf, typo: str, meant: str) -> None:
    result = news.index.search(typo, correct=False)
    assert result.hits == ()
    assert result.suggestion == meant


def test_a_query_that_finds_nothing_shows_the_suggestions_articles(news: Shelf) -> None:
    result = news.index.search("minster")
    assert result.corrected and result.suggestion == "minister"
    assert result.total > 100 and result.hits
    for hit in result.hits:
        marked = {hit.snippet[a:b].lower() for a, b in hit.snippet_spans}
        marked |= {hit.title[a:b].lower() for a, b in hit.title_spans}
        assert "minister" in marked


def test_multi_word_queries_correct_only_the_missing_words(news: Shelf) -> None:
    assert news.index.search("parliment budget").suggestion == "parliament budget"
    result = news.index.search("ceasfire negotiations hostages")
    assert result.suggestion == "ceasefire negotiations hostages" and result.corrected
    assert news.index.search("minister budget").suggestion is None
    # A word the library lacks but finds by its stem is no typo.
    assert news.index.search("negotiate").suggestion is None


def test_an_excluded_word_is_never_corrected(news: Shelf) -> None:
    assert news.index.search("budget -parliment").suggestion is None


def test_fuzzy_ranks_the_word_meant_first_and_scores_by_what_matched(news: Shelf) -> None:
    result = news.index.search("ceasfire~")
    assert result.hits
    with_word = [
        h for h in result.hits if "ceasefire" in h.snippet.lower() or "ceasefire" in h.title.lower()
    ]
    assert result.hits[0] in with_word
    assert len({round(h.score, 3) for h in result.hits}) > 1  # not one flat score for all
    for hit in result.hits:
        marked = {hit.snippet[a:b].lower() for a, b in hit.snippet_spans}
        assert marked <= {"ceasefire", "ceasefires"}, marked  # never "ceased" or "case"


def test_fuzzy_exact_beats_one_edit_beats_two(shelf: Callable[..., Shelf]) -> None:
    quiet = "The town was quiet on Monday morning, and the boats stayed in. "
    s = shelf(
        {
            # The exact word in the longest article: BM25 alone would put it last.
            "exact.txt": article_text("One", "The harbour. " + quiet * 3),
            "one.txt": article_text("Two", "The harbor. " + quiet),
            "two.txt": article_text("Three", "The arbor. " + quiet),
            "far.txt": article_text("Four", "The arbour. " + quiet),
        }
    )
    assert s.ids("harbour~2") == ["exact", "one", "far", "two"]
    assert s.ids("harbour~") == ["exact", "one", "far"]  # one edit: harbor, arbour
    assert s.ids("harbor~")[0] == "one"
    hit = s.index.search("harbour~2").hits[1]
    assert [hit.snippet[a:b] for a, b in hit.snippet_spans] == ["harbor"]


def test_fuzzy_distance_two_needs_the_tilde_two(shelf: Callable[..., Shelf]) -> None:
    s = shelf({"a.txt": article_text("A", "Negotiators met again.")})
    assert s.ids("negotiatrs~") == ["a"]  # one edit
    assert s.ids("negotatrs~") == []  # two edits
    assert s.ids("negotatrs~2") == ["a"]


def test_fuzzy_expands_to_a_bounded_number_of_words(shelf: Callable[..., Shelf]) -> None:
    words = [f"cat{c}" for c in "abcdefghijklmnopqrstuvwxyz"]
    s = shelf({f"{w}.txt": article_text(w, f"A {w} sat.") for w in words})
    assert 0 < len(s.ids("catx~", limit=50)) <= 8


def test_suggest_reports_the_correction_without_searching(news: Shelf) -> None:
    assert news.index.suggest("ceasfire talks").suggestion == "ceasefire talks"
    assert news.index.suggest("ceasefire").suggestion is None


def test_slips_people_make_cost_less_than_other_edits() -> None:
    assert slip_cost("bushfier", "bushfire") < slip_cost("bushfxre", "bushfire")  # swap
    assert slip_cost("parliment", "parliament") < slip_cost("parlament", "parlxament")
    assert slip_cost("ministter", "minister") < slip_cost("ministxer", "minister")  # doubled
    assert slip_cost("minisrer", "minister") < slip_cost("minisper", "minister")  # neighbour
    assert slip_cost("minister", "minister") == 0


def test_a_common_word_beats_a_rare_one_the_same_slip_away() -> None:
    vocab = Vocabulary({"minister": 117, "monster": 2, "minster": 0})
    assert vocab.correct("minster") == "minister"
    assert vocab.correct("ministr") == "minister"
    assert vocab.correct("minister") is None
    assert vocab.correct("xq") is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_string_gets_a_suggestion_or_none(word: str) -> None:
    vocab = Vocabulary({"ceasefire": 10, "minister": 50, "parliament": 5, "a": 3, "é": 1})
    got = vocab.correct(word)
    assert got is None or got in vocab
    for cand, weight in vocab.expand(word, 2, 8):
        assert cand.word in vocab and 0 < weight <= 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.text(max_size=30))
def test_any_query_gets_a_suggestion_or_none_from_the_index(news: Shelf, query: str) -> None:
    result = news.index.suggest(query)
    assert result.suggestion is None or isinstance(result.suggestion, str)
    searched = news.index.search(query + "~")
    assert searched.error is None or "\n" not in searched.error


def test_the_vocabulary_follows_index_updates_and_is_kept_beside_the_index(
    shelf: Callable[..., Shelf],
) -> None:
    from newsreader.search import SearchIndex
    from newsreader.search.generations import read_current

    s = shelf({"a.txt": article_text("Birds", "A heron stood in the reeds.")})
    assert s.index.suggest("heorn").suggestion == "heron"
    assert s.index.suggest("kookabura").suggestion is None
    s.write("b.txt", article_text("More birds", "A kookaburra laughed at dawn."))
    s.update()
    assert s.index.suggest("kookabura").suggestion == "kookaburra"  # a new word, at once
    assert s.index.search("kookabura").corrected
    current = read_current(s.index_dir)
    assert current is not None and list(current[1].glob("vocab-*.txt"))
    fresh = SearchIndex(s.index_dir)  # another process: reads the kept words
    assert fresh.suggest("kookabura").suggestion == "kookaburra"
    assert fresh.suggest("heorn").suggestion == "heron"
    fresh.close()


def test_an_opened_fuzzy_hit_marks_only_the_words_it_matched(
    shelf: Callable[..., Shelf],
) -> None:
    from newsreader.library import parse_file
    from newsreader.search import find_matches

    s = shelf(
        {
            "a.txt": article_text(
                "Talks", "The ceasefire held after the shelling ceased.", "Ceasefires rarely last."
            )
        }
    )
    result = s.index.search("ceasfire~")
    assert result.marks is not None
    hit = result.hits[0]
    article = parse_file(s.root / "a.txt", "a")
    marked = {
        article.paragraphs[m.paragraph][m.start : m.end].lower()
        for m in find_matches(result.marks, article)
    }
    assert marked == {"ceasefire", "ceasefires"}  # not "ceased" (the stem "ceas" is near)
    assert {article.paragraphs[m.paragraph][m.start : m.end].lower() for m in hit.matches} == marked


def test_spelling_can_be_made_ready_before_the_first_typo(shelf: Callable[..., Shelf]) -> None:
    s = shelf({"a.txt": article_text("Birds", "A heron stood in the reeds.")})
    s.index.warm_spelling()
    vocab = s.index._vocab
    assert vocab is not None and vocab._index is not None  # built: no wait on the first typo
    assert s.index.suggest("heorn").suggestion == "heron"
    assert s.index._vocab is vocab


def test_before_its_index_is_built_a_vocabulary_finds_the_same_words(news: Shelf) -> None:
    """A process that looks up one word (the command line) does not build the candidate
    index; what it finds must be what the index finds, typo by typo."""
    import random

    searcher = news.index._fresh_searcher()
    assert searcher is not None
    words = news.index._vocabulary(searcher).counts
    rng = random.Random(7)
    typos = []
    for word in rng.sample(sorted(w for w in words if len(w) >= 4), 60):
        i = rng.randrange(1, len(word))
        typos += [word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :], word[:i] + word[i + 1 :]]
        typos.append(word[:i] + rng.choice("aeiouxz") + word[i:])
    fresh, indexed = Vocabulary(words), Vocabulary(words)
    indexed.prepare()
    for typo in typos:
        for maxdist in (1, 2):
            assert sorted(fresh.candidates(typo, maxdist)) == sorted(
                indexed.candidates(typo, maxdist)
            ), typo
        assert fresh.correct(typo) == indexed.correct(typo)
    assert fresh._index is None  # and it never paid for the index


def test_the_app_holds_no_segment_words_it_can_read_again_from_their_files(
    shelf: Callable[..., Shelf],
) -> None:
    # Segments repeat most of a library's words (at 100k articles 852k words in 42 segments,
    # 20k of them different): held per segment, even interned, they took ~12 MB of the app.
    from newsreader.search import SearchIndex

    s = shelf({"a.txt": article_text("Birds", "A heron stood in the reeds at dawn.")})
    s.write("b.txt", article_text("More birds", "A kookaburra laughed in the reeds at dawn."))
    s.update()  # a second segment
    fresh = SearchIndex(s.index_dir)  # another process: reads the kept words of each
    assert fresh.suggest("kookabura").suggestion == "kookaburra"
    assert list(fresh._segment_words.values()) == [None, None]
    vocab = fresh._vocab
    assert vocab is not None and vocab.counts["reeds"] == 2 and vocab.counts["heron"] == 1
    fresh.close()


def _four_segments(shelf: Callable[..., Shelf]) -> Shelf:
    """Four bird articles, a segment each."""
    s = shelf({"a.txt": article_text("Birds", "A heron stood in the reeds.")})
    for i, text in enumerate(("A kookaburra laughed.", "Reeds and herons.", "An egret.")):
        s.write(f"b{i}.txt", article_text(f"More birds {i}", text))
        s.update()  # a segment each
    return s


def test_after_a_commit_the_vocabulary_counts_only_the_segments_that_changed(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit adds a segment: the new vocabulary is the last one's sums plus that
    segment's words (at 1M articles summing all 829 segments again took seconds), and it
    is the same as summing every segment."""
    from newsreader.search import vocab as vocab_module

    s = _four_segments(shelf)
    assert s.index.suggest("heorn").suggestion == "heron"
    summed: list[int] = []
    real = vocab_module._add

    def counting(counts: dict[str, int], segments: object, sign: int) -> None:
        listed = list(segments)  # type: ignore[call-overload]
        summed.append(len(listed))
        real(counts, listed, sign)

    monkeypatch.setattr(vocab_module, "_add", counting)
    s.write("c.txt", article_text("Night birds", "A nightjar called over the reeds."))
    s.update()
    assert s.index.suggest("nightjer").suggestion == "nightjar"
    assert summed == [1, 0]  # the new segment added, none gone
    searcher = s.index._fresh_searcher()
    assert searcher is not None
    whole = vocab_module.library_vocabulary(searcher, None, {})
    vocab = s.index._vocab
    assert vocab is not None and vocab.counts == whole.counts and vocab.counts["reeds"] == 3


def test_a_segment_that_went_is_taken_out_of_the_last_sums(shelf: Callable[..., Shelf]) -> None:
    """A merge replaces segments: the words of one that went are subtracted from the last
    vocabulary's sums, and a word only it had is gone."""
    from newsreader.search import vocab as vocab_module
    from newsreader.search.spelling import Vocabulary

    s = _four_segments(shelf)
    searcher = s.index._fresh_searcher()
    assert searcher is not None
    memo: vocab_module.SegmentWords = {}
    whole = vocab_module.library_vocabulary(searcher, None, memo)
    assert len(whole.segments) == 4
    from array import array

    memo["merged-away"] = (("reeds", "zzyzxword"), array("I", [2, 1]))
    before = Vocabulary({**whole.counts, "reeds": whole.counts["reeds"] + 2, "zzyzxword": 1})
    before.segments = whole.segments | {"merged-away"}
    again = vocab_module.library_vocabulary(searcher, None, memo, before)
    assert again.counts == whole.counts and "zzyzxword" not in again.counts
    assert "merged-away" not in memo and again.segments == whole.segments


@pytest.mark.parametrize("file_left", [True, False])
def test_a_merged_away_segment_is_subtracted_from_its_file_or_everything_is_summed_again(
    shelf: Callable[..., Shelf],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    file_left: bool,
) -> None:
    """The words of a segment that went are read back from its file; when another process
    removed it, every segment is summed again: the counts are right either way."""
    from newsreader.search import vocab as vocab_module
    from newsreader.search.spelling import Vocabulary

    s = _four_segments(shelf)
    searcher = s.index._fresh_searcher()
    assert searcher is not None
    folder = tmp_path / "words"
    folder.mkdir()
    memo: vocab_module.SegmentWords = {}
    whole = vocab_module.library_vocabulary(searcher, folder, memo)
    assert set(memo.values()) == {None}  # all four in their files
    gone_file = folder / f"{vocab_module.PREFIX}merged-away.txt"
    if file_left:
        gone_file.write_text("reeds\t2\nzzyzxword\t1\n", encoding="utf-8")
    memo["merged-away"] = None
    before = Vocabulary({**whole.counts, "reeds": whole.counts["reeds"] + 2, "zzyzxword": 1})
    before.segments = whole.segments | {"merged-away"}
    summed: list[tuple[int, int]] = []
    real = vocab_module._add

    def counting(counts: dict[str, int], segments: object, sign: int) -> None:
        listed = list(segments)  # type: ignore[call-overload]
        summed.append((sign, len(listed)))
        real(counts, listed, sign)

    monkeypatch.setattr(vocab_module, "_add", counting)
    again = vocab_module.library_vocabulary(searcher, folder, memo, before)
    assert again.counts == whole.counts and "zzyzxword" not in again.counts
    assert summed == ([(1, 0), (-1, 1)] if file_left else [(1, 4)])
    assert "merged-away" not in memo and not gone_file.exists()


def test_once_the_vocabulary_is_read_did_you_mean_looks_no_word_up_in_the_index(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.reading import SegmentReader

    from newsreader.search.schema import WORDS

    s = shelf(news_files(80))
    before = [s.index.search(q).suggestion for q in ("ceasfire", "minister budget", "parliment")]
    looked_up: list[str] = []
    real = SegmentReader.doc_frequency

    def counted(self: SegmentReader, fieldname: str, text: object) -> int:
        if fieldname == WORDS:  # one lookup in every segment's term table
            looked_up.append(str(text))
        return int(real(self, fieldname, text))

    monkeypatch.setattr(SegmentReader, "doc_frequency", counted)
    s.index.warm_spelling()
    after = [s.index.search(q).suggestion for q in ("ceasfire", "minister budget", "parliment")]
    assert after == before and after[0] == "ceasefire" and after[1] is None
    assert s.index.suggest("parliment").suggestion == "parliament"
    assert looked_up == []


def test_a_words_file_of_a_segment_this_searcher_is_too_old_to_know_is_kept(
    shelf: Callable[..., Shelf], tmp_path: Path
) -> None:
    """A join writes its segment's words file before it publishes the segment: a searcher
    opened just before must not take it for a merged-away one. A file nobody read for an
    hour goes."""
    import os
    import time

    from newsreader.search import vocab as vocab_module

    s = shelf({"a.txt": article_text("Birds", "A heron stood in the reeds.")})
    searcher = s.index._fresh_searcher()
    assert searcher is not None
    folder = tmp_path / "words"
    folder.mkdir()
    newer = folder / f"{vocab_module.PREFIX}joined-just-now.txt"
    newer.write_text("heron\t1\n", encoding="utf-8")
    old = folder / f"{vocab_module.PREFIX}merged-long-ago.txt"
    old.write_text("heron\t1\n", encoding="utf-8")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    vocab_module.library_vocabulary(searcher, folder, {})  # stores this segment's file
    assert newer.exists() and not old.exists()
