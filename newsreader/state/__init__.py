"""Reading state and bookmarks: the user's data that cannot be rebuilt. No Textual here."""

from newsreader.state.models import Anchor, Bookmark, ReadingState
from newsreader.state.store import StateStore

__all__ = ["Anchor", "Bookmark", "ReadingState", "StateStore"]
