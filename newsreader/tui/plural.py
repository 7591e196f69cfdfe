"""Counts in words: "1 article", "2 articles"."""

from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the singular or plural noun (``many`` defaults to ``one`` + "s")."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"
