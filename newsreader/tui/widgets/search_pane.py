"""The search pane: a query box whose results update as you type.

Each keystroke searches at once in a thread worker when none is running; keys typed while
one runs are answered together when it ends (no fixed pause, no pile-up). Every query gets a
generation number and answers for anything but the latest are dropped.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from newsreader.tui.plural import count
from newsreader.tui.widgets.result_list import ResultList

if TYPE_CHECKING:
    from newsreader.search import SearchHit, SearchResult

FIRST_HITS = 10
"""Hits in a first answer: about what a tall terminal shows; each costs ~0.3 ms to
highlight, so typing stays fast. Scrolling near the end loads ``MORE_HITS`` more."""
MORE_HITS = 40
MAX_HITS = 400
REMEMBERED = 64
"""First answers kept, so deleting back to an earlier query shows it without a search."""
SYNTAX_HINT = (
    'words · "exact phrase" · -exclude · a OR b · title:word · date:2024-05 · tag:x · '
    "is:unread · F1 help"
)


class QueryBox(Input):
    """The query box. Textual's Input sets its virtual width to the text's on every key,
    which asks the whole screen for a layout pass (~5-10 ms a key); a one-line box with no
    scrollbar needs none: the repaint and Input's own horizontal scrolling still happen."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class SearchPane(Vertical):
    """Query box, status line (counts, did-you-mean, errors) and ranked hits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "to_results", "Results", show=False, id="search.to_results"),
        Binding("ctrl+s", "save_search", "Save search", show=False, id="search.save"),
    ]

    @dataclass
    class SaveRequested(Message):
        """``ctrl+s``: keep the query as a saved search."""

        query: str

    @dataclass
    class HitChosen(Message):
        """Open this hit, scrolled to its paragraph, with the query's matches highlighted."""

        hit: SearchHit
        query: str

    @dataclass
    class Searching(Message):
        """A search started or finished (for the pane title)."""

        result: SearchResult | None

    def __init__(self, search: Callable[..., SearchResult], *, id: str | None = None):
        """``search(query, limit)`` answers a query; ``correct=False`` as a keyword asks
        for the words as typed when they match nothing."""
        super().__init__(id=id)
        self._search = search
        self._as_typed: str | None = None
        """The query the person chose to search as typed instead of the suggestion."""
        self._generation = 0
        self._busy = False
        """A search is running (its answer may already be stale)."""
        self._queued = False
        """Typed while a search ran: search the box's text when it ends."""
        self._loading_more = False
        self._to_end = False
        """``end`` was pressed on the hits: the cursor goes to the last once all are in."""
        self._asked = 0
        """Hits the latest load asked for (fewer came back: there are no more)."""
        self._open_when_ready = False
        self._answers: OrderedDict[str, SearchResult] = OrderedDict()
        """The latest first answers by query, until the index changes."""
        self.result: SearchResult | None = None
        self.index_note = ""

    def compose(self) -> ComposeResult:
        yield QueryBox(placeholder="Search every article…", id="query")
        results = ResultList(id="results")
        results.set_status([Text(SYNTAX_HINT)])
        yield results

    @property
    def query_input(self) -> Input:
        """The query box."""
        return self.query_one("#query", Input)

    @property
    def results(self) -> ResultList:
        """The hit list."""
        return self.query_one(ResultList)

    @property
    def query_text(self) -> str:
        """The query as typed."""
        return self.query_input.value.strip()

    def focus_query(self) -> None:
        """Put the cursor in the query box, text selected so typing replaces it."""
        # At once, not via focus(): keys typed right after "/" are already queued.
        self.screen.set_focus(self.query_input)
        self.query_input.select_all()

    @property
    def pending(self) -> bool:
        """Typed, and the search for it has not been answered yet."""
        return self._busy or self._queued

    def action_save_search(self) -> None:
        self.post_message(self.SaveRequested(self.query_text))

    def set_index_note(self, note: str) -> None:
        """Say that the index is being built (results may be incomplete)."""
        self.index_note = note
        self._show_status()

    def search_again(self) -> None:
        """Run the current query again (the index changed)."""
        self._answers.clear()
        if self.query_text:
            self._generation += 1
            self._search_latest()

    # --- searching -------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._generation += 1
        self._open_when_ready = False
        if event.value.strip() != self._as_typed:
            self._as_typed = None
        if not event.value.strip():
            self._queued = False
            self.result = None
            self.results.set_hits(())
            self._show_status()
            return
        self._search_latest()

    def _search_latest(self) -> None:
        if self._busy:
            self._queued = True  # answered when the running search ends
            return
        self._start_search()

    def _start_search(self) -> None:
        self._queued = False
        known = None if self._typed_as_is() else self._answers.get(self.query_text)
        if known is not None:  # typed back to an earlier query (backspace): answered at once
            self._answers.move_to_end(self.query_text)
            self._show_answer(known)
            return
        self._busy = True
        self._run_search(self.query_text, self._generation, FIRST_HITS)

    @work(thread=True, group="search", exit_on_error=False)
    def _run_search(self, query: str, generation: int, limit: int, more: bool = False) -> None:
        try:
            if query == self._as_typed:
                result = self._search(query, limit, correct=False)
            else:
                result = self._search(query, limit)
        except Exception as exc:  # the index can be missing or broken: say so, keep going
            from newsreader.search import SearchResult

            result = SearchResult(query, (), 0, error=f"Search failed: {exc}")
        self.post_message(self._Answered(generation, result, more))

    @dataclass
    class _Answered(Message):
        generation: int
        result: SearchResult
        more: bool

    @on(_Answered)
    def _apply(self, message: _Answered) -> None:
        message.stop()
        generation, result = message.generation, message.result
        if message.more:
            self._loading_more = False
            if generation != self._generation:
                self._to_end = False
            elif result.hits:
                self.result = result
                self.results.set_hits(result.hits, keep=self.results.highlighted)
                self._show_status()
                if self._to_end:
                    self._more_hits()
            return
        self._busy = False
        if self._queued:
            self._start_search()  # typed on since: search what the box says now
            return
        if generation != self._generation:
            return  # the box was cleared since
        if not result.error and result.query != self._as_typed:
            self._answers[result.query] = result
            while len(self._answers) > REMEMBERED:
                self._answers.popitem(last=False)
        self._show_answer(result)

    def _show_answer(self, result: SearchResult) -> None:
        had_hits = bool(self.result and self.result.hits)
        self.result = result
        self._to_end, self._asked = False, 0
        self._fill(result)
        self._show_status()
        if had_hits != bool(result.hits):
            self.refresh_bindings()  # "to results" comes or goes (the key bar redraws)
        if not result.hits and self.results.has_focus:
            self.screen.set_focus(self.query_input)  # nothing left to pick: back to typing
        self.post_message(self.Searching(result))
        if self._open_when_ready:
            self._open_when_ready = False
            self._submit()

    def _fill(self, result: SearchResult) -> None:
        self.results.set_hits(result.hits)

    @on(ResultList.NeedMore)
    def _load_more(self, message: ResultList.NeedMore) -> None:
        message.stop()
        self._to_end = self._to_end or message.to_end
        self._more_hits()

    def _more_hits(self) -> None:
        result = self.result
        if result is None or self._loading_more or self._busy:
            return
        shown = len(result.hits)
        wanted = min(result.total, MAX_HITS)
        if shown >= wanted or shown < FIRST_HITS or (self._to_end and shown < self._asked):
            if self._to_end:  # all there is has been loaded (a total can be an estimate)
                self._to_end = False
                self.results.highlight_last()
            return
        self._loading_more = True
        self._asked = wanted if self._to_end else min(shown + MORE_HITS, MAX_HITS)
        self._run_search(result.query, self._generation, self._asked, more=True)

    def _show_status(self) -> None:
        result = self.result
        lines: list[Text] = []
        if result is None:
            lines.append(Text(SYNTAX_HINT))
        elif self.index_note and result.error and not result.hits:
            pass  # the index is being built; the note below says so
        else:
            if result.error:
                lines.append(Text(result.error, style="bold"))
            if result.corrected and result.suggestion:
                lines.append(
                    Text.assemble(
                        "Showing results for ",
                        (result.suggestion, "bold"),
                        "; search instead for ",
                        (result.query, "underline"),
                        " (click)",
                    )
                )
            elif result.suggestion:
                hint = " (Enter)" if not result.hits else " (click)"
                lines.append(Text.assemble("Did you mean ", (result.suggestion, "bold"), "?", hint))
            if result.fallback_any and result.hits:
                lines.append(Text("No article has every word; showing any of them."))
            if not result.hits and not result.error:
                lines.append(Text("No matches."))
            elif result.hits:
                about = "about " if result.total_estimated else ""
                more = f", best {MAX_HITS} listed" if result.total > MAX_HITS else ""
                hint = " · Enter opens the first, ↓ picks"
                lines.append(Text(f"{about}{count(result.total, 'article')}{more}{hint}"))
        if self.index_note:
            lines.append(Text(self.index_note))
        self.results.set_status(lines, bool(result and (result.error or result.suggestion)))

    @property
    def status_text(self) -> str:
        """The status lines above the hits (counts, did-you-mean, errors), as plain text."""
        return self.results.status_text

    # --- choosing --------------------------------------------------------------------------

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        if self.pending:
            self._open_when_ready = True  # Enter came before the answer: open when it comes
            return
        self._submit()

    def _submit(self) -> None:
        result = self.result
        if result is None:
            return
        if result.hits:
            self.post_message(self.HitChosen(result.hits[0], _searched(result)))
        elif result.suggestion:
            self.query_input.value = result.suggestion
            self.query_input.cursor_position = len(result.suggestion)

    @on(ResultList.Selected)
    def _hit_selected(self, event: ResultList.Selected) -> None:
        event.stop()
        shown = self.results.hits  # the hits as folded by story
        if self.result is not None and event.index < len(shown):
            hit = shown[event.index]
            self.post_message(self.HitChosen(hit, _searched(self.result)))

    @on(ResultList.StatusClicked)
    def _status_clicked(self, message: ResultList.StatusClicked) -> None:
        # A click on the status takes its alternative: the did-you-mean suggestion, or the
        # words as typed when the results shown are the suggestion's.
        message.stop()
        result = self.result
        if result is not None and result.corrected:
            self.search_as_typed()
        elif result is not None and result.suggestion:
            self.query_input.value = result.suggestion
            self.query_input.cursor_position = len(result.suggestion)

    def search_as_typed(self) -> None:
        """Search the box's words as typed, not the suggestion shown in their place."""
        if self.result is None or not self.result.corrected:
            return
        self._as_typed = self.result.query
        self._generation += 1
        self._search_latest()

    def _typed_as_is(self) -> bool:
        return self._as_typed is not None and self.query_text == self._as_typed

    @on(ResultList.BackToQuery)
    def _back_to_query(self) -> None:
        self.query_input.focus()

    @on(ResultList.TypedOn)
    def _typed_on_results(self, message: ResultList.TypedOn) -> None:
        box = self.query_input
        self.screen.set_focus(box)  # at once: the next keys typed go to the box

        def append() -> None:
            # Queued behind the box's Focus event, which would select (then replace) the text.
            box.cursor_position = len(box.value)
            box.insert_text_at_cursor(message.character)

        box.call_later(append)

    def action_to_results(self) -> None:
        if self.result is not None and self.result.hits:
            self.results.focus()
            self.results.highlighted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_results":
            return bool(self.result and self.result.hits)
        return True


def _searched(result: SearchResult) -> str:
    """The query whose matches the hits show: the suggestion's when it was searched instead,
    the words a ``word~`` matched."""
    return result.marks or result.query
