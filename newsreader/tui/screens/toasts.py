"""Toasts shown once while a dialog is open.

Textual puts the app's notifications in the active screen's toast rack, and a dialog is a
screen drawn over the one beneath it, which shows through. So a toast raised before the
dialog opened (a star, a saved tag) was drawn twice: by the screen beneath, until it timed
out, and by the dialog. A screen mixing this in hides its rack while another screen is
over it and shows it again when it is the active screen once more.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import Screen

ResultT = TypeVar("ResultT")

RACK = "#textual-toastrack"
"""The id Textual gives the toast rack it adds to every screen (``Screen._compose``)."""


class OwnToasts(Screen[ResultT]):
    """A screen whose toasts are hidden while it is beneath another."""

    def on_screen_suspend(self, _event: events.ScreenSuspend) -> None:
        self._show_toasts(False)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        self._show_toasts(True)

    def _show_toasts(self, shown: bool) -> None:
        for rack in self.query(RACK):
            rack.display = shown
