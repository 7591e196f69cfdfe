"""Reading state and bookmarks: the user's data that cannot be rebuilt. No Textual here.

Importing the package is cheap: the store (SQLite, anchoring, backups: ~40 ms of imports)
loads on first use, so the TUI can paint its list before it needs the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsreader.state.models import Anchor, Bookmark, ReadingState

if TYPE_CHECKING:
    from newsreader.state.state_store import StateStore

__all__ = ["Anchor", "Bookmark", "ReadingState", "StateStore"]


def __getattr__(name: str) -> object:
    if name == "StateStore":
        from newsreader.state.state_store import StateStore

        return StateStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
