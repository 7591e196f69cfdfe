"""Helpers for search tests: small real libraries on disk and a real index in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsreader.library import Library, LibraryScan
from newsreader.search import IndexReport, SearchIndex


def article_text(title: str, *paragraphs: str, day: str = "Mon May 06 2024") -> str:
    """An article in the seed format."""
    return "\n\n".join([title, day, *paragraphs]) + "\n"


class Shelf:
    """A library folder whose files a test can add, change and delete, with its index."""

    def __init__(self, root: Path, index_dir: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.library = Library((root,), root.parent / f"{root.name}-catalog.sqlite3")
        self.index_dir = index_dir
        self.index = SearchIndex(index_dir)
        self._tick = 0

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        # Distinct mtimes even when a test writes twice within the clock's resolution.
        self._tick += 1
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + self._tick * 1_000_000))
        return path

    def scan(self) -> LibraryScan:
        return self.library.scan()

    def update(
        self,
        *,
        rebuild: bool = False,
        procs: int = 1,
        progress: Callable[[int, int], None] | None = None,
    ) -> IndexReport:
        return self.index.update(
            self.scan(), self.library, rebuild=rebuild, procs=procs, progress=progress
        )

    def ids(self, query: str, limit: int = 20) -> list[str]:
        return [h.id for h in self.index.search(query, limit=limit).hits]


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[Callable[..., Shelf]]:
    """Make a Shelf: ``shelf({"a.txt": text, ...})`` writes the files and indexes them."""
    made: list[Shelf] = []

    def make(files: dict[str, str] | None = None, name: str = "lib") -> Shelf:
        s = Shelf(tmp_path / name, tmp_path / f"{name}-index")
        for fname, text in (files or {}).items():
            s.write(fname, text)
        s.update()
        made.append(s)
        return s

    yield make
    for s in made:
        s.index.close()
