"""The columns of a walk kept between scans, packed: (st_dev, st_ino) pairs in two arrays and
paths in one string. ``walk.Walk.kept`` makes them; ``walk.walk_again`` reads them back.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, MutableSequence, Sequence
from itertools import accumulate


class Inodes(MutableSequence[tuple[int, int]]):
    """(st_dev, st_ino) pairs in two arrays of 64-bit numbers: read, set and deleted one
    index at a time (no slices), and equal only to itself, unlike a list."""

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        self._devs = array("Q")
        self._inos = array("Q")
        self.extend(pairs)

    def __len__(self) -> int:
        return len(self._inos)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._devs, self._inos, strict=True)

    def __getitem__(self, i: int) -> tuple[int, int]:  # type: ignore[override]
        if not isinstance(i, int):
            raise TypeError("Inodes are read one index at a time")
        return self._devs[i], self._inos[i]

    def __setitem__(self, i: int, pair: tuple[int, int]) -> None:  # type: ignore[override]
        self._devs[i], self._inos[i] = pair

    def __delitem__(self, i: int) -> None:  # type: ignore[override]
        del self._devs[i]
        del self._inos[i]

    def insert(self, i: int, pair: tuple[int, int]) -> None:
        self._devs.insert(i, pair[0])
        self._inos.insert(i, pair[1])

    def extend(self, pairs: Iterable[tuple[int, int]]) -> None:
        for dev, ino in pairs:
            self._devs.append(dev)
            self._inos.append(ino)


class PackedPaths(MutableSequence[str]):
    """Paths as one string of what follows their root's name, NUL between them (no path
    holds a NUL), and where each starts. Read only, as a kept walk is: ``walk_again`` copies
    its columns into lists before it changes one."""

    def __init__(self, paths: Sequence[str], roots: tuple[str, ...], root_of: Sequence[int]):
        prefixes = [r if r.endswith(os.sep) else r + os.sep for r in roots]
        if not all(map(str.startswith, paths, map(prefixes.__getitem__, root_of))):
            prefixes = [""] * len(roots)  # a path not spelled from its root: kept whole
        cuts = [slice(len(p), None) for p in prefixes]
        tails = list(map(str.__getitem__, paths, map(cuts.__getitem__, root_of)))
        self._prefixes = prefixes
        self._root_of = root_of
        self._text = "\0".join(tails)
        self._starts = array("I", accumulate(map(len, tails), initial=0))
        """Where each tail starts in ``_text``, less the NULs before it."""

    @classmethod
    def of(
        cls, paths: MutableSequence[str], roots: tuple[str, ...], root_of: Sequence[int]
    ) -> MutableSequence[str]:
        """The paths packed, or as they are when one is not ASCII: a single wide character
        makes the whole string 2 or 4 bytes a character (100k paths with an emoji: 24 MB
        packed against 11 MB as strings)."""
        packed = cls(paths, roots, root_of)
        return packed if packed._text.isascii() else paths

    def __len__(self) -> int:
        return len(self._root_of)

    def __iter__(self) -> Iterator[str]:
        if not self._root_of:
            return iter(())
        prefixes = self._prefixes
        if len(set(prefixes)) == 1:  # one root (C loops: twice as fast as adding each)
            prefix = prefixes[0]
            return iter((prefix + self._text.replace("\0", "\0" + prefix)).split("\0"))
        return map(
            str.__add__, map(self._prefixes.__getitem__, self._root_of), self._text.split("\0")
        )

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        if not isinstance(i, int):
            raise TypeError("packed paths are read one index at a time")
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("packed path index out of range")
        start, stop = self._starts[i] + i, self._starts[i + 1] + i
        return self._prefixes[self._root_of[i]] + self._text[start:stop]

    def __setitem__(self, i: int, path: str) -> None:  # type: ignore[override]
        raise TypeError("packed paths are read only")

    def __delitem__(self, i: int) -> None:  # type: ignore[override]
        raise TypeError("packed paths are read only")

    def insert(self, i: int, path: str) -> None:
        raise TypeError("packed paths are read only")
