"""Story groups over a real library folder and a real store file: found when articles are
added, kept across runs, updated when files change or go."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import article
from newsreader.library import Article, ArticleSummary, Library
from newsreader.stories import StoryGroups, StoryStore, story_groups, sync
from tests.stories.versions import rewrite, write


class Counting:
    """``Library.load`` that counts the files it reads."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.read: list[str] = []

    def __call__(self, summary: ArticleSummary) -> Article:
        self.read.append(summary.id)
        return self.library.load(summary)


def _groups(lib: Library, store_file: Path) -> tuple[StoryGroups, dict[str, str], Counting]:
    scan = lib.scan()
    load = Counting(lib)
    with StoryStore.open(store_file) as store:
        sync(store, scan.articles, load)
        groups = story_groups(store, scan.articles)
    return groups, {a.id: groups.story(a.content_hash) for a in scan.articles}, load


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    write(folder, "wire.txt", article(1))
    write(folder, "rewrite.txt", rewrite(1, add=700))
    write(folder, "update.txt", rewrite(1, title="Later: what happened next", add=701))
    for i in range(2, 8):
        write(folder, f"other{i}.txt", article(i))
    return folder


def test_versions_of_one_story_share_its_id_and_the_others_stand_alone(
    library: Path, tmp_path: Path
) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    groups, story, _ = _groups(lib, tmp_path / "stories.sqlite3")
    assert story["wire"] == story["rewrite"] == story["update"]
    hashes = {a.id: a.content_hash for a in lib.scan().articles}
    assert story["wire"] == min(hashes[i] for i in ("wire", "rewrite", "update"))
    assert len({story[f"other{i}"] for i in range(2, 8)} | {story["wire"]}) == 7
    assert list(groups.grouped().values()) == [
        sorted(hashes[i] for i in ("wire", "rewrite", "update"))
    ]


def test_a_second_run_reads_no_file_and_finds_the_same_groups(
    library: Path, tmp_path: Path
) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    _, first, load = _groups(lib, tmp_path / "stories.sqlite3")
    assert len(load.read) == 9
    _, again, load = _groups(
        Library((library,), tmp_path / "catalog.sqlite3"), tmp_path / "stories.sqlite3"
    )
    assert again == first
    assert load.read == []


def test_a_changed_file_is_read_again_and_a_removed_one_leaves_its_story(
    library: Path, tmp_path: Path
) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    store = tmp_path / "stories.sqlite3"
    _groups(lib, store)
    write(library, "other2.txt", rewrite(3))  # other2 now retells other3
    (library / "update.txt").unlink()
    _, story, load = _groups(lib, store)
    assert load.read == ["other2"]
    assert story["other2"] == story["other3"]
    assert story["wire"] == story["rewrite"]
    assert "update" not in story
    (library / "rewrite.txt").unlink()
    _, story, _ = _groups(lib, store)
    hashes = {a.id: a.content_hash for a in lib.scan().articles}
    assert story["wire"] == hashes["wire"]  # alone again: its own story


def test_an_unreadable_store_file_is_made_again(library: Path, tmp_path: Path) -> None:
    store = tmp_path / "stories.sqlite3"
    store.write_bytes(b"not a database" * 100)
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    _, story, load = _groups(lib, store)
    assert story["wire"] == story["rewrite"]
    assert len(load.read) == 9


def test_an_article_that_vanished_before_it_was_read_stands_alone(
    library: Path, tmp_path: Path
) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    scan = lib.scan()
    (library / "rewrite.txt").unlink()  # listed, then gone before its signature was made
    with StoryStore.open(tmp_path / "stories.sqlite3") as store:
        sync(store, scan.articles, lib.load)
        groups = story_groups(store, scan.articles)
    by_id = {a.id: a.content_hash for a in scan.articles}
    assert groups.story(by_id["rewrite"]) == by_id["rewrite"]
    assert groups.story(by_id["wire"]) == groups.story(by_id["update"])


def test_a_version_added_later_joins_its_story_and_only_it_is_read(
    library: Path, tmp_path: Path
) -> None:
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    store = tmp_path / "stories.sqlite3"
    _, before, _ = _groups(lib, store)
    write(library, "late.txt", rewrite(4, add=702))  # a rewrite of other4, arriving later
    _, after, load = _groups(lib, store)
    assert load.read == ["late"]
    assert after["late"] == after["other4"]
    assert after["wire"] == before["wire"]


def test_a_served_library_regroups_only_what_its_scan_changed(
    library: Path, tmp_path: Path
) -> None:
    """The search server keeps a library's groups; after a scan that changed a few files it
    signs only those, keeps the groups when none of them is near another article, and still
    gives what grouping the whole library gives."""
    from newsreader.cli.story_commands import story_groups as served_groups
    from newsreader.context import Resident, build_context

    ctx = build_context([library], resident=Resident())
    ctx.library.scan()

    def served() -> tuple[StoryGroups, dict[str, str]]:
        scan = ctx.library.scan()
        groups = served_groups(ctx, scan.articles, scan.state, scan.since)
        return groups, {a.id: groups.story(a.content_hash) for a in scan.articles}

    def fresh(n: int) -> dict[str, str]:
        lib = Library((library,), tmp_path / f"fresh{n}.sqlite3")
        return _groups(lib, tmp_path / f"fresh{n}-stories.sqlite3")[1]

    first, story = served()
    assert story == fresh(0)
    write(library, "other3.txt", article(30))  # unrelated to every other article
    again, story = served()
    assert again is first and story == fresh(1)
    edited = library / "other5.txt"  # near its own last version, which no article has now
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA closing line.\n", encoding="utf-8")
    again, story = served()
    assert again is first and story == fresh(4)
    write(library, "other4.txt", rewrite(1, title="Another telling", add=702))  # joins it
    _groups_joined, story = served()
    assert story == fresh(2) and story["other4"] == story["wire"]
    write(library, "rewrite.txt", article(50))  # leaves the story
    _groups_left, story = served()
    assert story == fresh(3) and story["rewrite"] != story["wire"]


def test_signatures_a_full_build_made_are_taken_not_made_again(
    library: Path, tmp_path: Path
) -> None:
    """``newsreader index`` signs the articles in its build processes, which have them
    parsed: the store then reads none of them and finds the groups a store that read them
    finds."""
    from newsreader.search import SearchIndex
    from newsreader.stories import story_signature

    lib = Library((library,), tmp_path / "catalog.sqlite3")
    scan = lib.scan()
    report = SearchIndex(tmp_path / "index").update(
        scan, lib, rebuild=True, procs=1, extra=story_signature
    )
    assert set(report.extras) == {a.content_hash for a in scan.articles}
    load = Counting(lib)
    with StoryStore.open(tmp_path / "signed.sqlite3") as store:
        sync(store, scan.articles, load, signed=report.extras)
        signed = story_groups(store, scan.articles)
    assert load.read == []
    read, _, _ = _groups(lib, tmp_path / "read.sqlite3")
    assert signed.grouped() == read.grouped() and len(signed.grouped()) == 1


def test_a_parallel_build_signs_every_article_once(tmp_path: Path) -> None:
    from newsreader.search import SearchIndex
    from newsreader.search.build import PARALLEL_MIN
    from newsreader.stories import signature, story_signature

    folder = tmp_path / "lib"
    for i in range(PARALLEL_MIN + 20):
        write(folder, f"a{i:03d}.txt", article(i))
    lib = Library((folder,), tmp_path / "catalog.sqlite3")
    scan = lib.scan()
    report = SearchIndex(tmp_path / "index").update(
        scan, lib, rebuild=True, procs=2, extra=story_signature
    )
    assert report.extras == {
        a.content_hash: signature(lib.load(a).paragraphs).to_bytes() for a in scan.articles
    }


def test_a_sync_keeps_no_summary_of_a_packed_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app's list is packed (summaries built a chunk at a time as it is read): a sync
    # that kept every article's summary held ~800 bytes an article (80 MB at 100k), only to
    # compare content hashes.
    import tracemalloc

    from newsreader.library import packed
    from newsreader.library.packed import PackedSummaries

    monkeypatch.setattr(packed, "_BATCH", 16)  # 16 summaries at a time, not 4,096: 400 is many

    folder = tmp_path / "lib"
    for i in range(400):
        write(folder, f"a{i:03d}.txt", article(i))
    catalog = tmp_path / "catalog.sqlite3"
    Library((folder,), catalog).scan()
    lib = Library((folder,), catalog)
    lib.packed = True  # as the app reads it
    scan = lib.scan()
    assert isinstance(scan.articles, PackedSummaries)
    store_file = tmp_path / "stories.sqlite3"
    with StoryStore.open(store_file) as store:
        sync(store, scan.articles, lib.load)  # every article read once
    with StoryStore.open(store_file) as store:
        tracemalloc.start()
        try:
            report = sync(store, scan.articles, lib.load)  # nothing new: nothing read
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert report.added == report.removed == 0
    assert peak / 400 < 450, peak  # the hashes, not the summaries


def test_a_store_changed_after_a_sync_is_compared_with_the_scan_again(
    library: Path, tmp_path: Path
) -> None:
    """The store remembers the scan it was synced with, so the same scan again costs no
    comparison; any other change to it (a version signed by the app) drops that, and the
    next sync of the same scan puts the store back in line."""
    from newsreader.stories import signature

    lib = Library((library,), tmp_path / "catalog.sqlite3")
    scan = lib.scan()
    store_file = tmp_path / "stories.sqlite3"
    with StoryStore.open(store_file) as store:
        assert sync(store, scan.articles, lib.load, state=scan.state).added == 9
        assert store.synced_to() == scan.state
        store.add("stray", signature(("A paragraph no article of the scan has.",)))
        assert store.synced_to() == b""
        store.commit()
    with StoryStore.open(store_file) as store:
        assert store.synced_to() == b""
        assert sync(store, scan.articles, lib.load, state=scan.state).removed == 1
        assert "stray" not in store.known()
        assert store.synced_to() == scan.state
    with StoryStore.open(store_file) as store:
        report = sync(store, scan.articles, Counting(lib), state=scan.state)
        assert (report.added, report.removed) == (0, 0)


def test_a_sync_another_process_wrote_during_is_not_marked_as_in_line(
    library: Path, tmp_path: Path
) -> None:
    """Between a sync's batches another process (the app, a cron ``index``) may forget or
    sign a content. That sync does not mark the store as matching its scan, so the next
    sync of the same scan compares again and puts back what went."""
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    store_file = tmp_path / "stories.sqlite3"
    first = lib.scan()
    with StoryStore.open(store_file) as store:
        sync(store, first.articles, lib.load, state=first.state)
    write(library, "late.txt", article(30))
    scan = lib.scan()
    victim = next(a.content_hash for a in scan.articles if a.id == "wire")

    def load_while_another_forgets(summary: ArticleSummary) -> Article:
        with StoryStore.open(store_file) as other:
            other.forget(victim)
            other.commit()
        return lib.load(summary)

    with StoryStore.open(store_file) as store:
        assert sync(store, scan.articles, load_while_another_forgets, state=scan.state).added == 1
        assert store.synced_to() == b""
    with StoryStore.open(store_file) as store:
        assert sync(store, scan.articles, lib.load, state=scan.state).added == 1  # put back
        assert victim in store.known() and store.synced_to() == scan.state


def test_a_hand_off_signs_elsewhere_and_the_sync_does_only_what_it_left(
    library: Path, tmp_path: Path
) -> None:
    """``hand_off`` hears how many contents are unsigned; when it has another connection sign
    them (the app's index child), the sync reads only what that left, and still marks the
    store as in line with the scan: those commits were asked for."""
    lib = Library((library,), tmp_path / "catalog.sqlite3")
    scan = lib.scan()
    store_file = tmp_path / "stories.sqlite3"
    heard: list[int] = []

    def hand_off(unsigned: int) -> bool:
        heard.append(unsigned)
        with StoryStore.open(store_file) as other:  # leaves the last two articles unsigned
            sync(other, scan.articles[:-2], lib.load)
        return True

    load = Counting(lib)
    with StoryStore.open(store_file) as store:
        report = sync(store, scan.articles, load, state=scan.state, hand_off=hand_off)
        assert heard == [9]
        assert report.added == 2 and sorted(load.read) == sorted(a.id for a in scan.articles[-2:])
        assert set(store.known()) == {a.content_hash for a in scan.articles}
        assert store.synced_to() == scan.state

    with StoryStore.open(tmp_path / "none-handed.sqlite3") as store:  # False: all signed here
        report = sync(store, scan.articles, lib.load, hand_off=lambda unsigned: False)
        assert report.added == 9
