"""Import Whoosh without the standard modules a search never uses.

``whoosh.compat`` imports ``urllib.request`` (for ``urlretrieve``, which nothing here calls;
with it come ``http.client``, ``email``, ``ssl`` and ``socket``), and ``whoosh.reading``
imports the ``cached_property`` package, which imports ``asyncio`` (and with it
``concurrent.futures`` and ``logging``) to ask whether a property is a coroutine. Together
they are most of the cost of importing Whoosh, and so of a whole ``newsreader search``. So
is ``whoosh.lang.morph_en``, which ``whoosh.query`` imports for its ``Variations`` query (not
one we make) and which compiles a few very large regular expressions when imported.

``prepare()`` imports those Whoosh modules with stand-ins in ``sys.modules``: a
``urllib.request`` whose ``urlretrieve`` imports the real one when called, the same for
``morph_en.variations``, and a
``cached_property`` that is ``functools.cached_property`` (the same caching in the instance's
``__dict__``; Whoosh decorates no coroutine). The stand-ins are taken out again at once, so
a later ``import urllib.request`` or ``import cached_property`` gets the real module. Only in
a process with one thread (the command line) and only for modules not loaded yet: another
thread could otherwise import one of them mid-swap.
"""

from __future__ import annotations

import functools
import sys
import threading
import types
from typing import Any


def prepare() -> None:
    """Import Whoosh's query modules (and with them ``compat`` and ``reading``) lean, as
    above; call it before anything imports Whoosh, when a search will need it."""
    if "whoosh" in sys.modules or threading.active_count() != 1:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    if "urllib.request" not in sys.modules:
        request = types.ModuleType("urllib.request")
        request.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
        stand_ins["urllib.request"] = request
    if "whoosh.lang.morph_en" not in sys.modules:
        morph = types.ModuleType("whoosh.lang.morph_en")
        morph.variations = _variations  # type: ignore[attr-defined]
        stand_ins["whoosh.lang.morph_en"] = morph
    if "cached_property" not in sys.modules:
        cached = types.ModuleType("cached_property")
        cached.cached_property = functools.cached_property  # type: ignore[attr-defined]
        stand_ins["cached_property"] = cached
    sys.modules.update(stand_ins)
    try:
        import whoosh.query  # noqa: F401  (imports whoosh.compat and whoosh.reading)
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _variations(word: str) -> Any:
    from whoosh.lang.morph_en import variations

    return variations(word)
