"""Find candidate article files under library roots: one ``stat`` per file and no other work.

This is the whole cost of checking an unchanged library (a 10k-file check is mostly these
stats), so it builds plain lists, not an object per file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import struct
from array import array
from collections.abc import MutableSequence
from operator import attrgetter
from pathlib import Path
from stat import S_ISREG

from newsreader.library import parse
from newsreader.library.article import Skipped
from newsreader.library.walk_columns import Inodes as Inodes
from newsreader.library.walk_columns import PackedPaths as PackedPaths

SUFFIXES = tuple(sorted(parse.SUFFIXES))
"""Article suffixes, lower case, as a tuple for ``str.endswith``."""

# Files are stat-ed a batch at a time: 100k stat results alive at once (~40 MB) made every
# stat of a 100k folder slower in fresh memory (a 100k walk: ~10-20% longer).
_BATCH = 512
_IFMT = 0o170000
_IFREG = stat.S_IFREG
_IFDIR = stat.S_IFDIR
_stat = os.DirEntry.stat
_is_symlink = os.DirEntry.is_symlink
_path = attrgetter("path")
_mode = attrgetter("st_mode")
_size = attrgetter("st_size")
_mtime = attrgetter("st_mtime_ns")
_inode = attrgetter("st_dev", "st_ino")


class Walk:
    """What a walk found: parallel lists, one item per file, roots in order."""

    __slots__ = (
        "folders",
        "inodes",
        "links",
        "mtimes",
        "paths",
        "root_of",
        "roots",
        "sizes",
        "skipped",
    )

    def __init__(
        self,
        roots: tuple[str, ...],
        paths: MutableSequence[str] | None = None,
        sizes: MutableSequence[int] | None = None,
        mtimes: MutableSequence[int] | None = None,
        inodes: MutableSequence[tuple[int, int]] | None = None,
        root_of: MutableSequence[int] | None = None,
        skipped: list[Skipped] | None = None,
        folders: list[str] | None = None,
        links: int = 0,
    ) -> None:
        self.roots = roots
        self.paths: MutableSequence[str] = [] if paths is None else paths
        self.sizes: MutableSequence[int] = [] if sizes is None else sizes
        self.mtimes: MutableSequence[int] = [] if mtimes is None else mtimes
        self.inodes: MutableSequence[tuple[int, int]] = [] if inodes is None else inodes
        self.root_of: MutableSequence[int] = [] if root_of is None else root_of
        """The index of each file's root in ``roots``."""
        self.skipped = [] if skipped is None else skipped
        """Broken links, loops, FIFOs, unreadable folders: found again by every walk."""
        self.folders = [] if folders is None else folders
        """Every folder walked through, in walk order."""
        self.links = links
        """How many files were reached through a symlink."""

    def copy(self) -> Walk:
        """Another walk of the same lists: sorting one leaves the other's order as it was
        (``sort`` puts new lists in place)."""
        return Walk(
            self.roots,
            self.paths,
            self.sizes,
            self.mtimes,
            self.inodes,
            self.root_of,
            self.skipped,
            self.folders,
            self.links,
        )

    def kept(self) -> Walk:
        """This walk with its columns packed, for one kept between scans (a watched
        library's): as lists of ints and (st_dev, st_ino) tuples the numbers held ~190 bytes
        a file, as arrays ~38 (tracemalloc, 3,000 files), and the paths ~90 bytes a file as
        strings (100k files). A change to the folders copies it into lists again
        (``walk_again``). A number no 64-bit array holds (a negative device number on some
        systems) keeps the lists."""
        try:
            root_of = array("i", self.root_of)
            return Walk(
                self.roots,
                PackedPaths.of(self.paths, self.roots, root_of),
                array("q", self.sizes),
                array("q", self.mtimes),
                Inodes(self.inodes),
                root_of,
                self.skipped,
                self.folders,
                self.links,
            )
        except OverflowError:
            return self

    def signature(self) -> dict[str, tuple[int, int]]:
        """Each file's (size, mtime_ns) by path."""
        return dict(zip(self.paths, zip(self.sizes, self.mtimes, strict=True), strict=True))

    def digest(self, max_bytes: int) -> bytes:
        """A 16-byte digest of what was found (roots, paths, sizes, mtimes, in this order)."""
        h = hashlib.blake2b(digest_size=16)
        h.update(struct.pack("<3Q", max_bytes, len(self.roots), len(self.paths)))
        h.update("\0".join((*self.roots, *self.paths)).encode("utf-8", "surrogatepass"))
        h.update(array("q", self.sizes))
        h.update(array("q", self.mtimes))
        return h.digest()

    def rels(self) -> list[str]:
        """Each file's path relative to its root, with ``/`` separators."""
        cut = [len(r) + 1 for r in self.roots]
        rels = [p[cut[i] :] for p, i in zip(self.paths, self.root_of, strict=True)]
        if os.sep != "/":
            rels = [r.replace(os.sep, "/") for r in rels]
        return rels

    def sort(self) -> None:
        """Order the files by (root, relative path) and drop second sightings of a file
        (through a symlink, a hard link or a nested root): the first in that order stays."""
        # Files are grouped by root already; within one root a path orders as its relative
        # path does (same prefix), so plain strings are sorted, not (root, rel) tuples.
        key = (self.paths if os.sep == "/" else self.rels()).__getitem__
        order: list[int] = []
        lo = 0
        for index in range(len(self.roots)):
            hi = lo + self.root_of.count(index)
            order += sorted(range(lo, hi), key=key)
            lo = hi
        if self.has_duplicates():
            seen: set[tuple[int, int]] = set()
            keep = []
            for i in order:
                if self.inodes[i] not in seen:
                    seen.add(self.inodes[i])
                    keep.append(i)
            order = keep
        self.paths = [self.paths[i] for i in order]
        self.sizes = [self.sizes[i] for i in order]
        self.mtimes = [self.mtimes[i] for i in order]
        self.inodes = [self.inodes[i] for i in order]
        self.root_of = [self.root_of[i] for i in order]

    def has_duplicates(self) -> bool:
        """True when some file was reached twice (it would be listed twice)."""
        return len(set(self.inodes)) != len(self.inodes)


def walk(roots: tuple[Path, ...]) -> Walk:
    """Walk the roots (following symlinks, never looping), depth first in ``os.scandir``
    order. No recursion: a folder 10,000 levels deep is walked like a shallow one."""
    out = Walk(tuple(str(r) for r in roots))
    seen_dirs: set[tuple[int, int]] = set()
    for index, root in enumerate(out.roots):
        before = len(out.paths)
        pending = [root]
        while pending:
            folders: list[str] = []
            _walk_dir(pending.pop(), seen_dirs, out, folders)
            pending += reversed(folders)
        out.root_of += [index] * (len(out.paths) - before)
    return out


def _walk_dir(folder: str, seen: set[tuple[int, int]], out: Walk, folders: list[str]) -> None:
    """Add the files of ``folder`` to ``out`` and its sub-folders to ``folders``."""
    try:
        st = os.stat(folder)
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return
    seen.add(key)
    out.folders.append(folder)
    batch: list[os.DirEntry[str]] = []
    others: list[os.DirEntry[str]] = []
    try:
        with os.scandir(folder) as it:
            for e in it:
                name = e.name
                if name[0] == ".":
                    continue
                if not name.lower().endswith(SUFFIXES):
                    others.append(e)
                    continue
                batch.append(e)
                if len(batch) == _BATCH:
                    _add_files(batch, out, folders)
                    batch = []
    except OSError as exc:
        out.skipped.append(Skipped(Path(folder), f"unreadable folder: {exc.strerror}"))
        return
    _add_files(batch, out, folders)
    for e in others:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            folders.append(e.path)


def _add_files(files: list[os.DirEntry[str]], out: Walk, folders: list[str]) -> None:
    try:  # the usual case: every stat succeeds and every file is a regular one (C loops)
        stats = list(map(_stat, files))
        regular = all(map(S_ISREG, map(_mode, stats)))
    except OSError:
        regular = False
    out.links += sum(map(_is_symlink, files))
    if regular:
        out.paths += map(_path, files)
        out.sizes += map(_size, stats)
        out.mtimes += map(_mtime, stats)
        out.inodes += map(_inode, stats)
    else:
        for e in files:
            _one(e, out, folders)


def _one(entry: os.DirEntry[str], out: Walk, folders: list[str]) -> None:
    try:
        st = entry.stat()
    except FileNotFoundError:
        out.skipped.append(Skipped(Path(entry.path), "broken symlink"))
        return
    except OSError as exc:
        reason = "symlink loop" if exc.errno == errno.ELOOP else f"unreadable: {exc.strerror}"
        out.skipped.append(Skipped(Path(entry.path), reason))
        return
    kind = st.st_mode & _IFMT
    if kind == _IFDIR:  # a folder named like an article
        folders.append(entry.path)
    elif kind != _IFREG:
        out.skipped.append(Skipped(Path(entry.path), "not a regular file"))
    else:
        out.paths.append(entry.path)
        out.sizes.append(st.st_size)
        out.mtimes.append(st.st_mtime_ns)
        out.inodes.append((st.st_dev, st.st_ino))


def walk_again(w: Walk, files: set[str]) -> tuple[Walk, dict[str, tuple[int, int] | None]] | None:
    """What a walk of ``w``'s roots would find now when only ``files`` (paths in the folders
    ``w`` went through, from a folder watch's events) can have changed: a new ``Walk`` (``w``
    is left as it was) and each path whose stat changed, to its (size, mtime_ns), None when
    it went. None when only a walk can tell: something other than a regular file under an
    article's name (a link, a folder, a FIFO), a file ``w`` skipped, or a new file in a
    library of several roots (its place in their order) or reached twice (a hard link)."""
    named = sorted(p for p in files if p.rpartition("/")[2].lower().endswith(SUFFIXES))
    skipped = {str(s.path) for s in w.skipped}
    paths = list(w.paths)
    index = dict(zip(paths, range(len(paths)), strict=True))
    found: dict[str, os.stat_result | None] = {}
    for path in named:
        if path in skipped:
            return None
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            found[path] = None
            continue
        except OSError:
            return None
        if not S_ISREG(st.st_mode):
            return None
        found[path] = st
    new = [(st.st_dev, st.st_ino) for p, st in found.items() if st is not None and p not in index]
    if new:
        # A file moved here is the one that left its old name (one inode); any other inode
        # listed already is a second name for a listed file.
        taken = set(w.inodes).difference(w.inodes[index[p]] for p in found if p in index)
        if len(w.roots) != 1 or len(set(new)) != len(new) or not taken.isdisjoint(new):
            return None
    out = Walk(
        w.roots,
        paths,
        list(w.sizes),
        list(w.mtimes),
        list(w.inodes),
        list(w.root_of),
        list(w.skipped),
        list(w.folders),
        w.links,
    )
    changed: dict[str, tuple[int, int] | None] = {}
    gone: list[int] = []
    for path, now in found.items():
        i = index.get(path)
        if now is None:
            if i is not None:
                gone.append(i)
                changed[path] = None
            continue
        stats = (now.st_size, now.st_mtime_ns)
        if i is None:  # new: listed after the others (a walk's order may differ)
            out.paths.append(path)
            out.sizes.append(stats[0])
            out.mtimes.append(stats[1])
            out.inodes.append((now.st_dev, now.st_ino))
            out.root_of.append(0)
            changed[path] = stats
        else:
            out.inodes[i] = (now.st_dev, now.st_ino)  # replaced by a rename: another file
            if stats != (out.sizes[i], out.mtimes[i]):
                out.sizes[i], out.mtimes[i] = stats
                changed[path] = stats
    for i in sorted(gone, reverse=True):
        for column in (out.paths, out.sizes, out.mtimes, out.inodes, out.root_of):
            del column[i]
    return out, changed
