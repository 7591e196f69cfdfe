"""``stories``, ``related`` and the ``story`` key of ``list --json`` and ``search --json``,
on a real library with three versions of one story among unrelated ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.corpus import article
from tests.cli.conftest import CLI
from tests.stories.versions import parts, rewrite, write

VERSIONS = ("a01", "wire/a01-rewrite", "agency/a01-update")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    for i in range(20):
        write(folder, f"a{i:02d}.txt", article(i))
    write(folder / "wire", "a01-rewrite.txt", rewrite(1, add=500))
    write(folder / "agency", "a01-update.txt", rewrite(1, title="Later: the talks go on", add=501))
    return folder


def _stories(cli: CLI, library: Path) -> dict[str, str]:
    run = cli("list", "--json", library=library)
    assert run.code == 0, run.err
    return {row["id"]: row["story"] for row in run.json()}


def test_list_json_gives_every_version_one_story_and_lists_every_article(
    cli: CLI, library: Path
) -> None:
    story = _stories(cli, library)
    assert len(story) == 22  # grouping hides nothing
    assert len({story[v] for v in VERSIONS}) == 1
    others = {story[f"a{i:02d}"] for i in range(20) if i != 1}
    assert len(others) == 19 and story["a01"] not in others


def test_the_groups_survive_an_index_rebuild_and_follow_a_removed_file(
    cli: CLI, library: Path
) -> None:
    before = _stories(cli, library)
    assert cli("index", "--rebuild", library=library).code == 0
    assert _stories(cli, library) == before
    (library / "agency" / "a01-update.txt").unlink()
    after = _stories(cli, library)
    assert "agency/a01-update" not in after
    assert after["a01"] == after["wire/a01-rewrite"]


def test_search_json_carries_the_story(cli: CLI, library: Path) -> None:
    words = parts(article(1))[2][1].split()[:4]  # the start of a paragraph every version has
    run = cli("search", "--json", "--limit", "30", '"' + " ".join(words) + '"', library=library)
    assert run.code == 0, run.err
    story = _stories(cli, library)
    hits = run.json()
    assert hits and all(h["story"] == story[h["id"]] for h in hits)
    assert {h["id"] for h in hits} >= set(VERSIONS)


def test_stories_json_lists_the_versions_with_their_sources(cli: CLI, library: Path) -> None:
    run = cli("stories", "--json", library=library)
    assert run.code == 0, run.err
    (story,) = run.json()
    assert sorted(a["id"] for a in story["articles"]) == sorted(VERSIONS)
    assert sorted(story["sources"]) == ["agency", "lib", "wire"]
    sizes = [(library / f"{a['id']}.txt").stat().st_size for a in story["articles"]]
    assert sizes == sorted(sizes, reverse=True)  # all of one day: the longest first


def test_stories_in_a_terminal_shows_the_count(cli: CLI, library: Path) -> None:
    run = cli("stories", library=library)
    assert run.code == 0
    assert "3 versions · 3 sources" in run.out


def test_related_leaves_out_the_article_and_its_versions(cli: CLI, library: Path) -> None:
    run = cli("related", "a01", "--json", "--limit", "5", library=library)
    assert run.code == 0, run.err
    hits = run.json()
    assert 0 < len(hits) <= 5
    assert not {h["id"] for h in hits} & set(VERSIONS)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


@pytest.mark.parametrize(
    "args",
    [("related", "no-such-article"), ("related", "a01", "--limit", "0"), ("related",)],
)
def test_bad_related_input_is_one_line_and_exit_2(
    cli: CLI, library: Path, args: tuple[str, ...]
) -> None:
    run = cli(*args, library=library)
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "Traceback" not in run.err


def test_a_cache_folder_that_cannot_hold_the_store_still_groups_the_versions(
    cli: CLI, library: Path, user_dirs: Path
) -> None:
    blocked = user_dirs / "cache" / "newsreader" / "stories"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the folder should be")
    run = cli("list", "--json", library=library)
    assert run.code == 0
    story = {row["id"]: row["story"] for row in run.json()}
    assert len(story) == 22 and len({story[v] for v in VERSIONS}) == 1  # grouped in memory


def test_a_source_folder_name_with_terminal_codes_is_printed_inert(cli: CLI, library: Path) -> None:
    (library / "agency").rename(library / "agency\x1b[31m")
    run = cli("stories", library=library)
    assert run.code == 0 and "\x1b" not in run.out
    assert "agency\\x1b[31m" in run.out  # the escape shown as text
    (story,) = cli("stories", "--json", library=library).json()
    assert "agency\\x1b[31m" in story["sources"]


def test_index_groups_the_stories_so_a_search_reads_no_article(
    cli: CLI, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wait for reading and signing every article of a new library belongs to
    ``index``, not to the first ``search --json`` a script runs after it."""
    from newsreader.library import scan as scan_module

    assert cli("index", library=library).code == 0
    loaded: list[object] = []
    real = scan_module.Library.load

    def counting(self: scan_module.Library, summary: object) -> object:
        loaded.append(summary)
        return real(self, summary)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module.Library, "load", counting)
    run = cli("search", "--json", "talks", library=library)
    assert run.code == 0 and loaded == []  # snippets come from the index, stories from disk
    assert {h["story"] for h in run.json() if h["id"] in VERSIONS} <= {
        _stories(cli, library)["a01"]
    }


def test_index_of_an_unchanged_library_does_not_compare_it_with_the_story_store(
    cli: CLI, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``index`` with nothing to do reads none of the story store's rows (a cron job runs
    it every few minutes); once a file changes, the store is compared and the new version
    joins its story."""
    from newsreader.stories.store import StoryStore

    assert cli("index", library=library).code == 0
    compared: list[int] = []
    real = StoryStore.known

    def counting(self: StoryStore) -> dict[str, int]:
        compared.append(1)
        return real(self)

    monkeypatch.setattr(StoryStore, "known", counting)
    assert cli("index", library=library).code == 0
    assert compared == []
    write(library, "a19.txt", rewrite(1, title="Last: the talks end", add=502))
    assert cli("index", library=library).code == 0
    assert compared == [1]
    stories = _stories(cli, library)
    assert stories["a19"] == stories["a01"]
