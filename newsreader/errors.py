"""Exit codes and the one exception type that means "the user gave us bad input"."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, the contract scripts depend on."""

    OK = 0
    UNEXPECTED = 1
    BAD_INPUT = 2


class UserError(Exception):
    """Bad input from the user: shown as one line on stderr, exit code 2, no traceback."""
