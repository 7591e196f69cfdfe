"""Make the README pictures from the real app: list+reader, search, bookmarks (SVG and PNG).

    python screenshots/make_screenshots.py            # writes screenshots/*.svg and *.png

A temporary library (the bundled seed plus a few short made-up articles) and temporary
per-user folders are used, so your own state is never touched. PNGs need ``rsvg-convert``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

ARTICLES = [
    (
        "Ceasefire talks resume in Cairo as mediators push for a deal",
        date(2024, 5, 3),
        "CAIRO",
        [
            "Mediators from Egypt and Qatar met both delegations on Friday, hoping to turn a "
            "week of shuttle diplomacy into a written ceasefire before the holiday weekend.",
            "Officials close to the talks said the draft covers a six-week pause, the release "
            "of hostages in stages and more aid trucks through the southern crossings.",
            "“Nobody is leaving the room until there is a text,” one diplomat said, asking not "
            "to be named because the negotiations are private.",
            "A previous round collapsed in March over the sequence of releases and the return "
            "of displaced families to the north.",
        ],
    ),
    (
        "Harbour strike ends after ten days as dockers accept pay offer",
        date(2024, 4, 22),
        "ROTTERDAM",
        [
            "Dock workers voted to return to work on Monday after the port authority raised its "
            "offer to a 7 per cent rise over two years.",
            "Hundreds of container ships had queued off the coast, and retailers warned of empty "
            "shelves if the stoppage ran into May.",
            "The union said the deal also limits night shifts for workers over sixty.",
        ],
    ),
    (
        "Drought threatens the wheat harvest across the plains",
        date(2024, 4, 9),
        "NAIROBI",
        [
            "Farmers across the region are bracing for the smallest harvest in a decade after the "
            "long rains failed for a second year.",
            "The agriculture ministry said it would release seed reserves and subsidise "
            "irrigation pumps for smallholders.",
            "Aid agencies warned that food prices, already high, could rise further by the summer.",
        ],
    ),
    (
        "Museum returns looted bronzes to their home city",
        date(2024, 3, 20),
        "BENIN CITY",
        [
            "Twenty bronze plaques taken in 1897 were handed back in a ceremony attended by "
            "thousands, the largest return of its kind so far.",
            "Curators said the plaques will be shown in a new museum due to open next year, "
            "alongside works lent by collections abroad.",
        ],
    ),
    (
        "Parliament passes a contested budget after an all-night session",
        date(2024, 2, 29),
        "LONDON",
        [
            "The budget passed by eleven votes shortly after dawn, ending a debate that ran for "
            "more than fourteen hours.",
            "Opposition members said the spending plans rely on growth forecasts that few "
            "economists share.",
            "The finance minister called the vote “a mandate for steady hands”.",
        ],
    ),
    (
        "Scientists map deep-sea vents teeming with life",
        date(2024, 2, 13),
        "SYDNEY",
        [
            "An expedition using remotely operated vehicles has mapped a field of hydrothermal "
            "vents two kilometres below the surface.",
            "The team counted dozens of species that may be new to science, including a pale "
            "crab that appears to farm bacteria on its claws.",
        ],
    ),
    (
        "Election commission sets a date for the runoff vote",
        date(2024, 1, 30),
        "LAGOS",
        [
            "The runoff will be held on March 2, the commission said, after no candidate passed "
            "the threshold in the first round.",
            "Observers praised the count but called for faster publication of results from "
            "polling stations.",
        ],
    ),
]


def make_library(root: Path) -> Path:
    """The seed article plus the made-up ones above."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "seeds" / "000_ccd60dcd14a62a27.txt", root)
    for i, (title, day, place, paragraphs) in enumerate(ARTICLES, 1):
        body = "\n\n".join([f"{place}: {paragraphs[0]}", *paragraphs[1:]])
        (root / f"{i:03d}.txt").write_text(f"{title}\n\n{day:%a %b %d %Y}\n\n{body}\n", "utf-8")
    return root


async def shoot(library: Path, name: str, size: tuple[int, int], keys: list[str]) -> Path:
    """Drive the app with ``keys`` and save an SVG of what it shows."""
    from newsreader.context import build_context
    from newsreader.tui.app import make_app

    app = make_app(build_context([library]), poll_seconds=None)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            if key.startswith("type:"):
                for ch in key[5:]:
                    await pilot.press("space" if ch == " " else ch)
            else:
                await pilot.press(key)
            await settle(pilot)
        app.clear_notifications()
        await pilot.pause(0.2)
        path = app.save_screenshot(f"{name}.svg", str(HERE))
    return Path(path)


async def settle(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        if not any(w.is_running for w in app.workers) and not any(
            pane.pending for pane in app.query("SearchPane")
        ):
            break


def to_png(svg: Path) -> None:
    """rsvg-convert, keeping the leading spaces of each text run."""
    if shutil.which("rsvg-convert") is None:
        return
    text = svg.read_text("utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1)
    fixed = svg.with_suffix(".tmp.svg")
    fixed.write_text(text, "utf-8")
    try:
        subprocess.run(["rsvg-convert", "-o", str(svg.with_suffix(".png")), str(fixed)], check=True)
    finally:
        fixed.unlink()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        for var, sub in (
            ("XDG_DATA_HOME", "data"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_CONFIG_HOME", "config"),
        ):
            os.environ[var] = str(home / sub)
        library = make_library(home / "library")
        # Each shot starts on the list at its first row, not where the last one stopped.
        (home / "config" / "newsreader").mkdir(parents=True)
        (home / "config" / "newsreader" / "config.toml").write_text("reopen_last = false\n")
        shots = [
            ("list-and-reader", (120, 40), ["g", "j", "enter", "right_square_bracket"]),
            ("search", (120, 40), ["slash", "type:ceasefire", "down", "down", "enter"]),
            (
                "bookmarks",
                (120, 40),
                [
                    "g",
                    "enter",
                    "right_square_bracket",
                    "b",
                    "type:quote for the briefing",
                    "enter",
                    "escape",
                    "j",
                    "enter",
                    "right_square_bracket",
                    "right_square_bracket",
                    "b",
                    "enter",
                    "B",
                ],
            ),
            ("narrow-reader", (80, 24), ["g", "enter", "right_square_bracket"]),
        ]
        for name, size, keys in shots:
            svg = await shoot(library, name, size, keys)
            to_png(svg)
            print(svg.relative_to(REPO), file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
