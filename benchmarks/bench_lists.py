"""Lists and saved searches in the real app (headless, in this process): how long choosing a
list takes to repaint the article list, and how long a new article takes to reach a saved
search that is shown. Prints a Markdown table; the numbers go in benchmarks/README.md.

    python benchmarks/bench_lists.py [--articles 10000] [--rounds 3] [--arrivals 10]
        [--workdir DIR]

The library is ``corpus.py``'s; 50 tags spread over the articles (the user's own), every
tenth article starred, 20 saved searches. A switch is chosen in the list picker (``L``, then
Enter on the list: the picker's own selection, the modal closing, the list repainted). The
baseline, measured in the same run, is the list's existing read filter (``M``): the same
rows changing and repainting, without a list. Every other arrival is another version of the
one before it, so it is folded into that story's row: it counts as shown when its story's
row is shown and painted after the change.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from benchmarks.run import machine

TAGS = [f"topic-{n:02d}" for n in range(50)]
SAVED = [
    ("ceasefire", "ceasefire", "relevance"),
    ("inflation", "inflation prices", "date"),
    ("un", '"united nations"', "relevance"),
    ("talks-03", "tag:topic-03 talks", "date"),
    ("unread military", "is:unread military", "relevance"),
    ("starred", "is:starred", "date"),
    ("hostages", "hostages released", "relevance"),
    ("gaza", "gaza -rafah", "relevance"),
    ("election", "election vote", "date"),
    ("court", "court ruling", "relevance"),
    ("energy", "oil OR energy", "relevance"),
    ("refugees", "refugees aid", "date"),
    ("sanctions", "sanctions", "relevance"),
    ("troops", "troops withdrawal", "relevance"),
    ("budget", "budget taxes", "date"),
    ("police", "police protest", "relevance"),
    ("topic-10", "tag:topic-10", "date"),
    ("health", "health ministry", "relevance"),
    ("drones", "drone OR drones", "relevance"),
    ("peace", "peace agreement", "date"),
]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _prepare(workdir: Path, n: int) -> Path:
    """The library, its index and the state file (tags, stars, saved searches)."""
    from newsreader.context import build_context
    from newsreader.paths import ensure_dir
    from newsreader.search.index import SearchIndex
    from newsreader.state import StateStore, organising, records

    library = workdir / "library"
    if not library.is_dir():
        write_corpus(library, n)
    for left in library.glob("z-new-*.txt"):  # the arrivals of an earlier run
        left.unlink()
    ctx = build_context([library])
    scan = ctx.library.scan()
    ensure_dir(ctx.paths.index_root, "cache")
    index = SearchIndex(ctx.index_dir)
    index.update(scan, ctx.library, procs=2)
    index.close()
    store = StateStore.open(ctx.paths.state_file)
    when = records.now()

    def organise(conn: Any) -> None:
        for i, a in enumerate(scan.articles):
            tags = [TAGS[i % 50]] + ([TAGS[(i * 7) % 50]] if i % 3 == 0 else [])
            organising.change_tags(conn, a, tags, [], when)
            if i % 10 == 0:
                organising.set_starred(conn, a, True, when)

    store._file.write(organise)  # one transaction, not 10k fsyncs
    for name, query, sort in SAVED:
        store.save_search(name, query, sort)
    store.close()
    return library


async def _drive(library: Path, rounds: int, arrivals: int) -> dict[str, Any]:
    from textual.widgets import OptionList
    from textual.worker import WorkerCancelled

    from newsreader.app.lists import entries
    from newsreader.context import build_context
    from newsreader.tui.app import make_app
    from newsreader.tui.rows import ArticleRows
    from newsreader.tui.screens.list_picker import ListPicker
    from newsreader.tui.widgets.article_list import ArticleList

    paints: list[float] = []
    applied: list[float] = []
    original_render = ArticleList.render_lines

    def render_lines(self: Any, crop: Any) -> Any:
        lines = original_render(self, crop)
        paints.append(time.perf_counter())
        return lines

    def changed_after(method: Any) -> Any:
        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            out = method(self, *args, **kwargs)
            applied.append(time.perf_counter())
            return out

        return wrapped

    # Where the rows change: a list's picked on the UI thread (choose) or handed over by a
    # worker (install), or in trees before those set_narrow; the read filter; the stories.
    for name in ("choose", "install", "set_narrow", "toggle_filter", "set_stories"):
        if hasattr(ArticleRows, name):
            setattr(ArticleRows, name, changed_after(getattr(ArticleRows, name)))
    ArticleList.render_lines = render_lines  # type: ignore[method-assign]
    app = make_app(build_context([library]), poll_seconds=None)
    out: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:

        async def settle() -> None:
            for _ in range(200):
                try:
                    await app.workers.wait_for_complete()
                except WorkerCancelled:
                    continue
                await pilot.pause()
                if not any(w.is_running for w in app.workers):
                    break

        async def repainted(start: float, *, timeout: float = 30) -> float:
            """Seconds from ``start`` to the first paint after the rows last changed."""
            deadline = time.perf_counter() + timeout
            while time.perf_counter() < deadline:
                await pilot.pause(0.001)
                done = [t for t in applied if t >= start]
                if done and any(p >= done[-1] for p in paints) and not _busy():
                    return min(p for p in paints if p >= done[-1]) - start
            raise TimeoutError("the list was not repainted")

        def _busy() -> bool:
            return any(w.is_running and w.group == "lists" for w in app.workers)

        await settle()
        screen = app.main_screen
        org = screen.organising
        # The lists' side (list_flow) and the shelf, in this tree or the one before it.
        lists = getattr(screen, "lists", org)
        shelf_of = getattr(org, "shelf", None) or org._shelf
        session = screen.session
        started = time.perf_counter()
        store = session.store()
        assert store is not None
        found = await asyncio.to_thread(
            lambda: entries(shelf_of(), store.saved_searches(), session.index().ranked_paths)
        )
        out["count every list"] = time.perf_counter() - started
        out["lists"] = len(found)
        kinds = [e for e in found if e.kind in ("all", "unread", "starred", "tag", "saved")]
        times: dict[str, list[float]] = {
            "tag": [],
            "saved": [],
            "saved first": [],
            "other": [],
            "filter": [],
        }

        async def pick(entry: Any) -> float:
            """Open the picker, wait for its counts, choose ``entry``: seconds to repaint."""
            screen.show_lists()
            for _ in range(2000):
                if isinstance(app.screen, ListPicker) and app.screen.is_mounted:
                    break
                await pilot.pause(0.005)
            picker = app.screen
            assert isinstance(picker, ListPicker)
            await settle()  # the user reads the counts before choosing
            [n] = [
                i
                for i, e in enumerate(picker.entries)
                if (e.kind, e.name) == (entry.kind, entry.name)
            ]
            options = picker.query_one(OptionList)
            options.highlighted = options.get_option_index(f"list-{n}")
            await pilot.pause()
            t0 = time.perf_counter()
            options.action_select()  # Enter: the picker's selection, dismissed, chosen
            return await repainted(t0)

        each: list[tuple[float, int, str]] = []
        for round_ in range(rounds):
            for entry in kinds:
                elapsed = await pick(entry)
                kind = entry.kind if entry.kind in times else "other"
                if kind == "saved" and round_ == 0:  # searched; later rounds are remembered
                    kind = "saved first"
                times[kind].append(elapsed)
                each.append((elapsed, round_, entry.label))
            lists.choose(found[0])  # All
            await settle()
            for _ in range(4):
                t0 = time.perf_counter()
                screen.toggle_read_filter()
                times["filter"].append(await repainted(t0))
        out["times"] = times
        out["slowest"] = sorted(each, reverse=True)[:5]
        # A new article arrives while a saved search is shown.
        saved = next(e for e in found if e.kind == "saved" and e.name == "ceasefire")
        lists.choose(saved)
        await settle()
        arrived: list[float] = []
        index_times: list[float] = []
        original_updated = type(screen).on_index_updated
        updated: list[float] = []

        def on_index_updated(self: Any, message: Any) -> None:
            updated.append(time.perf_counter())
            original_updated(self, message)

        type(screen).on_index_updated = on_index_updated  # type: ignore[method-assign]
        rows = screen.rows
        folded = 0
        for k in range(arrivals):
            name = f"z-new-{k}.txt"
            (library / name).write_text(_arrival(k), encoding="utf-8")
            t0 = time.perf_counter()
            screen.sync.rescan()  # what a feed fetch does when it saved files
            deadline = t0 + 30
            new_id = name[:-4]
            while time.perf_counter() < deadline:
                await pilot.pause(0.005)
                # Shown on its own row, or on its story's row (folded under a version).
                shown = rows.index_of(rows.lead_of(new_id)) is not None
                if shown and paints[-1] >= applied[-1]:
                    break
            arrived.append(time.perf_counter() - t0)
            await settle()
            folded += rows.lead_of(new_id) != new_id
            index_times.append(max(u for u in updated if u >= t0) - t0)
        out["arrival"] = arrived
        out["folded"] = folded
        out["index only"] = index_times
    return out


_WORDS = [
    "border",
    "crossing",
    "convoy",
    "envoy",
    "harbour",
    "grain",
    "ministry",
    "observers",
    "monsoon",
    "refinery",
    "shipyard",
    "tribunal",
    "vaccine",
    "villagers",
    "wildfire",
    "courier",
    "bridge",
    "archive",
    "orchestra",
    "glacier",
]


def _arrival(k: int) -> str:
    """Article ``k`` to arrive: even ones each a story of their own, odd ones another
    version of the one before (its story's row stands for both)."""
    base = k - k % 2
    words = [_WORDS[(base * 7 + i * 3) % len(_WORDS)] for i in range(12)]
    body = (
        f"The ceasefire held again today near the {words[0]}, officials said; "
        + " ".join(words)
        + f" and the {words[1]} stayed quiet in round {base}."
    )
    if k % 2:
        body += " A later edition added this line."
    return f"Ceasefire news {k}\n\nMon May 06 2024\n\n{body}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--arrivals", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newsreader-lists-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[var] = str(workdir / "xdg" / var.lower())
    print(f"Machine: {machine()} (at start)\n", flush=True)
    began = time.perf_counter()
    library = _prepare(workdir, args.articles)
    prepared = time.perf_counter() - began
    out = asyncio.run(_drive(library, args.rounds, args.arrivals))
    times = out["times"]
    switch = times["tag"] + times["saved"] + times["saved first"] + times["other"]
    base = times["filter"]
    ms = 1000.0

    def pair(values: list[float]) -> str:
        return f"{statistics.median(values) * ms:.1f} / {_p95(values) * ms:.1f} ms"

    ratio = _p95(switch) / _p95(base) if base and _p95(base) > 0 else float("nan")
    arrival = out["arrival"]
    rows = [
        (
            f"switching lists to repainted list, median / p95 ({len(switch)} switches)",
            pair(switch),
            f"read filter `M`: {pair(base)}",
            f"{ratio:.2f}x",
            "p95 <= 50 ms",
            "yes" if _p95(switch) <= 0.05 else "no",
        ),
        ("  a tag list", pair(times["tag"]), "", "", "", ""),
        ("  a saved search, first shown (searched)", pair(times["saved first"]), "", "", "", ""),
        (
            "  a saved search, shown again (remembered)",
            pair(times["saved"] or [0.0]),
            "",
            "",
            "",
            "",
        ),
        ("  All, Unread, Starred", pair(times["other"]), "", "", "", ""),
        (
            f"new article to its saved search repainted (rescan as after a fetch; "
            f"{len(arrival)} arrivals, {out['folded']} folded into a story)",
            pair(arrival),
            f"rescan + index update alone: {pair(out['index only'])}",
            f"{statistics.median(arrival) / statistics.median(out['index only']):.2f}x",
            "<= 1 s",
            "yes" if max(arrival) <= 1.0 else "no",
        ),
        (
            f"counting all {out['lists']} lists for the picker (L)",
            pair([out["count every list"]]),
            "",
            "",
            "",
            "",
        ),
    ]
    print(
        f"{args.articles:,} articles, {len(TAGS)} tags, {len(SAVED)} saved searches; "
        f"setup (corpus, index, state) {prepared:.0f} s\n"
    )
    print("| measure | newsreader | baseline | ratio | target | met |\n|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    slowest = ", ".join(
        f"{t * ms:.0f} ms {label} (round {r + 1})" for t, r, label in out["slowest"]
    )
    print(f"\nSlowest switches: {slowest}")
    print(f"\nMachine: {machine()} (at the end)")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
