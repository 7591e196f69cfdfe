"""The search pane: a query box whose results update as you type.

Searches run in an exclusive thread worker after a short pause in typing; every query gets a
generation number and results for anything but the latest are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from newsreader.tui.plural import count

if TYPE_CHECKING:
    from newsreader.search import SearchHit, SearchResult

DEBOUNCE_SECONDS = 0.12
"""Pause in typing before a search starts (searches take milliseconds; this saves work)."""
RESULT_LIMIT = 40

HELP_KEYS = frozenset({"question_mark"})
"""Printable keys that stay keys on the hit list (besides its own j/k): help."""
SYNTAX_HINT = 'words · "exact phrase" · -exclude · a OR b · title:word · date:2024-05 · F1 help'


class ResultList(OptionList):
    """Search hits; ``up`` on the first hit goes back to the query box, and so does typing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="search.open_hit"),
        Binding("down,j", "cursor_down", "Down", show=False, id="search.down"),
        Binding("up,k", "up_or_query", "Up", show=False, id="search.up"),
    ]

    class BackToQuery(Message):
        """``up`` on the first hit."""

    @dataclass
    class TypedOn(Message):
        """A character typed on the list: it belongs at the end of the query (as in fzf)."""

        character: str

    def action_up_or_query(self) -> None:
        if (self.highlighted or 0) == 0:
            self.post_message(self.BackToQuery())
        else:
            self.action_cursor_up()

    def on_key(self, event: events.Key) -> None:
        # Before the screen's and app's bindings: text goes to the query (q types a q here,
        # as in fzf), except this list's own keys (j, k) and help. Space too: keys typed fast
        # are already queued for this list before the focus moves.
        char = event.character
        if (event.is_printable and char and event.key not in HELP_KEYS
                and event.key not in self._bindings.key_to_bindings):
            event.stop()
            event.prevent_default()
            self.post_message(self.TypedOn(char))


class SearchPane(Vertical):
    """Query box, status line (counts, did-you-mean, errors) and ranked hits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "to_results", "Results", show=False, id="search.to_results"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "search-pane--title", "search-pane--date", "search-pane--match",
    }

    @dataclass
    class HitChosen(Message):
        """Open this hit, scrolled to its paragraph, with the query's matches highlighted."""

        hit: SearchHit
        query: str

    @dataclass
    class Searching(Message):
        """A search started or finished (for the pane title)."""

        result: SearchResult | None

    def __init__(self, search: Callable[[str, int], SearchResult], *, id: str | None = None):
        super().__init__(id=id)
        self._search = search
        self._generation = 0
        self._debounce: Timer | None = None
        self._waiting = False
        """Typed, and the debounce pause has not ended yet."""
        self._open_when_ready = False
        self.result: SearchResult | None = None
        self.index_note = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search every article…", id="query")
        yield Static(SYNTAX_HINT, id="search-status", markup=False)
        yield ResultList(id="results")

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
        """Typed, and the search for it has not started yet (the pause in typing is running)."""
        return self._waiting

    def set_index_note(self, note: str) -> None:
        """Say that the index is being built (results may be incomplete)."""
        self.index_note = note
        self._show_status()

    def search_again(self) -> None:
        """Run the current query again (the index changed)."""
        if self.query_text:
            self._generation += 1
            self._start_search()

    # --- searching -------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._generation += 1
        self._open_when_ready = False
        if self._debounce is not None:
            self._debounce.stop()
        if not event.value.strip():
            self.result = None
            self.results.clear_options()
            self._show_status()
            return
        self._waiting = True
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._start_search)

    def _start_search(self) -> None:
        self._waiting = False
        self._run_search(self.query_text, self._generation)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, query: str, generation: int) -> None:
        try:
            result = self._search(query, RESULT_LIMIT)
        except Exception as exc:  # the index can be missing or broken: say so, keep going
            from newsreader.search import SearchResult

            result = SearchResult(query, (), 0, error=f"Search failed: {exc}")
        self.post_message(self._Answered(generation, result))

    @dataclass
    class _Answered(Message):
        generation: int
        result: SearchResult

    @on(_Answered)
    def _apply(self, message: _Answered) -> None:
        message.stop()
        generation, result = message.generation, message.result
        if generation != self._generation:
            return  # typed on since: a newer search is coming
        self.result = result
        self._fill(result)
        self._show_status()
        self.refresh_bindings()
        if not result.hits and self.results.has_focus:
            self.screen.set_focus(self.query_input)  # nothing left to pick: back to typing
        self.post_message(self.Searching(result))
        if self._open_when_ready:
            self._open_when_ready = False
            self._submit()

    def _fill(self, result: SearchResult) -> None:
        results = self.results
        results.clear_options()
        options: list[Option | None] = []
        for i, hit in enumerate(result.hits):
            if i:
                options.append(None)  # a rule between hits
            options.append(Option(self._hit_text(hit), id=str(i)))
        results.add_options(options)
        if result.hits:
            results.highlighted = 0

    def _hit_text(self, hit: SearchHit) -> Text:
        def style(name: str) -> Style:
            return self.get_component_rich_style(name, partial=True)

        match = self.get_component_rich_style("search-pane--match")  # alpha blended: full
        title = Text(hit.title, style("search-pane--title"))
        for start, end in hit.title_spans:
            title.stylize(match, start, end)
        snippet = Text()
        if hit.date:
            snippet.append(f"{hit.date:%d %b %Y} · ", style("search-pane--date"))
        start = len(snippet)
        snippet.append(hit.snippet)
        for begin, end in hit.snippet_spans:
            snippet.stylize(match, start + begin, start + end)
        return Text("\n").join([title, snippet])

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.result is not None:
            highlighted = self.results.highlighted
            self._fill(self.result)
            self.results.highlighted = highlighted

    def _show_status(self) -> None:
        status = self.query_one("#search-status", Static)
        result = self.result
        lines: list[Text] = []
        if result is None:
            lines.append(Text(SYNTAX_HINT))
        elif self.index_note and result.error and not result.hits:
            pass  # the index is being built; the note below says so
        else:
            if result.error:
                lines.append(Text(result.error, style="bold"))
            if result.suggestion:
                hint = " (Enter)" if not result.hits else ""
                lines.append(Text.assemble("Did you mean ", (result.suggestion, "bold"), "?", hint))
            if result.fallback_any and result.hits:
                lines.append(Text("No article has every word; showing any of them."))
            if not result.hits and not result.error:
                lines.append(Text("No matches."))
            elif result.hits:
                shown = len(result.hits)
                more = f", best {shown} shown" if result.total > shown else ""
                hint = " · Enter opens the first, ↓ picks"
                lines.append(Text(f"{count(result.total, 'article')}{more}{hint}"))
        if self.index_note:
            lines.append(Text(self.index_note))
        status.set_class(bool(result and (result.error or result.suggestion)), "-attention")
        status.update(Text("\n").join(lines))

    # --- choosing --------------------------------------------------------------------------

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        if self._waiting and self._debounce is not None:
            # Enter came before the pause ended: search now, open when it answers.
            self._debounce.stop()
            self._open_when_ready = True
            self._start_search()
            return
        self._submit()

    def _submit(self) -> None:
        result = self.result
        if result is None:
            return
        if result.hits:
            self.post_message(self.HitChosen(result.hits[0], result.query))
        elif result.suggestion:
            self.query_input.value = result.suggestion
            self.query_input.cursor_position = len(result.suggestion)

    @on(OptionList.OptionSelected, "#results")
    def _hit_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.result is not None and event.option.id is not None:
            self.post_message(self.HitChosen(self.result.hits[int(event.option.id)],
                                             self.result.query))

    def on_click(self, event: events.Click) -> None:
        # A click on the status line takes the did-you-mean suggestion.
        if event.widget is not None and event.widget.id == "search-status":
            result = self.result
            if result is not None and result.suggestion:
                self.query_input.value = result.suggestion
                self.query_input.cursor_position = len(result.suggestion)

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

