"""Real filesystem faults for the suite: a tiny tmpfs that fills up, a read-only bind mount,
and a child process with RLIMIT_FSIZE. Mounts need root; tests skip with a reason without."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    proc = subprocess.run(["mount", *args], capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot mount here ({proc.stderr.strip() or proc.returncode})")


def umount(target: Path) -> None:
    """Detach ``target`` (lazily: a connection the test still holds must not block it)."""
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


@contextlib.contextmanager
def tmpfs(target: Path, size_kb: int) -> Iterator[Path]:
    """A ``size_kb`` tmpfs at ``target`` (created); unmounted afterwards."""
    target.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(target))
    try:
        yield target
    finally:
        umount(target)


def fill(folder: Path, name: str = "filler") -> Path:
    """Fill the filesystem of ``folder`` until a write fails (ENOSPC); returns the filler."""
    filler = folder / name
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        for size in (1 << 16, 4096, 512, 1):  # big blocks, then what is left
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    return filler


@contextlib.contextmanager
def read_only(target: Path) -> Iterator[Path]:
    """Bind ``target`` onto itself read-only (root is refused writes too); undone afterwards."""
    _mount("--bind", str(target), str(target))
    try:
        _mount("-o", "remount,ro,bind", str(target))
        yield target
    finally:
        umount(target)


def remount(target: Path, mode: str) -> None:
    """Switch an existing bind mount at ``target`` to ``ro`` or ``rw``."""
    _mount("-o", f"remount,{mode},bind", str(target))


def fsize_limit(limit: int) -> Callable[[], None]:
    """A ``preexec_fn`` that caps every file the child writes at ``limit`` bytes (a full disk
    that root cannot write past). Python ignores SIGXFSZ, so writes fail with EFBIG."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under ``folder``, by relative path."""
    out: dict[str, str] = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            out[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
