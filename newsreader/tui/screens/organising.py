"""Stars, tags, the list's sort, the list picker and saved searches, for ``MainScreen``.

Like ``ReadMarks``: a change shows in the rows at once and its store write is queued through
the screen. What needs the store, the feeds' files or the index (tags in use, counts, a
saved search's matches) is read in a thread worker and handed back to the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeAlias

from newsreader.library import ArticleSummary
from newsreader.state.models import ReadingState
from newsreader.tui.row_picking import ALL, Choice, Picked, members_choice
from newsreader.tui.rows import SORTS

if TYPE_CHECKING:
    from newsreader.app.lists import Entry
    from newsreader.app.shelves import FeedLinks, Shelf
    from newsreader.search import SearchResult
    from newsreader.state.models import SavedSearch
    from newsreader.tui.screens.list_picker import ListPicker
    from newsreader.tui.screens.main import MainScreen

SORT_SETTING = "list.sort"
PICK_HERE_MAX = 20_000
"""Up to this many articles a list's rows are picked on the UI thread once the shelf is
built: at 10k a tag's rows take ~1 ms and Unread's ~4 ms, less than a worker's hop, whose
answer comes a frame later (benchmarks/README.md, issue #20)."""

Shown: TypeAlias = "Callable[[], None] | None"
ChoiceOf: TypeAlias = "Callable[[Shelf, Callable[[], bool]], tuple[Choice, Shown] | None]"
"""What a list keeps, from the shelf (in a worker; the second argument says whether it is
still the list asked for), with what to do once it is shown."""


def _unread(shelf: Shelf, _asked: Callable[[], bool]) -> tuple[Choice, Shown]:
    states = shelf.states
    ids = {i for i in shelf.columns()[0] if not ((s := states.get(i)) and s.read)}
    return members_choice(ids, "unread"), None


def _starred(shelf: Shelf, _asked: Callable[[], bool]) -> tuple[Choice, Shown]:
    return members_choice({i for i, s in shelf.states.items() if s.starred}, "starred"), None


class Organising:
    """What the user organises the library with, on the main screen."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.current: tuple[str, str] = ("all", "")
        """The list shown: (kind, name) of an ``Entry``."""
        self._saved: SavedSearch | None = None
        """The saved search shown, as it was when first shown (what it had seen then)."""
        self._links: FeedLinks | None = None
        self._kept: tuple[int, Shelf] | None = None
        self._answers: dict[str, tuple[Shelf, list[str]]] = {}
        """A saved query's article ids, for the shelf they were found on (switching back to
        a list costs no search until the library or the states change)."""
        self._asked = 0
        """Counts the lists asked for (a choice, or the library changing under one): a
        worker's answer for an older one is dropped, even when it comes back last."""

    # --- helpers for workers --------------------------------------------------------------

    def _shelf(self) -> Shelf:
        """The rows as a shelf (called in a worker: copies what it reads)."""
        return self._versioned_shelf()[1]

    def _versioned_shelf(self) -> tuple[int, Shelf]:
        """The rows as a shelf, and the version of the rows' states it copied."""
        from newsreader.app.shelves import Shelf, feed_links
        from newsreader.feeds import subscriptions_file

        rows, ctx = self.screen.rows, self.screen.session.ctx
        links = self._links
        if links is None:
            links = self._links = feed_links(subscriptions_file(ctx.paths), ctx.articles_dir)
        kept, version = self._kept, rows.version
        same = kept is not None and kept[1].articles is rows.articles
        if kept is not None and same and kept[0] == version and kept[1].links is links:
            return kept  # nothing changed: its tag index and columns stand
        # A copy: the UI thread changes the rows' states while a worker reads these.
        shelf = Shelf(rows.articles, dict(rows.states), links)
        if kept is not None and same:
            shelf.adopt_columns(kept[1])
        self._kept = (version, shelf)
        return version, shelf

    def search(self, query: str, limit: int = 40, **options: object) -> SearchResult:
        """The search pane's search: words by the index, ``tag:``/``is:``/``feed:`` here."""
        from newsreader.app.filters import split

        session = self.screen.session
        if not split(query).filters and not split(query).error:
            return session.search(query, limit, **options)  # type: ignore[arg-type]
        return self._shelf().search(session.index().search, query, limit, **options)

    def _state(self, summary: ArticleSummary) -> ReadingState:
        return self.screen.rows.states.get(summary.id) or ReadingState(summary.id)

    def _redraw(self) -> None:
        screen = self.screen
        keep = screen.article_list.highlighted
        screen.article_list.refresh_rows(keep.id if keep else None)
        screen.update_counts()

    # --- stars and tags -------------------------------------------------------------------

    def toggle_star(self, summary: ArticleSummary) -> None:
        """Star or unstar an article (the list keeps its row until the next change)."""
        starred = not self._state(summary).starred
        self.screen.rows.update_state(replace(self._state(summary), starred=starred))
        self.screen.write(lambda store: store.set_starred(summary, starred))
        self._redraw()
        self.screen.notify(
            f"{'Starred' if starred else 'Unstarred'}: {summary.title}", timeout=2, markup=False
        )

    def edit_tags(self, summary: ArticleSummary) -> None:
        """Ask for the article's tags (completed from those in use), then save them."""
        screen = self.screen

        def tags_in_use() -> None:
            store = screen.session.store()
            mine = store.tags_in_use() if store is not None else []
            own = self._shelf().source_tags(summary)
            screen.app.call_from_thread(self._ask_tags, summary, mine, own)

        screen.run_worker(tags_in_use, name="tags", group="tags", thread=True, exclusive=True)

    def _ask_tags(self, summary: ArticleSummary, in_use: list[str], own: tuple[str, ...]) -> None:
        from newsreader.state.tags import join_tags, normalise, split_tags
        from newsreader.tui.screens.name_dialog import NameDialog

        def check(text: str) -> str | None:
            try:
                for tag in split_tags(text):
                    normalise(tag)
            except ValueError as exc:
                return str(exc)
            return None

        about = summary.title
        if own:
            about += "\nFrom its source (kept apart): " + join_tags(own)

        def answered(text: str | None) -> None:
            if text is None:
                return
            tags = [normalise(t) for t in split_tags(text)]
            from newsreader.state.tags import merged

            new = merged([], tags, [])
            self.screen.rows.update_state(replace(self._state(summary), tags=new))
            self.screen.write(lambda store: store.change_tags(summary, new, replace=True))
            self._redraw()
            if self.current[0] == "tag":  # the list of a tag just added or removed follows
                self._show_tag(self.current[1])
            shown = join_tags(new) if new else "none"
            self.screen.notify(f"Tags: {shown}", timeout=2, markup=False)

        current = join_tags(self._state(summary).tags)
        dialog = NameDialog(
            "Tags",
            about,
            current + (", " if current else ""),
            placeholder='tags, separated by commas ("quoted, if one has a comma")',
            check=check,
            suggestions=in_use,
        )
        self.screen.app.push_screen(dialog, answered)

    # --- sorting ----------------------------------------------------------------------------

    def cycle_sort(self) -> None:
        """Sort the list the next way (date, title, source, progress) and remember it."""
        rows = self.screen.rows
        sort = SORTS[(SORTS.index(rows.sort) + 1) % len(SORTS)]
        self.apply_sort(sort)
        self.screen.write(lambda store: store.set_setting(SORT_SETTING, sort))
        names = {"date": "date, newest first", "source": "source (folder)"}
        self.screen.notify(f"Sorted by {names.get(sort, sort)}.", timeout=2, markup=False)

    def apply_sort(self, sort: str) -> None:
        """Show the rows in ``sort`` order."""
        self.screen.rows.set_sort(sort)
        self._redraw()

    def load_sort(self) -> None:
        """Apply the remembered sort order (once the store is open)."""
        screen = self.screen

        def read() -> None:
            store = screen.session.store()
            sort = store.setting(SORT_SETTING) if store is not None else None
            if sort in SORTS and sort != "date":
                screen.app.call_from_thread(self.apply_sort, sort)

        screen.run_worker(read, name="sort", group="sort", thread=True)

    # --- lists ------------------------------------------------------------------------------

    def show_picker(self) -> None:
        """Count every list (in a worker), then offer them."""
        screen = self.screen

        def count() -> None:
            from newsreader.app.lists import entries, saved_entry

            store = screen.session.store()
            saved = store.saved_searches() if store is not None else []
            shelf, rank = self._shelf(), screen.session.index().ranked_paths
            # Offered at once; each saved search (a search) is counted after, in turn.
            picker = screen.app.call_from_thread(
                self._offer, entries(shelf, saved, rank, count_saved=False)
            )
            for s in saved:
                if not picker.is_attached:
                    return
                screen.app.call_from_thread(picker.counted, saved_entry(shelf, rank, s))
            shelf.tag_index()  # while the user reads: choosing a tag then needs no worker

        screen.run_worker(count, name="lists", group="lists", thread=True, exclusive=True)

    def _offer(self, found: list[Entry]) -> ListPicker:
        from newsreader.tui.screens.list_picker import ListPicker

        def chosen(entry: Entry | None) -> None:
            if entry is not None:
                self.choose(entry)

        picker = ListPicker(found, self.current, self._forget)
        self.screen.app.push_screen(picker, chosen)
        return picker

    def left_lists(self, feeds: bool) -> None:
        """The list was narrowed to some feeds (or shown whole) from elsewhere: no list of
        the picker is shown now, and an answer on its way for one is dropped."""
        self.current = ("feeds", "") if feeds else ("all", "")
        self._saved = None
        self._asked += 1

    def _forget(self, entry: Entry) -> None:
        name = entry.name
        self.screen.write(lambda store: store.remove_search(name))
        self._answers.clear()
        self.screen.notify(f"Forgot the saved search “{name}”.", timeout=3, markup=False)
        if self.current == ("saved", name):
            self.screen.narrow_to(None, "")

    def choose(self, entry: Entry) -> None:
        """Narrow the article list to ``entry``'s articles (see ``_pick``)."""
        self.current = (entry.kind, entry.name)
        self._saved = None
        self._asked += 1
        if entry.kind in ("feed", "category"):
            label = f"{'feed' if entry.kind == 'feed' else 'category'}: {entry.name}"
            self.screen.narrow_to(frozenset(entry.urls), label)
            self.current = (entry.kind, entry.name)
        elif entry.kind == "all":
            self._pick("all", lambda _shelf, _asked: (ALL, None))
        elif entry.kind == "unread":  # picked now: one marked read stays until the next pick
            self._pick("unread", _unread)
        elif entry.kind == "starred":
            self._pick("starred", _starred)
        elif entry.kind == "tag":
            self._show_tag(entry.name)
        elif entry.kind == "saved":
            self._show_saved(entry.name)

    def _pick(
        self, name: str, choice_of: ChoiceOf, *, searches: bool = False, tags: bool = False
    ) -> None:
        """Show a list: ``choice_of`` its articles, from the shelf, with what to do once they
        are shown. Picked here when the shelf is at hand and the library small enough
        (``PICK_HERE_MAX``), else in a worker (the shelf built, the index searched, the rows
        picked there); an answer for a list no longer asked for is dropped."""
        self._asked += 1
        screen, asked = self.screen, self._asked

        def still_asked() -> bool:
            return asked == self._asked

        def work(here: bool) -> None:
            version, shelf = self._versioned_shelf()
            chosen = choice_of(shelf, still_asked)
            if chosen is None or not still_asked():
                return
            picked, made_for = screen.rows.pick(chosen[0], shelf.states, version)
            if here:
                apply(chosen, picked, made_for)
            else:
                screen.app.call_from_thread(apply, chosen, picked, made_for)

        def apply(
            chosen: tuple[Choice, Shown], picked: Picked, made_for: tuple[object, ...]
        ) -> None:
            if not still_asked():
                return
            screen.narrowing.urls = None  # a feed narrowing in flight is overtaken
            keep = screen.article_list.highlighted
            screen.rows.install(chosen[0], picked, made_for)
            screen.article_list.refresh_rows(keep.id if keep else None)
            screen.update_counts()
            if chosen[1] is not None:
                chosen[1]()

        if not searches and self._shelf_at_hand(tags):
            work(here=True)
            return
        screen.run_worker(
            lambda: work(here=False), name=name, group="lists", thread=True, exclusive=True
        )

    def _shelf_at_hand(self, tags: bool) -> bool:
        """Whether the shelf of the rows as they are now is built (no file, no copy of the
        states, and with ``tags`` no tag index to make) and the library is small enough to
        pick rows here."""
        rows, kept, links = self.screen.rows, self._kept, self._links
        return (
            kept is not None
            and len(rows.articles) <= PICK_HERE_MAX
            and kept[0] == rows.version
            and kept[1].articles is rows.articles
            and links is not None
            and kept[1].links is links
            and (kept[1].has_tag_index() or not tags)
        )

    def _show_tag(self, name: str) -> None:
        def choice_of(shelf: Shelf, _asked: Callable[[], bool]) -> tuple[Choice, Shown]:
            from newsreader.app.lists import tag_members

            return members_choice(tag_members(shelf, name), f"#{name}"), None

        self._pick("tag", choice_of, tags=True)

    def _show_saved(self, name: str) -> None:
        screen = self.screen

        def choice_of(shelf: Shelf, asked: Callable[[], bool]) -> tuple[Choice, Shown] | None:
            from newsreader.app.lists import saved_members
            from newsreader.app.saved_lists import new_ids, seen_keys

            store = screen.session.store()
            saved = self._saved or (store.saved_search(name) if store is not None else None)
            if store is None or saved is None:
                return None
            known = self._answers.get(saved.query)
            if known is not None and known[0] is shelf:  # same library, same states
                found = known[1]
                fresh, seen = new_ids(shelf, found, saved.seen), seen_keys(shelf, found)
            else:
                view = saved_members(shelf, screen.session.index().ranked_paths, saved)
                found, fresh, seen = view.ids, view.new_ids, view.seen
                if asked():  # else maybe from an index older than the library
                    self._answers[saved.query] = (shelf, found)
            ranks = {aid: n for n, aid in enumerate(found)}
            order = ranks if saved.sort == "relevance" else None
            choice = members_choice(ranks.keys(), f"saved: {saved.name}", order, fresh)

            unchanged = not fresh and saved.seen == frozenset(seen)  # looked at as it is

            def shown() -> None:
                self._saved = saved
                if not unchanged:
                    screen.write(lambda store: store.mark_seen(saved.name, seen))

            return choice, shown

        self._pick("saved", choice_of, searches=True)

    def library_changed(self) -> None:
        """The index took in new or changed articles: a saved search shown updates."""
        self._links = None  # a fetch may have saved files from feeds
        self._answers.clear()
        self._asked += 1
        kind, name = self.current
        if kind == "saved":
            self._show_saved(name)
        elif kind == "tag":
            self._show_tag(name)

    # --- saving a search --------------------------------------------------------------------

    def save_search(self, query: str) -> None:
        """Ask for a name, then keep ``query`` as a saved search."""
        from newsreader.app.filters import split
        from newsreader.state.tags import normalise
        from newsreader.tui.screens.name_dialog import NameDialog

        query = query.strip()
        if not query:
            self.screen.notify("Type a search first, then save it.", timeout=3, markup=False)
            return
        if (error := split(query).error) is not None:
            self.screen.notify(error, severity="warning", timeout=4, markup=False)
            return

        def check(text: str) -> str | None:
            try:
                normalise(text, "saved search")
            except ValueError as exc:
                return str(exc)
            return None

        def answered(name: str | None) -> None:
            if name is None:
                return
            clean = normalise(name, "saved search")
            self.screen.write(lambda store: store.save_search(clean, query))
            self.screen.notify(
                f"Saved search “{clean}”: L lists it with its count.", timeout=3, markup=False
            )

        dialog = NameDialog(
            "Save this search", query, placeholder="a name for the list", check=check
        )
        self.screen.app.push_screen(dialog, answered)
