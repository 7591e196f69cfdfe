"""The lists, for ``MainScreen``: the list picker (``L``) with every list counted, choosing
one (All, Unread, Starred, a tag, a feed or category, a saved search), a saved search kept
live as the library changes, and saving the search typed as one.

A list's articles, and the rows they make, are worked out in a thread worker from the shelf
(``Organising.versioned_shelf``) and the index, or on the UI thread when they take a few
milliseconds (``_pick``); an answer for a list no longer asked for is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from newsreader.tui.row_picking import ALL, Choice, Picked, members_choice

if TYPE_CHECKING:
    from newsreader.app.lists import Entry
    from newsreader.app.shelves import Shelf
    from newsreader.state.models import SavedSearch
    from newsreader.tui.screens.list_picker import ListPicker
    from newsreader.tui.screens.main import MainScreen
    from newsreader.tui.screens.organising import Organising

PICK_HERE_MAX = 20_000
"""Up to this many articles a list's rows are picked on the UI thread once the shelf is
built: at 10k a tag's rows take ~1 ms and Unread's ~4 ms, less than a worker's hop, whose
answer comes a frame later (benchmarks/README.md, issue #20)."""

Shown: TypeAlias = "Callable[[], None] | None"
ChoiceOf: TypeAlias = "Callable[[Shelf, Callable[[], bool]], tuple[Choice, Shown] | None]"
"""What a list keeps, from the shelf (in a worker, or on the UI thread when the shelf is at
hand; the second argument says whether it is still the list asked for), with what to do
once it is shown."""


def _unread(shelf: Shelf, _asked: Callable[[], bool]) -> tuple[Choice, Shown]:
    states = shelf.states
    ids = {i for i in shelf.columns()[0] if not ((s := states.get(i)) and s.read)}
    return members_choice(ids, "unread"), None


def _starred(shelf: Shelf, _asked: Callable[[], bool]) -> tuple[Choice, Shown]:
    return members_choice({i for i, s in shelf.states.items() if s.starred}, "starred"), None


class ListFlow:
    """Which list the article list shows, and the saved searches."""

    def __init__(self, screen: MainScreen, shelves: Organising) -> None:
        self.screen = screen
        self.shelves = shelves
        self.current: tuple[str, str] = ("all", "")
        """The list shown: (kind, name) of an ``Entry``."""
        self._saved: SavedSearch | None = None
        """The saved search shown, as it was when first shown (what it had seen then)."""
        self._answers: dict[str, tuple[Shelf, list[str]]] = {}
        """A saved query's article ids, for the shelf they were found on (switching back to
        a list costs no search until the library or the states change)."""
        self._asked = 0
        """Counts the lists asked for (a choice, or the library changing under one): a
        worker's answer for an older one is dropped, even when it comes back last."""

    def show_picker(self) -> None:
        """Count every list (in a worker), then offer them."""
        screen = self.screen

        def count() -> None:
            from newsreader.app.lists import entries, saved_entry

            store = screen.session.store()
            saved = store.saved_searches() if store is not None else []
            shelf, rank = self.shelves.shelf(), screen.session.index().ranked_paths
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
            version, shelf = self.shelves.versioned_shelf()
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

        small = len(screen.rows.articles) <= PICK_HERE_MAX
        if not searches and small and self.shelves.shelf_at_hand(tags):
            work(here=True)
            return
        screen.run_worker(
            lambda: work(here=False), name=name, group="lists", thread=True, exclusive=True
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

    def tags_changed(self) -> None:
        """An article's tags changed: the tag's list shown follows."""
        if self.current[0] == "tag":
            self._show_tag(self.current[1])

    def library_changed(self) -> None:
        """The index took in new or changed articles: a saved search shown updates."""
        self.shelves.forget_links()  # a fetch may have saved files from feeds
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
