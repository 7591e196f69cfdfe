"""Binding ids, the names config.toml ``[keys]`` remaps keys by: ``area.action_name``.

The area is the part of the app the key acts in (``app``, ``main``, ``list``, ``reader``,
``search``, ``bookmarks``, ``feeds``, ``note``, ``confirm``, ``help``, ``related``); the
action is lower case with underscores. Ids from before the convention keep working,
because users' config files name them.
"""

from __future__ import annotations

from collections.abc import Mapping

OLD_IDS: Mapping[str, str] = {
    "quit": "app.quit",
    "help": "app.help",
    "search": "main.search",
    "bookmarks": "main.bookmarks",
    "switch-pane": "main.switch_pane",
    "back": "main.back",
}
"""Old id -> current id."""


def current_ids(keys: Mapping[str, str]) -> dict[str, str]:
    """``keys`` (binding id -> keys) with old ids renamed; the current id wins when a config
    names a binding both ways."""
    renamed = {OLD_IDS[old]: value for old, value in keys.items() if old in OLD_IDS}
    renamed.update({key: value for key, value in keys.items() if key not in OLD_IDS})
    return renamed
