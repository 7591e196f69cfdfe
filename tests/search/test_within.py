"""``SearchIndex.search(within=…)``: the hits and the total come only from the articles
named, ranked as they would be among all, by the engine and by Whoosh's own ranking alike
(how the app answers ``tag:``, ``is:`` and ``feed:`` together with words)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from tests.search.conftest import Shelf, article_text


@pytest.mark.parametrize("engine_works", [True, False], ids=["engine", "fallback"])
def test_within_keeps_hits_and_total_to_the_articles_named(
    shelf: Callable[..., Shelf], monkeypatch: pytest.MonkeyPatch, engine_works: bool
) -> None:
    from newsreader.search import fallback, whoosh_blocks

    files = {
        f"a{n}.txt": article_text(f"Harbour {n}", "The heron nested by the quay. " * (n + 1))
        for n in range(6)
    }
    files["other.txt"] = article_text("Inland", "No birds here at all.")
    s = shelf(files)
    if not engine_works:

        def unreadable(*_args: object, **_kwargs: object) -> None:
            raise ValueError("not a Whoosh 3 posting list")

        monkeypatch.setattr(fallback, "_logged", set())
        monkeypatch.setattr(logging.getLogger(fallback.LOGGER), "handlers", [])
        monkeypatch.setattr(whoosh_blocks, "_blocks", unreadable)
        s.index.close()
    everyone = s.index.search("heron", limit=10)
    assert everyone.total == 6
    paths = {a.id: a.path_str for a in s.scan().articles}
    chosen = [paths["a1"], paths["a4"], paths["other"]]
    some = s.index.search("heron", limit=10, within=chosen)
    assert some.total == 2
    order = [h.id for h in everyone.hits]
    assert [h.id for h in some.hits] == [i for i in order if i in ("a1", "a4")]
    assert s.index.search("heron", limit=10, within=[]).total == 0
    assert s.index.search("heron", limit=10, within=[paths["other"]]).hits == ()
