"""Knowing that nothing under the library roots changed without walking them: Linux inotify
on every folder a walk went through, for a process that scans the same library again and
again (the search server).

Trusted only where the kernel sees every change: on a local filesystem (a network or FUSE
mount changes without events), and with no article reached through a symlink to a file
(its target's folder is not watched). Anything else, or any doubt (an event queue that
overflowed, a root that is now another folder), means "changed", and the caller walks as
usual. A watch is armed before the walk it vouches for, so a change during that walk counts
as a change.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.library.walk import Walk

_IN_NONBLOCK = 0o4000
_IN_CLOEXEC = 0o2000000
_IN_ISDIR = 0x40000000
_IN_Q_OVERFLOW = 0x4000
_IN_IGNORED = 0x8000
_IN_DELETE_SELF = 0x400
_IN_MOVE_SELF = 0x800
_STRUCTURE = _IN_ISDIR | _IN_Q_OVERFLOW | _IN_IGNORED | _IN_DELETE_SELF | _IN_MOVE_SELF
"""Events that change which folders there are (or lost events): only a walk tells what."""
_MASK = (
    0x2  # IN_MODIFY
    | 0x4  # IN_ATTRIB (touch, chmod)
    | 0x8  # IN_CLOSE_WRITE
    | 0x40  # IN_MOVED_FROM
    | 0x80  # IN_MOVED_TO
    | 0x100  # IN_CREATE
    | 0x200  # IN_DELETE
    | 0x400  # IN_DELETE_SELF
    | 0x800  # IN_MOVE_SELF
    | 0x01000000  # IN_ONLYDIR
)
_EVENT = struct.Struct("iIII")
# statfs f_type of filesystems whose changes all go through this kernel.
_LOCAL_FILESYSTEMS = frozenset(
    {
        0xEF53,  # ext2/3/4
        0x58465342,  # xfs
        0x9123683E,  # btrfs
        0x01021994,  # tmpfs
        0x858458F6,  # ramfs
        0x794C7630,  # overlayfs
        0xF2F52010,  # f2fs
        0x2FC12FC1,  # zfs
        0xCA451A4E,  # bcachefs
        0x3153464A,  # jfs
        0x52654973,  # reiserfs
        0x4D44,  # vfat
        0x2011BAB0,  # exfat
    }
)


class FolderWatch:
    """Watches the folders one walk went through; ``changes()`` says which files in them
    changed since, or that a walk is needed."""

    def __init__(self, fd: int, roots: tuple[Path, ...], folders: list[str]) -> None:
        self._fd = fd
        # Closed with the watch, even when nobody calls close(): each inotify instance counts
        # against a per-user limit (128 by default) that other programs need too.
        self._finalizer = weakref.finalize(self, os.close, fd)
        self._roots = roots
        self._root_ids = [_identity(r) for r in roots]
        self.folders = folders
        self._changed = False
        """A walk is needed: the folders changed, events were lost, or the walk is not
        trusted."""
        self._wds: dict[int, bytes] = {}
        """Each watch descriptor's folder, as the walk spelled it."""
        self._files: set[str] = set()
        """Paths of the files events named since ``changes()`` last told them."""

    @classmethod
    def start(cls, roots: tuple[Path, ...], folders: list[str]) -> FolderWatch | None:
        """A watch on ``folders``; None where one cannot be trusted or made."""
        if not sys.platform.startswith("linux") or not all(map(_local, roots)):
            return None
        libc = _libc()
        if libc is None:
            return None
        fd = libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if fd < 0:
            return None
        watch = cls(fd, roots, folders)
        for folder in folders:
            wd = libc.inotify_add_watch(fd, os.fsencode(folder), _MASK)
            if wd < 0:
                watch.close()  # out of watches, or the folder went away meanwhile
                return None
            watch._wds[wd] = os.fsencode(folder)
        return watch

    def vouch_for(self, walk: Walk) -> None:
        """After the walk this watch was armed before: trust it only if that walk went
        through exactly the folders watched, and reached no file through a symlink."""
        if walk.folders != self.folders or walk.links:
            self._changed = True
        self.folders = walk.folders

    def unchanged(self) -> bool:
        """No event since the watch was armed, and the roots are the same folders."""
        return self.changes() == set()

    def changes(self) -> set[str] | None:
        """The paths of the files (in the watched folders, as the walk spells them) that
        were created, written, touched, moved or deleted since the last call, or since the
        watch was armed; None when only a walk can tell (a folder came or went, events were
        lost, a root is another folder now). A path named here may be unchanged after all
        (touched, or written back as it was): its stat tells."""
        if self._changed or not self._finalizer.alive:  # closed: its number may be reused
            return None
        while not self._changed:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                self._changed = True
                break
            self._read_events(data)
        if not self._changed and [_identity(r) for r in self._roots] != self._root_ids:
            self._changed = True  # a root (or a folder above it) was moved or replaced
        if self._changed:
            return None
        files, self._files = self._files, set()
        return files

    def _read_events(self, data: bytes) -> None:
        """Note the files a batch of events names, or that a walk is needed. Names starting
        with a dot (editor swap files, our own sidecars) are skipped by the walk too."""
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            if name.startswith(b".") and not mask & _IN_Q_OVERFLOW:
                continue
            folder = self._wds.get(wd)
            if mask & _STRUCTURE or folder is None or not name:
                self._changed = True
                return
            self._files.add(os.fsdecode(folder + b"/" + name))

    def close(self) -> None:
        self._finalizer()  # closes the file descriptor once, however often it is called


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


_LIBC: ctypes.CDLL | None = None


def _libc() -> ctypes.CDLL | None:
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(None, use_errno=True)  # the C library this Python runs on
        except OSError:
            return None
    return _LIBC if hasattr(_LIBC, "inotify_init1") else None


def _local(path: Path) -> bool:
    """Whether ``path`` is on a filesystem in ``_LOCAL_FILESYSTEMS``."""
    libc = _libc()
    if libc is None:
        return False
    buf = ctypes.create_string_buffer(512)  # struct statfs, whose first field is f_type
    if libc.statfs(os.fsencode(path), buf) != 0:
        return False
    f_type = ctypes.c_long.from_buffer(buf).value & 0xFFFFFFFF
    return f_type in _LOCAL_FILESYSTEMS
