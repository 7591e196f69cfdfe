"""Stories told by several articles in the app: one row per story that unfolds into its
versions, versions read together, what a version adds, and related articles (``r``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsreader.context import build_context
from newsreader.state import StateStore
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.related import RelatedScreen

from .conftest import make_library, search_for, settle, visible_text

CAIRO = "002_cairo"
WIRE = "wire/cairo-rewrite"
UPDATE = "agency/cairo-update"
ADDED = (
    "Late on Thursday the delegations agreed on a timetable for the release of detainees, "
    "according to two negotiators who spoke on condition of anonymity about the schedule."
)


def _paragraphs(path: Path) -> tuple[str, str, list[str]]:
    title, day, *paras = path.read_text("utf-8").strip().split("\n\n")
    return title, day, paras


def story_library(root: Path) -> Path:
    """The app's test library plus two more versions of the Cairo story: a rewrite under
    another title, and a later update with one paragraph more."""
    make_library(root)
    title, day, paras = _paragraphs(root / f"{CAIRO}.txt")
    (root / "wire").mkdir()
    rewrite = [paras[0], *paras[:0:-1]]  # its paragraphs in another order
    (root / "wire" / "cairo-rewrite.txt").write_text(
        "\n\n".join(["Mediators meet again in Cairo", day, *rewrite]) + "\n", "utf-8"
    )
    (root / "agency").mkdir()
    update = [*paras[:2], ADDED, *paras[2:]]
    later = date(2024, 1, 18).strftime("%a %b %d %Y")
    (root / "agency" / "cairo-update.txt").write_text(
        "\n\n".join([f"{title}: update", later, *update]) + "\n", "utf-8"
    )
    return root


@pytest.fixture
def stories_app(tmp_path: Path) -> NewsreaderApp:
    return make_app(build_context([story_library(tmp_path / "library")]), poll_seconds=None)


def shown_ids(app: NewsreaderApp) -> list[str]:
    return [r.id for r in app.main_screen.rows.rows]


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 20)])
async def test_a_story_is_one_row_that_unfolds_into_its_versions(
    stories_app: NewsreaderApp, size: tuple[int, int]
) -> None:
    app = stories_app
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        ids = shown_ids(app)
        assert len(ids) == 11  # 13 articles, the story's three versions in one row
        assert UPDATE in ids and CAIRO not in ids and WIRE not in ids  # the newest first
        lines = visible_text(screen.article_list)
        row = next(line for line in lines if "Ceasefire talks" in line)
        assert "3 versions" in row or "×3" in row
        if screen.article_list.size.width >= 60:  # room for the sources too
            assert "3 versions · 3 sources" in row
        screen.article_list.select_id(UPDATE)
        await pilot.press("v")
        await settle(pilot)
        assert {UPDATE, CAIRO, WIRE} <= set(shown_ids(app))
        assert len(shown_ids(app)) == 13  # every article reachable
        text = "\n".join(visible_text(screen.article_list))
        assert text.count("↳") == 2
        screen.article_list.select_id(WIRE)
        await pilot.press("v")  # folding from a version goes back to the story's row
        await settle(pilot)
        assert len(shown_ids(app)) == 11
        assert screen.article_list.highlighted is not None
        assert screen.article_list.highlighted.id == UPDATE


@pytest.mark.parametrize("together", [True, False])
async def test_reading_one_version_marks_the_others_read_as_configured(
    tmp_path: Path, together: bool
) -> None:
    ctx = build_context([story_library(tmp_path / "library")])
    if not together:
        ctx.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
        ctx.paths.config_file.write_text("read_versions_together = false\n", "utf-8")
        ctx = build_context([tmp_path / "library"])
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.article_list.select_id(UPDATE)
        await pilot.press("enter")
        await settle(pilot)
        rows = screen.rows
        assert rows.is_read(UPDATE)
        assert rows.is_read(CAIRO) is together and rows.is_read(WIRE) is together
        assert not rows.is_read("003_nairobi")
        articles = rows.articles
    store = StateStore.open(ctx.paths.state_file)
    try:
        saved = {i for i, s in store.reading_states(articles).items() if s.read}
    finally:
        store.close()
    assert UPDATE in saved and ({CAIRO, WIRE} <= saved) is together  # saved, not only shown


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_an_update_marks_the_paragraph_the_version_read_before_lacked(
    stories_app: NewsreaderApp, size: tuple[int, int]
) -> None:
    app = stories_app
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        await pilot.press("v")  # unfold the story (its row is the newest: the cursor is on it)
        await settle(pilot)
        screen.open_article(CAIRO)
        await settle(pilot)
        assert screen.reader.new_paragraphs == frozenset()  # nothing read before it
        screen.open_article(UPDATE)
        await settle(pilot)
        reader = screen.reader
        assert reader.article is not None and reader.article.id == UPDATE
        added = reader.article.paragraphs.index(ADDED)
        assert reader.new_paragraphs == {added}
        screen.open_article(WIRE)  # the same paragraphs as the original, reordered
        await settle(pilot)
        assert screen.reader.new_paragraphs == frozenset()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_r_lists_related_articles_without_the_story_and_opens_one(
    stories_app: NewsreaderApp, size: tuple[int, int]
) -> None:
    app = stories_app
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.open_article(UPDATE)
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RelatedScreen)
        related = [h.id for h in app.screen.hits]
        assert related and not {UPDATE, CAIRO, WIRE} & set(related)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, RelatedScreen)
        assert screen.reader.article is not None and screen.reader.article.id == related[0]
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RelatedScreen)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_search_shows_a_story_once_and_unfolds_its_versions(
    stories_app: NewsreaderApp, size: tuple[int, int]
) -> None:
    app = stories_app
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        words = _paragraphs(Path(app.ctx.library.roots[0]) / f"{CAIRO}.txt")[2][1].split()[:3]
        pane = await search_for(pilot, '"' + " ".join(words) + '"')
        results = pane.results
        assert {h.id for h in pane.result.hits} >= {CAIRO, WIRE, UPDATE}  # all found
        shown = [h.id for h in results.hits]
        assert len([i for i in shown if i in (CAIRO, WIRE, UPDATE)]) == 1
        text = "\n".join(visible_text(results))
        assert "3 versions" in text
        await pilot.press("down")  # into the results
        index = next(i for i, h in enumerate(results.hits) if h.id in (CAIRO, WIRE, UPDATE))
        results.highlighted = index
        await pilot.press("v")
        await settle(pilot)
        assert {CAIRO, WIRE, UPDATE} <= {h.id for h in results.hits}
        assert "↳" in "\n".join(visible_text(results))
        # Enter opens the hit under the cursor, as shown (not the answer's n-th hit).
        results.highlighted = next(i for i, h in enumerate(results.hits) if h.id == WIRE)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.reader.article is not None
        assert app.main_screen.reader.article.id == WIRE


async def test_opening_a_folded_version_puts_the_cursor_on_its_story(
    stories_app: NewsreaderApp,
) -> None:
    app = stories_app
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.open_article(WIRE)  # as the palette's "Open: title" does; the story is folded
        await settle(pilot)
        assert screen.reader.article is not None and screen.reader.article.id == WIRE
        assert screen.article_list.highlighted is not None
        assert screen.article_list.highlighted.id == UPDATE


async def test_the_versions_key_is_remapped_by_its_id(tmp_path: Path) -> None:
    ctx = build_context([story_library(tmp_path / "library")])
    ctx.paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    ctx.paths.config_file.write_text('[keys]\n"list.versions" = "x"\n', "utf-8")
    app = make_app(build_context([tmp_path / "library"]), poll_seconds=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.main_screen.article_list.select_id(UPDATE)
        await pilot.press("x")
        await settle(pilot)
        assert len(shown_ids(app)) == 13


@pytest.mark.parametrize("child_fails", [False, True], ids=["child", "child fails"])
@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_many_unsigned_articles_are_signed_in_a_child_not_in_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], child_fails: bool
) -> None:
    """An index that is complete but a story store that knows none of it (deleted, made by an
    older release, an index built without it): signing reads every article, an hour at 1M,
    so it runs in a child like a big build; a failed child leaves it to the app."""
    from newsreader.app import index_job
    from newsreader.search.index import SearchIndex
    from newsreader.stories.store import StoryStore

    ctx = build_context([story_library(tmp_path / "library")])
    ctx.paths.index_root.mkdir(parents=True, exist_ok=True)
    index = SearchIndex(ctx.index_dir)
    index.update(ctx.library.scan(), ctx.library)  # no signatures made
    index.close()
    assert not ctx.stories_file.exists()

    monkeypatch.setattr(index_job, "CHILD_BUILD_MIN", 1)  # our 13 articles count as many
    children: list[object] = []
    real_child = index_job.sign_child

    def child(*args: object) -> object:
        children.append(args)
        if child_fails:
            raise RuntimeError("story signing failed: killed")
        return real_child(*args)  # type: ignore[arg-type]

    signed_here: list[str] = []
    real_add = StoryStore.add

    def add(self: StoryStore, content_hash: str, sig: object) -> list[str]:
        signed_here.append(content_hash)
        return real_add(self, content_hash, sig)  # type: ignore[arg-type]

    monkeypatch.setattr(index_job, "sign_child", child)
    monkeypatch.setattr(StoryStore, "add", add)
    app = make_app(ctx, poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert len(children) == 1
        assert len(signed_here) == (13 if child_fails else 0)
        assert len(shown_ids(app)) == 11  # the story's three versions in one row
        row = next(
            line for line in visible_text(app.main_screen.article_list) if "Ceasefire" in line
        )
        assert "3 versions" in row or "×3" in row
    with StoryStore.open(ctx.stories_file) as store:  # the next scan compares nothing again
        assert store.synced_to() == ctx.library.scan().state
