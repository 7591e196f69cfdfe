"""The first thing ``newsreader search`` (and ``suggest`` and ``index``) does: hand the command
to a running search server, if there is one, and return its exit code.

A search in a fresh process spends most of its time starting Python and importing Whoosh and
our own code, none of which depends on the query. The server (``search_server.py``) has all
of that loaded and runs the same command in-process, with this process's terminal: the
standard streams go to it as file descriptors (``SCM_RIGHTS``), so colours, progress bars,
pipes and terminal width behave exactly as they would here. It runs the same freshness check
as any search, so it never answers from stale data. This module imports only the standard
library, and costs nothing when no server runs: the command then runs here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import zlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

    from newsreader.context import AppContext

PROTOCOL = 1
SERVED = frozenset({"search", "suggest", "index"})
"""The subcommands a server runs: the ones whose cost is the index and the library."""
_GLOBAL_OPTIONS = {"--library", "--config"}
SERVING = False
"""True in the search server's process (``search_server.serve`` sets it): a command run
there never starts another server."""
_ACK_TIMEOUT_S = 2.0
"""How long a server has to take a command before this process runs it itself."""


def served(argv: list[str]) -> int | None:
    """Run ``argv`` in the search server and return its exit code; None when no server can
    take it (none runs, another version, not a served command), so it runs in this process."""
    if subcommand(argv) not in SERVED or os.environ.get("NEWSREADER_SEARCH_SERVER") == "0":
        return None
    address = socket_path()
    if address is None or not os.path.exists(address):
        return None
    import socket  # here: a command with no server to go to does not pay for it

    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    except (AttributeError, OSError):
        return None
    with conn:
        lines = _Lines(conn)
        try:
            conn.settimeout(_ACK_TIMEOUT_S)
            conn.connect(address)
            request = encode_request(argv, os.getcwd(), os.environ)
            socket.send_fds(conn, [request], [0, 1, 2])
            ack = lines.next()  # "A<pid>": taken; "R": another version; nothing: gone
            if ack is None or not ack.startswith(b"A") or not ack[1:].isdigit():
                return None
        except OSError:
            return None
        # From here the server runs the command on our streams: whatever happens, it must
        # not run a second time here.
        return _wait_for_exit_code(conn, lines, int(ack[1:]))


def _wait_for_exit_code(conn: socket.socket, lines: _Lines, server_pid: int) -> int:
    """The exit code the server sends when the command ends. Ctrl-C reaches only this
    process (the server has its own session): it is passed on, so the command stops there as
    it would have here, instead of drawing on the terminal after the prompt is back."""
    conn.settimeout(None)
    interrupted = False
    while True:
        try:
            reply = lines.next()
            break
        except KeyboardInterrupt:
            if interrupted:
                return 130
            interrupted = True
            import signal

            try:
                os.kill(server_pid, signal.SIGINT)
            except OSError:
                return 130
            conn.settimeout(5.0)  # it answers 130 at once, or it is stuck: do not wait on
        except OSError:
            reply = None
            break
    if reply is not None and reply.lstrip(b"-").isdigit():
        return int(reply)
    if interrupted:
        return 130
    sys.stderr.write("newsreader: the search server stopped during the command; run it again\n")
    return 1  # ExitCode.UNEXPECTED, not imported: this module stays stdlib-only


class _Lines:
    """Lines from a socket, however its bytes arrive."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buffer = b""

    def next(self) -> bytes | None:
        """The next line without its newline; None at the end."""
        while b"\n" not in self._buffer:
            chunk = self._conn.recv(64)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line


def encode_request(argv: list[str], cwd: str, env: os._Environ[str] | dict[str, str]) -> bytes:
    """The command as the server reads it (``decode_request``): a netstring of NUL-separated
    fields (no argument, path or variable can hold a NUL). Not JSON: importing json costs
    this path more than all the rest of its imports."""
    fields = [str(PROTOCOL), server_key(), cwd, str(len(argv)), *argv]
    fields += [f"{name}={value}" for name, value in env.items()]
    body = "\0".join(fields).encode("utf-8", "surrogateescape")
    return b"%d:%s" % (len(body), body)


def decode_request(body: bytes) -> tuple[str, str, list[str], dict[str, str]] | None:
    """(key, cwd, argv, env) from an ``encode_request`` body; None for another protocol."""
    fields = body.decode("utf-8", "surrogateescape").split("\0")
    if len(fields) < 4 or fields[0] != str(PROTOCOL) or not fields[3].isdigit():
        return None
    count = int(fields[3])
    argv, rest = fields[4 : 4 + count], fields[4 + count :]
    env = dict(item.partition("=")[::2] for item in rest)
    return fields[1], fields[2], argv, env


def subcommand(argv: list[str]) -> str | None:
    """The subcommand of ``[global options] COMMAND ...``; None when there is none."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _GLOBAL_OPTIONS:
            i += 2
        elif arg.split("=", 1)[0] in _GLOBAL_OPTIONS:
            i += 1
        else:
            return None if arg.startswith("-") else arg
    return None


def runtime_dir() -> str | None:
    """A folder only this user can use, for the server's socket; None when there is none."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = os.path.join(base, "newsreader") if base else f"/tmp/newsreader-{os.getuid()}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    # Someone else's folder, or one others can enter, would let them answer our searches.
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return None
    return folder


def socket_path() -> str | None:
    """Where the server for this user, these folders and this newsreader listens."""
    # Unix sockets that pass file descriptors: on POSIX, Python 3.11 always has both
    # ``AF_UNIX`` and ``socket.send_fds`` (checked here without importing socket).
    if os.name != "posix":
        return None
    folder = runtime_dir()
    if folder is None:
        return None
    # The name only tells servers apart; the key itself is compared when a command is taken.
    key = server_key().encode("utf-8", "surrogateescape")
    name = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}"
    return os.path.join(folder, f"search-{name}.sock")


def server_key() -> str:
    """Names one server: same Python, same newsreader code, same per-user folders. A server
    whose code is not the code installed now refuses every command, and exits."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parts = [str(PROTOCOL), sys.executable, package_fingerprint(package), folders()]
    return "\n".join(parts)


def folders() -> str:
    """The per-user folders a server works in: two servers with the same ones but other code
    are an old one and a new one, and the new one ends the old one."""
    names = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")
    joined = "\0".join(os.environ.get(name, "") for name in names)
    encoded = joined.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(encoded):08x}{zlib.adler32(encoded):08x}"


def package_fingerprint(root: str) -> str:
    """Every source file of the package under ``root`` by name, size and mtime: changes when
    newsreader is upgraded or edited."""
    seen: list[str] = []
    pending = [root]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    seen.append(f"{entry.path}:{st.st_size}:{st.st_mtime_ns}")
    seen.sort()
    listing = "\n".join(seen).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(listing):08x}{zlib.adler32(listing):08x}"


def start_if_wanted(ctx: AppContext) -> None:
    """After a search or an index update run in its own process: start a server for the
    next command (here, not in the server's module: a command run in its own process does
    not import the server's sockets and threads)."""
    minutes = ctx.config.search_server_minutes
    if SERVING or minutes <= 0 or os.environ.get("NEWSREADER_SEARCH_SERVER") == "0":
        return
    address = socket_path()
    if address is None:
        return
    import subprocess

    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-m", "newsreader.cli.search_server", address, str(minutes * 60)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not ours to wait for, and no Ctrl-C from our terminal
            close_fds=True,
        )
