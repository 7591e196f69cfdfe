"""The fault suite: each test attacks real code and adds a row to a table printed at the end.

Default runs use the smoke size; ``pytest tests/faults --run-slow`` runs the full sizes. The
table is also written as Markdown to ``$NEWSREADER_FAULT_TABLE`` when that is set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsreader.context import AppContext
from tests.cli.conftest import cli  # noqa: F401  (the in-process CLI fixture, shared)

_ROWS: list[FaultRow] = []


@dataclass
class FaultRow:
    """One line of the fault table."""

    test: str
    cycles: int = 0
    lost: int = 0
    """Committed writes missing afterwards."""
    corrupt: int = 0
    """Files that failed their integrity check, or an index that did not answer."""
    crashes: int = 0
    """Unhandled exceptions, or processes / apps that died on their own."""
    recovered: int = 0
    """Cases that ended in a sound, usable state (repaired, restored, or told and kept on)."""
    note: str = ""


@pytest.fixture
def full_run(request: pytest.FixtureRequest) -> bool:
    """True when the full fault sizes were asked for (--run-slow)."""
    return bool(request.config.getoption("--run-slow"))


@pytest.fixture
def fault_row(request: pytest.FixtureRequest) -> FaultRow:
    """A row named after the test; the test fills in its counts."""
    row = FaultRow(request.node.name)
    _ROWS.append(row)
    return row


@dataclass
class Saved:
    """What ``save_some_state`` wrote."""

    notes: set[str] = field(default_factory=set)
    read: set[str] = field(default_factory=set)


def save_some_state(ctx: AppContext) -> Saved:
    """Mark two articles read and bookmark a passage in each, through the real store; then
    open the store once more, as the next start of the app does, which takes a snapshot."""
    scan = ctx.library.scan()
    saved = Saved()
    from newsreader.state import StateStore

    store = StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir)
    try:
        for n, summary in enumerate(scan.articles[:2]):
            article = ctx.library.load(summary)
            store.mark_opened(summary)
            store.add_bookmark(article, min(1, len(article.paragraphs) - 1), note=f"saved-{n}")
            saved.notes.add(f"saved-{n}")
            saved.read.add(summary.id)
    finally:
        store.close()
    StateStore.open(ctx.paths.state_file, ctx.paths.snapshot_dir).close()
    assert any(ctx.paths.snapshot_dir.glob("state-*.sqlite3")), "no snapshot was taken"
    return saved


def _table() -> list[str]:
    lines = [
        "| test | cycles | committed writes lost | corrupt files | crashes | recovered | what |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for r in _ROWS:
        lines.append(
            f"| {r.test} | {r.cycles:,} | {r.lost} | {r.corrupt} | {r.crashes} "
            f"| {r.recovered:,} | {r.note} |"
        )
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _ROWS:
        return
    tr = terminalreporter
    tr.section("fault suite")
    header = f"{'test':58} {'cycles':>7} {'lost':>5} {'corrupt':>7} {'crashes':>7} {'recovered':>9}"
    tr.write_line(header)
    tr.write_line("-" * len(header))
    for r in _ROWS:
        tr.write_line(
            f"{r.test[:58]:58} {r.cycles:>7} {r.lost:>5} {r.corrupt:>7} {r.crashes:>7} "
            f"{r.recovered:>9}" + (f"  {r.note}" if r.note else "")
        )
    target = os.environ.get("NEWSREADER_FAULT_TABLE")
    if target:
        Path(target).write_text("\n".join(_table()) + "\n", "utf-8")
        tr.write_line(f"Markdown table written to {target}")
