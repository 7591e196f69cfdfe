"""Drive newsreader's TUI (or a bare Textual app) from outside and time what a user sees.

Run by ``bench_tui.py`` in a fresh process, with XDG folders pointing at the benchmark's
work folder; prints one JSON object. Nothing in newsreader is changed: the probe wraps the
``render_lines`` method of the widgets it watches (the compositor calls it to paint them),
so a time is taken when the widget is actually drawn, not when Pilot returns (``pilot.press``
sleeps ~62 ms a key; ARCHITECTURE.md, "Facts about the libraries").

    python tui_probe.py start LIBRARY        # first paint of a non-empty article list
    python tui_probe.py bare                 # first paint of a bare app's Static
    python tui_probe.py type LIBRARY [--keys N]
                                             # key -> repainted results / list, peak RSS

The app's processes start as ``newsreader`` starts them, with one malloc arena
(``cli.one_malloc_arena``); ``BENCH_DEFAULT_MALLOC=1`` leaves glibc's default, for an A/B.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUERIES = ("gaza ceasefire talks", "netanyahu said", '"said that"', "hostages released")
"""Typed one key at a time; every prefix is searched (words, then a phrase)."""


def _watch(cls: type, on_paint: Callable[[Any], None]) -> None:
    """Call ``on_paint(widget)`` whenever the compositor draws a widget of ``cls``."""
    original = cls.render_lines  # type: ignore[attr-defined]

    def render_lines(self: Any, crop: Any) -> Any:
        lines = original(self, crop)
        on_paint(self)
        return lines

    cls.render_lines = render_lines  # type: ignore[attr-defined]


def _rss_mb() -> float:
    """Peak resident memory of this program. ``ru_maxrss`` survives ``exec`` on Linux, so a
    process started from a big parent would report the parent's size; VmHWM belongs to this
    program's own memory map."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def start(library: Path) -> dict[str, Any]:
    """Run the app headless until the article list is first drawn with articles in it,
    started as ``newsreader`` starts it (``cli._cmd_tui``): the first scan, then the app."""
    from newsreader.app.first_scan import FirstScan
    from newsreader.context import build_context

    ctx = build_context([library])
    first_scan = FirstScan(ctx.library)
    from newsreader.tui.app import make_app
    from newsreader.tui.widgets.article_list import ArticleList

    seen: dict[str, float] = {}

    def painted(widget: Any) -> None:
        if "paint" not in seen and len(widget.rows.rows) > 0:
            seen["paint"] = time.monotonic()
            widget.app.call_later(widget.app.exit)

    _watch(ArticleList, painted)
    app = make_app(ctx, poll_seconds=None, first_scan=first_scan)
    app.run(headless=True, size=(120, 40))
    return {"paint": seen.get("paint"), "rss_mb": _rss_mb()}


def bare() -> dict[str, Any]:
    """The same for a bare Textual app with one Static: the floor for any Textual app."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    seen: dict[str, float] = {}

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello")

    def painted(widget: Any) -> None:
        if "paint" not in seen:
            seen["paint"] = time.monotonic()
            widget.app.call_later(widget.app.exit)

    _watch(Static, painted)
    Bare().run(headless=True, size=(120, 40))
    return {"paint": seen.get("paint"), "rss_mb": _rss_mb()}


async def _type(library: Path, keys: int, queries: tuple[str, ...]) -> dict[str, Any]:
    from newsreader.context import build_context
    from newsreader.tui.app import make_app
    from newsreader.tui.widgets.article_list import ArticleList
    from newsreader.tui.widgets.result_list import ResultList
    from newsreader.tui.widgets.search_pane import SearchPane

    events: dict[str, list[tuple[float, Any]]] = {
        "fill": [],
        "start": [],
        "results": [],
        "list": [],
        "search": [],
        "fill_ms": [],
    }
    fill, start_search = SearchPane._fill, SearchPane._start_search

    def timed_fill(self: Any, result: Any) -> None:
        t0 = time.monotonic()
        events["fill"].append((t0, result.query))
        fill(self, result)
        events["fill_ms"].append((t0, time.monotonic() - t0))

    def timed_start(self: Any) -> None:
        events["start"].append((time.monotonic(), self.query_text))
        start_search(self)

    SearchPane._fill = timed_fill  # type: ignore[method-assign]
    SearchPane._start_search = timed_start  # type: ignore[method-assign]
    _watch(ResultList, lambda w: events["results"].append((time.monotonic(), None)))
    _watch(ArticleList, lambda w: events["list"].append((time.monotonic(), None)))

    app = make_app(build_context([library]), poll_seconds=None)
    out: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()  # library listed, index checked
        await pilot.pause(0.2)
        app.set_focus(app.main_screen.article_list)
        await pilot.pause(0.1)
        scroll = []
        for _ in range(keys):
            t_key = time.monotonic()
            await pilot.press("pagedown")
            await pilot.pause(0.05)
            painted = _after(events["list"], t_key)
            scroll.append(None if painted is None else painted - t_key)
        out["scroll_ms"] = _ms(scroll)
        await pilot.press("slash")
        await pilot.pause(0.2)
        typed: list[tuple[float, str]] = []
        pane = app.main_screen.search_pane
        search = pane._search

        def timed_search(query: str, limit: int) -> Any:
            t0 = time.monotonic()
            result = search(query, limit)
            events["search"].append((t0, time.monotonic() - t0))
            return result

        pane._search = timed_search
        for query in queries:
            pane.query_input.value = ""  # clear the box
            await pilot.pause(0.3)
            for i, ch in enumerate(query):
                t_key = time.monotonic()
                await pilot.press(_key_name(ch))
                # A pause after each key, so every prefix is searched and answered.
                await pilot.pause(0.25)
                typed.append((t_key, query[: i + 1].strip()))
        await pilot.pause(0.3)
        key_to_paint, start_to_paint = [], []
        for t_key, text in typed:
            t_fill = next((t for t, q in events["fill"] if t >= t_key and q.strip() == text), None)
            if t_fill is None or not text:
                continue
            paint = _after(events["results"], t_fill)
            started = next((t for t, q in events["start"] if t >= t_key and q == text), None)
            if paint is not None:
                key_to_paint.append(paint - t_key)
                if started is not None:
                    start_to_paint.append(paint - started)
        out["key_to_paint_ms"] = _ms(key_to_paint)
        out["search_to_paint_ms"] = _ms(start_to_paint)
        out["search_ms"] = _ms([d for _t, d in events["search"]])
        out["fill_ms"] = _ms([d for _t, d in events["fill_ms"]])
        out["fill_to_paint_ms"] = _ms([_gap(events["results"], t) for t, _q in events["fill"]])
        out["keys_measured"] = len(key_to_paint)
        out["keys_typed"] = len(typed)
        await pilot.press("enter")  # open the best hit: the reader is part of a session
        await pilot.pause(0.5)
    out["rss_mb"] = _rss_mb()
    return out


def _after(times: list[tuple[float, Any]], t0: float) -> float | None:
    return next((t for t, _ in times if t >= t0), None)


def _gap(times: list[tuple[float, Any]], t0: float) -> float | None:
    after = _after(times, t0)
    return None if after is None else after - t0


def _ms(seconds: list[float | None]) -> list[float]:
    return [round(s * 1000, 2) for s in seconds if s is not None]


def _key_name(ch: str) -> str:
    return {" ": "space", '"': "quotation_mark"}.get(ch, ch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("start", "bare", "type"))
    parser.add_argument("library", type=Path, nargs="?")
    parser.add_argument("--keys", type=int, default=20, help="page-down presses in the list")
    parser.add_argument("--quick", action="store_true", help="type one short word")
    args = parser.parse_args(argv)
    if args.mode != "bare" and os.environ.get("BENCH_DEFAULT_MALLOC") != "1":
        from newsreader.cli import one_malloc_arena

        one_malloc_arena()  # as ``newsreader`` does before its first thread
    if args.mode == "bare":
        result = bare()
    elif args.mode == "start":
        result = start(args.library)
    else:
        queries = ("gaza",) if args.quick else QUERIES
        result = asyncio.run(_type(args.library, args.keys, queries))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
