"""Where the index lives on disk: generations swapped in atomically, and the writers' lock.

    index_dir/CURRENT        {"schema": 1, "whoosh": "2.7.5", "generation": "gen-..."}
                             (replaced with os.replace)
    index_dir/gen-.../       a complete Whoosh index
    index_dir/write.lock     flock held by whoever writes (an update or a rebuild)
    index_dir/readers/gen-....lock
                             a shared flock per process that has that generation open (or
                             is building it)

A rebuild writes a new generation and then points CURRENT at it, so readers always see a
complete index: the last good one until the swap, the new one after. A generation that is
not CURRENT is deleted as soon as nobody holds its reader lock: by the writer after it
publishes, by a reader when it lets go of an old one, and at every open (``collect_garbage``
takes the lock exclusively without waiting, so a generation in use is skipped). ``flock``
dies with its process, so a reader killed outright pins nothing.
The Whoosh release that wrote a generation is recorded with it: another release may read
the files differently, so a generation it did not write counts as another schema and is
rebuilt. No Whoosh import here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_WAIT = 2.0
"""Seconds to wait for another writer before answering from the last complete index."""

CURRENT = "CURRENT"
LOCK = "write.lock"
READERS = "readers"
GEN_PREFIX = "gen-"
WHOOSH_VERSION = "2.7.5"
"""The whoosh-reloaded release the adapters are written against (pinned in pyproject.toml)."""
OTHER_WHOOSH = -1
"""The schema version ``read_current`` gives a generation another Whoosh release wrote."""


class LockBusy(Exception):
    """Another process or SearchIndex is writing this index."""


def read_current(index_dir: Path) -> tuple[int, Path] | None:
    """(schema version, generation folder) of the live index, or None when there is none;
    the version is ``OTHER_WHOOSH`` when another Whoosh release wrote it."""
    try:
        data = json.loads((index_dir / CURRENT).read_text(encoding="utf-8"))
        name = str(data["generation"])
        version = int(data["schema"])
        if data.get("whoosh") != WHOOSH_VERSION:
            version = OTHER_WHOOSH
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if "/" in name or not name.startswith(GEN_PREFIX):
        return None
    return version, index_dir / name


@contextlib.contextmanager
def new_generation(index_dir: Path) -> Iterator[Path]:
    """A fresh empty folder for a build, held like a reader's until the block ends so that
    ``collect_garbage`` leaves it alone; deleted when the block raises."""
    index_dir.mkdir(parents=True, exist_ok=True)
    # os.urandom, as secrets.token_hex uses: importing secrets (base64, hmac) cost every
    # command that opens an index a few milliseconds, for a name only a build makes.
    name = f"{GEN_PREFIX}{time.time_ns():x}-{os.getpid()}-{os.urandom(3).hex()}"
    hold = ReaderLock.take(index_dir, name, exists=False)
    folder = index_dir / name
    try:
        folder.mkdir()
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        if hold is not None:
            hold.release()


def publish(index_dir: Path, generation: Path, schema_version: int) -> None:
    """Make ``generation`` the live index in one atomic step."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    payload = json.dumps(
        {"schema": schema_version, "whoosh": WHOOSH_VERSION, "generation": generation.name}
    )
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)


class ReaderLock:
    """A shared ``flock`` on ``readers/<generation>.lock``: this process has the generation
    open. ``collect_garbage`` deletes a generation only when it can lock that file
    exclusively."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def take(cls, index_dir: Path, name: str, *, exists: bool = True) -> ReaderLock | None:
        """The lock on generation ``name``, or None when it is being deleted or (``exists``)
        is gone. A folder that cannot hold lock files gives an unlocked reader (``_NO_LOCK``)
        rather than no index."""
        path = _lock_path(index_dir, name)
        try:
            path.parent.mkdir(exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return _NO_LOCK
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            # The collector deletes the folder and then the lock file while it holds the
            # file exclusively: a lock won after that is on a file no longer at this path, or
            # on a new one beside a folder that is gone.
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
            if same and (not exists or (index_dir / name).is_dir()):
                return cls(fd)
        except OSError:
            pass
        os.close(fd)
        return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_NO_LOCK = ReaderLock(-1)
_NO_LOCK._fd = None


def _lock_path(index_dir: Path, name: str) -> Path:
    return index_dir / READERS / f"{name}.lock"


def open_current(index_dir: Path) -> tuple[int, Path, ReaderLock] | None:
    """(schema version, generation folder, its reader lock) of the live index, or None when
    there is none; hold the lock while the generation is open and release it after."""
    current = read_current(index_dir)
    while current is not None:
        hold = ReaderLock.take(index_dir, current[1].name)
        if hold is not None:
            return current[0], current[1], hold
        again = read_current(index_dir)
        if again == current:
            # Not swapped meanwhile: the live folder is missing (opening it fails and the
            # index heals like any damage).
            return current[0], current[1], _NO_LOCK
        current = again
    return None


def collect_garbage(index_dir: Path) -> None:
    """Delete every generation that is not CURRENT and that no process holds (a reader, or a
    build in progress); safe to call with or without the writers' lock."""
    try:
        names = {p.name for p in index_dir.iterdir() if p.name.startswith(GEN_PREFIX)}
        names |= {p.name[: -len(".lock")] for p in (index_dir / READERS).glob("gen-*.lock")}
    except OSError:
        return
    if len(names) <= 1:
        return
    for name in names:
        current = read_current(index_dir)
        if current is not None and current[1].name == name:
            continue
        _delete_unheld(index_dir, name)


def _delete_unheld(index_dir: Path, name: str) -> None:
    lock = _lock_path(index_dir, name)
    try:
        lock.parent.mkdir(exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # CURRENT again under the lock: a build holds its generation until it has published.
        current = read_current(index_dir)
        if current is not None and current[1].name == name:
            return
        shutil.rmtree(index_dir / name, ignore_errors=True)
        with contextlib.suppress(OSError):
            lock.unlink()
    except OSError:
        return  # held: somebody reads it
    finally:
        os.close(fd)


@contextlib.contextmanager
def write_lock(index_dir: Path, wait: float) -> Iterator[None]:
    """Hold the writers' lock; raise LockBusy after ``wait`` seconds. flock dies with its
    process, so a lock file left by a crash never blocks anyone."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusy from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
