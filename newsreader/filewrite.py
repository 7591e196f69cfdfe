"""Every file newsreader writes for the user goes through ``write_atomic``.

A write lands whole or not at all (a temporary file in the same folder, fsynced, renamed over
the old one), and it lands where the user pointed: through a symlink to the file it names,
never over the link itself. Only a regular file is ever replaced: renaming over a FIFO, a
device node or a folder's entry would swap the thing itself for a JSON file (as root,
``/dev/null``).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from newsreader.errors import UserError
from newsreader.library.names import inert

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class WriteError(UserError):
    """The file cannot be written, or may not be replaced; ``str()`` is the one-line reason."""


def resolve_target(path: Path) -> Path:
    """The file a write to ``path`` lands in: ``path`` with every symlink followed (also a
    dangling one: the write creates its target). WriteError for anything but a regular file
    or nothing."""
    target = Path(os.path.realpath(path))
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise WriteError(f"cannot write {inert(str(path))}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
        shown = inert(str(path)) + ("" if target == Path(path) else f" (-> {inert(str(target))})")
        raise WriteError(f"{shown} is {kind}; newsreader only replaces regular files")
    return target


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` (through symlinks) atomically and durably; the file written.

    An existing file keeps its permission bits; a new one gets ``mode``."""
    import tempfile  # ~4 ms (random, shutil); only writers need it

    target = resolve_target(path)
    shown = inert(str(path))
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(target).st_mode)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:40]}.tmp-", dir=target.parent)
    except OSError as exc:
        raise WriteError(
            f"cannot write to {inert(str(target.parent))}: {exc.strerror or exc}"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"cannot write {shown}: {exc.strerror or exc}") from None
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (best effort: not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def replace_unsynced(target: Path, data: bytes) -> None:
    """``data`` in place of ``target`` at once, for derived data in the cache folder: another
    process reads the old file or the new one whole, never a mix. Not fsynced and no
    symlink followed (unlike ``write_atomic``): a cache file lost in a crash is made again,
    and each reader checks what it reads. Raises OSError."""
    import threading

    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
