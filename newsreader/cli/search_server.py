"""The search server: one background process per user, set of folders and installed
newsreader, with the search code loaded, that runs the ``search``, ``suggest`` and ``index``
commands handed to it by ``search_client.py`` on the caller's own terminal. Like Mercurial's
command server (chg), it saves the start-up, not the work: every command still checks the
library for changes and updates the index first.

A search run in its own process starts one (``search_client.start_if_wanted``). It exits after
``search_server_minutes`` without a command (config.toml; 0: never started), when the
installed code changes (it refuses the command, which then runs in its own process), or on
SIGTERM. It runs one command at a time. Only this user can connect: the socket is in a folder
only they can enter, and on Linux the peer's uid is checked too.

    python -m newsreader.cli.search_server SOCKET IDLE_SECONDS
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

from newsreader.cli import search_client
from newsreader.cli.search_client import decode_request, folders, server_key

if TYPE_CHECKING:
    import argparse


_MAX_REQUEST = 1 << 20


class Kept:
    """What the server keeps from one command to the next: the parser (built once), and
    each library with its last scan and each search index, open."""

    def __init__(self) -> None:
        from newsreader.cli.parser import build_parser
        from newsreader.context import Resident

        self.parser: argparse.ArgumentParser = build_parser()
        self.resident = Resident()


def stop_all(runtime: Path) -> int:
    """End every search server whose socket is in ``runtime``'s ``newsreader`` folder; how
    many were asked to."""
    return _stop(runtime / "newsreader", lambda _folders: True)


def _stop(folder: Path, which: Callable[[str], bool], spare: str = "") -> int:
    """SIGTERM to the servers whose lock file in ``folder`` (``PID FOLDERS``) passes ``which``,
    but the one at ``spare``."""
    import fcntl

    stopped = 0
    for lock in folder.glob("*.sock.lock"):
        if str(lock) == spare:
            continue
        try:
            with lock.open() as held:
                try:  # free: its server is gone, and its pid may be another program's now
                    fcntl.flock(held, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    continue
                except BlockingIOError:
                    pass
                pid, _, their_folders = held.read().partition(" ")
            if which(their_folders):
                os.kill(int(pid), signal.SIGTERM)
                stopped += 1
        except (OSError, ValueError):
            continue
    return stopped


def serve(address: str, idle_s: float) -> None:
    """Listen on ``address`` until ``idle_s`` pass without a command."""
    search_client.SERVING = True
    lock = _take_lock(f"{address}.lock")
    if lock is None:  # another server took this address first: it serves
        return
    # A server for the same folders with other code (the newsreader before an upgrade) would
    # wait out its idle minutes holding an old index open: end it now.
    mine = folders()
    _stop(Path(address).parent, lambda theirs: theirs == mine, spare=lock.name)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, _interrupt)
    key = server_key()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        # Loaded before the socket is there: a caller that finds it is answered at once,
        # never kept waiting past its ack timeout while the server imports (it would run the
        # command itself after all).
        kept = _warm_up()
        # Bound under another name and renamed into place: the address appears ready.
        ready = f"{address}.{os.getpid()}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(ready)
        listener.bind(ready)
        os.chmod(ready, 0o600)
        listener.listen(16)
        os.replace(ready, address)
        listener.settimeout(idle_s)
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                return
            with conn:
                if not _handle(conn, key, kept):
                    return
    finally:
        # The socket first: from then on no client finds us. The lock last, while held, so a
        # server starting now either waits for it or makes a new one.
        for path in (address, lock.name):
            with contextlib.suppress(OSError):
                os.unlink(path)
        listener.close()
        lock.close()


def _take_lock(path: str) -> IO[str] | None:
    """The lock file at ``path``, held (with our pid and folders in it); None when another
    server holds it. A lock file unlinked by an exiting server while we waited is not a
    lock: try again."""
    import fcntl

    while True:
        lock = open(path, "a+")  # noqa: SIM115 (held for the server's life)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            return None
        try:
            same = os.stat(path).st_ino == os.fstat(lock.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            lock.truncate(0)
            lock.write(f"{os.getpid()} {folders()}")
            lock.flush()
            return lock
        lock.close()


def _warm_up() -> Kept:
    """Load what a search uses, so the first command handed over is as quick as the rest."""
    from newsreader.app import filters, stories  # noqa: F401 (a search's filters, --json's story)
    from newsreader.cli import library_commands, story_commands  # noqa: F401
    from newsreader.search import index, query  # noqa: F401
    from newsreader.search.lean_imports import prepare

    prepare()
    import rich.console
    import rich.text  # noqa: F401

    kept = Kept()
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the server: never scan it again
    return kept


def _handle(conn: socket.socket, key: str, kept: Kept) -> bool:
    """Run one command; False when the server should exit."""
    conn.settimeout(5.0)
    fds: list[int] = []
    try:
        if not _same_user(conn):
            return True
        data, fds, _flags, _addr = socket.recv_fds(conn, _MAX_REQUEST, 3)
        size, _, body = data.partition(b":")
        if not size.isdigit() or int(size) > _MAX_REQUEST:
            return True
        while len(body) < int(size):
            chunk = conn.recv(int(size) - len(body))
            if not chunk:
                return True
            body += chunk
        request = decode_request(body)
        if len(fds) != 3 or request is None or request[0] != key:
            conn.sendall(b"R")  # another newsreader: it runs the command itself
            return False
        conn.sendall(b"A%d\n" % os.getpid())  # the pid: the caller passes Ctrl-C on to us
        code = _run(request, fds, kept)
        conn.settimeout(None)
        with contextlib.suppress(OSError):
            conn.sendall(f"{code}\n".encode())
        warm_spelling(kept)
        return True
    except (OSError, ValueError):
        return True
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


_warming: threading.Thread | None = None


def warm_spelling(kept: Kept) -> threading.Thread | None:
    """Build the did-you-mean candidate index of every index kept, in a thread, once the
    caller has its answer (as the app does after its first scan): a process that lives for
    many searches gets the first misspelt word's look-up back many times over, where a
    one-off command's single pass over the words would not. One build at a time; an index
    whose candidate index is built already is left alone."""
    global _warming
    if _warming is not None and _warming.is_alive():
        return None
    from newsreader.search import SearchIndex

    indexes = [
        ix
        for ix in kept.resident.indexes.values()
        if isinstance(ix, SearchIndex) and not ix.spelling_ready()
    ]
    if not indexes:
        return None

    def build() -> None:
        for index in indexes:
            with contextlib.suppress(Exception):  # a damaged index heals on the next search
                index.warm_spelling()

    _warming = threading.Thread(target=build, name="newsreader-warm-spelling", daemon=True)
    _warming.start()
    return _warming


def _same_user(conn: socket.socket) -> bool:
    peercred = getattr(socket, "SO_PEERCRED", None)
    if peercred is None:  # not Linux: the socket's folder is the guard
        return True
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, peercred, 12))
    return bool(uid == os.getuid())


_running = False


def _interrupt(_signum: int, _frame: object) -> None:
    """A caller's Ctrl-C, passed on: it stops the command running (as it would stop it in the
    caller's process), and nothing else."""
    if _running:
        raise KeyboardInterrupt


def _run(request: tuple[str, str, list[str], dict[str, str]], fds: list[int], kept: Kept) -> int:
    """``newsreader ARGV`` in this process, on the caller's streams, folder and environment."""
    from newsreader.cli import run

    saved_fds = [os.dup(n) for n in (0, 1, 2)]
    saved_env, saved_streams = dict(os.environ), (sys.stdin, sys.stdout, sys.stderr)
    try:
        for n, fd in enumerate(fds):
            os.dup2(fd, n)
        _key, cwd, argv, env = request
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = _stream(0), _stream(1), _stream(2)
        global _running
        _running = True
        try:
            return run(argv, kept)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        except KeyboardInterrupt:  # after run() had returned: the command was done anyway
            return 130
        finally:
            _running = False
    except OSError:  # the caller's folder is gone, or a stream cannot be opened
        return 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for n, fd in enumerate(saved_fds):
            os.dup2(fd, n)
            os.close(fd)
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir("/")


def _stream(fd: int) -> TextIO:
    """A fresh text stream on standard stream ``fd`` (what is left in one a closed pipe broke
    is dropped with it), line-buffered on a terminal as Python's own are."""
    encoding = sys.__stdout__.encoding if sys.__stdout__ else "utf-8"
    if fd == 0:
        return open(fd, encoding=encoding, closefd=False)
    errors = "backslashreplace" if fd == 2 else "strict"
    return open(fd, "w", encoding=encoding, errors=errors, closefd=False)


if __name__ == "__main__":
    os.chdir("/")  # never keep a folder busy (an unmount, a deleted library)
    # Through the package's own module, not this ``__main__`` copy of it: one copy of its
    # state in the process, whichever way a module reaches it.
    from newsreader.cli import search_server

    search_server.serve(sys.argv[1], float(sys.argv[2]))
