"""The documents of one searcher's index by article path, and back: what restricting a
search to some articles (``within``) and naming a ranked list's articles need. Read from the
path column once per searcher, when first asked."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.search.whoosh_read import Searcher


class DocMap:
    """Path <-> docnum for ``searcher``'s index."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self._by_key: dict[str, int] | None = None
        self._paths: dict[int, str] | None = None

    def _keys(self) -> dict[str, int]:
        from newsreader.search.whoosh_read import doc_keys

        if self._by_key is None:
            self._by_key = doc_keys(self.searcher.reader())
        return self._by_key

    def docnums(self, paths: Collection[str]) -> frozenset[int]:
        """The docnums of ``paths`` (those indexed)."""
        from newsreader.search.schema import path_key

        keys = self._keys()
        return frozenset(d for p in paths if (d := keys.get(path_key(p))) is not None)

    def paths(self) -> dict[int, str]:
        """Docnum -> article path."""
        from newsreader.search.schema import key_path

        if self._paths is None:
            self._paths = {d: key_path(k) for k, d in self._keys().items()}
        return self._paths
