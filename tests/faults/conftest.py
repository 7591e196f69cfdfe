"""The fault suite: each test attacks real code and adds a row to a table printed at the end.

Default runs use the smoke size; ``pytest tests/faults --run-slow`` runs the full sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.cli.conftest import cli  # noqa: F401  (the CLI fixture, shared)

_ROWS: list[FaultRow] = []


@dataclass
class FaultRow:
    """One line of the fault table."""

    test: str
    cycles: int = 0
    lost: int = 0
    corrupt: int = 0
    crashes: int = 0
    recovered: int = 0
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
