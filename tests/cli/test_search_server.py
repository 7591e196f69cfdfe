"""``newsreader search`` as a shell runs it, with the search server: the first search starts
one, the next are handed to it, and a served search answers exactly what a search in its own
process answers, on the caller's own terminal, never from stale data."""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.cli import search_client, search_server
from tests.tui.conftest import make_library

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")


class Shell:
    """Runs ``newsreader`` as a fresh process in one environment, search server allowed."""

    def __init__(self, library: Path, env: dict[str, str]) -> None:
        self.library, self.env = library, env

    def run(
        self, *args: str, served: bool = True, importtime: bool = False
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if not served:
            env["NEWSREADER_SEARCH_SERVER"] = "0"
        cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "newsreader"]
        return subprocess.run(
            [*cmd, "--library", str(self.library), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    def address(self) -> str:
        saved = dict(os.environ)
        try:
            os.environ.clear()
            os.environ.update(self.env)
            address = search_client.socket_path()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        assert address is not None
        return address

    def wait_for_server(self) -> int:
        """The pid of the server once it listens."""
        lock = Path(f"{self.address()}.lock")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            pid = lock.read_text().split(" ")[0] if lock.exists() else ""
            if os.path.exists(self.address()) and pid.isdigit():
                return int(pid)
            time.sleep(0.05)
        raise AssertionError("no search server started")


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    runtime = Path(tempfile.mkdtemp(prefix="nr-"))  # short: a socket path has ~100 bytes
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_SEARCH_SERVER"}
    env["XDG_RUNTIME_DIR"] = str(runtime)
    sh = Shell(make_library(tmp_path / "library"), env)
    yield sh
    search_server.stop_all(runtime)
    shutil.rmtree(runtime, ignore_errors=True)


def _loaded_search_code(stderr: str) -> bool:
    return "newsreader.search" in stderr or "whoosh" in stderr


def test_a_served_search_answers_what_its_own_process_answers(shell: Shell) -> None:
    alone = shell.run("search", "ceasefire", "--json", served=False)
    assert alone.returncode == 0 and json.loads(alone.stdout), alone.stderr
    first = shell.run("search", "ceasefire", "--json")  # runs itself, then starts a server
    assert first.stdout == alone.stdout
    shell.wait_for_server()
    served = shell.run("search", "ceasefire", "--json", importtime=True)
    assert served.returncode == 0
    assert served.stdout == alone.stdout
    assert not _loaded_search_code(served.stderr), "the search ran in the calling process"
    assert _loaded_search_code(shell.run("search", "x", served=False, importtime=True).stderr)


def test_a_change_between_served_searches_is_seen(shell: Shell, tmp_path: Path) -> None:
    shell.run("search", "ceasefire")
    shell.wait_for_server()
    assert shell.run("search", "zqxjkv", "--json").stdout.strip() == "[]"
    target = next(shell.library.glob("00*.txt"))
    with target.open("a", encoding="utf-8") as f:
        f.write("\nThe zqxjkv paragraph, written just now.\n")
    hits = json.loads(shell.run("search", "zqxjkv", "--json").stdout)
    assert [h["path"] for h in hits] == [str(target)]
    (shell.library / "later").mkdir()
    moved = shell.library / "later" / "moved.txt"
    target.rename(moved)
    hits = json.loads(shell.run("search", "zqxjkv", "--json").stdout)
    assert [h["path"] for h in hits] == [str(moved)]
    moved.unlink()
    assert shell.run("search", "zqxjkv", "--json").stdout.strip() == "[]"


def test_index_and_suggest_are_served_too(shell: Shell) -> None:
    shell.run("search", "ceasefire")
    shell.wait_for_server()
    (shell.library / "new.txt").write_text("A new arrival\n\nThe truce held overnight.\n")
    served = shell.run("index", importtime=True)
    assert served.returncode == 0 and not _loaded_search_code(served.stderr)
    assert "12 articles: 1 added, 0 updated, 0 removed" in served.stdout
    assert shell.run("index").stdout == shell.run("index", served=False).stdout
    for args in (["suggest", "ceasfire"], ["suggest", "ceasfire", "--json"]):
        served, alone = shell.run(*args), shell.run(*args, served=False)
        assert served.returncode == alone.returncode == 0
        assert served.stdout == alone.stdout and "ceasefire" in served.stdout


def _servers(address: str) -> set[int]:
    """The pids of the search server processes for ``address`` running now (not those of
    other tests or other runs, which serve other sockets)."""
    found = set()
    wanted = os.fsencode(address)
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"newsreader.cli.search_server" in cmdline and wanted in cmdline.split(b"\0"):
            found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_a_served_command_starts_no_other_server(shell: Shell) -> None:
    shell.run("search", "ceasefire")
    pid = shell.wait_for_server()
    address = shell.address()
    for args in (("search", "truce"), ("index",)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsreader", "--library", str(shell.library), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=shell.env,
        )
        seen: set[int] = set()
        while proc.poll() is None:
            seen |= _servers(address)
            time.sleep(0.002)
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:  # a server started at the end is still starting
            seen |= _servers(address)
            time.sleep(0.01)
        assert proc.returncode == 0
        assert seen == {pid}, f"{args}: other servers started: {seen - {pid}}"


def test_an_index_update_in_its_own_process_starts_the_server_for_the_next(
    shell: Shell,
) -> None:
    first = shell.run("index")
    assert first.returncode == 0 and "11 articles" in first.stdout, first.stderr
    shell.wait_for_server()
    (shell.library / "new.txt").write_text("A new arrival\n\nThe truce held overnight.\n")
    again = shell.run("index", importtime=True)
    assert again.returncode == 0 and not _loaded_search_code(again.stderr)
    assert "12 articles: 1 added" in again.stdout


def test_a_relative_library_is_relative_to_the_callers_folder(shell: Shell, tmp_path: Path) -> None:
    shell.run("search", "ceasefire")
    shell.wait_for_server()
    for place in ("north", "south"):
        (tmp_path / place / "lib").mkdir(parents=True)
        (tmp_path / place / "lib" / "a.txt").write_text(f"News from the {place}\n\nHeadline.\n")
    for place in ("north", "south"):
        argv = ["--library", "lib", "search", "headline", "--json"]
        # Served or not (a loaded machine may answer from a fallback), each caller's folder
        # decides: a server keying libraries by the relative path answered "north" twice.
        done = subprocess.run(
            [sys.executable, "-m", "newsreader", *argv],
            capture_output=True,
            text=True,
            env=shell.env,
            cwd=tmp_path / place,
            timeout=60,
        )
        titles = [h["title"] for h in json.loads(done.stdout)]
        assert titles == [f"News from the {place}"]


def test_errors_and_exit_codes_are_the_same_when_served(shell: Shell) -> None:
    shell.run("search", "ceasefire")
    shell.wait_for_server()
    for args in (["search", "title:("], ["search"], ["search", "--limit", "x", "a"]):
        alone, served = shell.run(*args, served=False), shell.run(*args)
        assert (served.returncode, served.stdout, served.stderr) == (
            alone.returncode,
            alone.stdout,
            alone.stderr,
        )
        assert served.returncode == 2 and "Traceback" not in served.stderr


def test_a_served_search_on_a_terminal_looks_as_it_does_alone(shell: Shell) -> None:
    shell.run("search", "ceasefire")
    shell.wait_for_server()

    def on_terminal(served: bool) -> bytes:
        env = dict(shell.env, COLUMNS="90", LINES="30", TERM="xterm-256color")
        if not served:
            env["NEWSREADER_SEARCH_SERVER"] = "0"
        main, child = pty.openpty()
        argv = ["--library", str(shell.library), "search", "ceasefire"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsreader", *argv],
            stdin=child,
            stdout=child,
            stderr=child,
            env=env,
        )
        os.close(child)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        assert proc.wait(60) == 0
        return out

    alone, served = on_terminal(served=False), on_terminal(served=True)
    assert b"\x1b[1;7mceasefire" in alone  # Rich styled it for a terminal
    for out in (alone, served):  # a progress bar, only ever drawn on a terminal
        assert b"Reading articles" in out
    # What stays on the screen once the (animated, so never twice the same) bar is gone:
    after_bar = b"\x1b[?25h"
    assert served.split(after_bar)[-1] == alone.split(after_bar)[-1]


def test_a_killed_server_is_not_waited_for(shell: Shell) -> None:
    shell.run("search", "ceasefire")
    os.kill(shell.wait_for_server(), signal.SIGKILL)
    time.sleep(0.2)
    done = shell.run("search", "ceasefire", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)
    shell.wait_for_server()  # and the next one is served again


def test_a_server_of_other_code_refuses_and_exits(shell: Shell) -> None:
    """As after an upgrade: a server whose code is not the installed code must not answer."""
    address = shell.address()
    other = subprocess.Popen(
        [sys.executable, "-m", "newsreader.cli.search_server", address, "60"],
        env=dict(shell.env, HOME="/nonexistent/another-install"),  # another key
    )
    try:
        shell.wait_for_server()
        done = shell.run("search", "ceasefire", "--json", importtime=True)
        assert done.returncode == 0 and json.loads(done.stdout)
        assert _loaded_search_code(done.stderr), "answered by the other server"
        assert other.wait(30) == 0
    finally:
        other.kill()


def test_a_new_server_ends_the_one_an_upgrade_left_behind(shell: Shell, tmp_path: Path) -> None:
    """Same folders, other code (here the venv's Python by another name, which makes another
    key, as reinstalling does): the old server is never asked again, and must not sit out its
    idle minutes."""
    names = [f"python{v}" for v in ("", "3", f"3.{sys.version_info.minor}")]
    here = Path(sys.executable)
    other_python = next(
        here.with_name(n) for n in names if n != here.name and here.with_name(n).exists()
    )
    old_address = str(Path(shell.address()).with_name("search-before.sock"))
    old = subprocess.Popen(
        [str(other_python), "-m", "newsreader.cli.search_server", old_address, "600"],
        env=shell.env,
    )
    try:
        deadline = time.monotonic() + 30
        while not os.path.exists(old_address) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert os.path.exists(old_address)
        shell.run("search", "ceasefire")  # in its own process: starts today's server
        shell.wait_for_server()
        assert old.wait(30) == 0
        assert not os.path.exists(old_address)
    finally:
        old.kill()


def test_the_server_exits_when_idle_and_none_starts_when_turned_off(
    shell: Shell, user_dirs: Path
) -> None:
    config = Path(shell.env["XDG_CONFIG_HOME"]) / "newsreader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("search_server_minutes = 0.02\n")  # 1.2 s
    shell.run("search", "ceasefire")
    pid = shell.wait_for_server()
    deadline = time.monotonic() + 30
    while os.path.exists(shell.address()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not os.path.exists(shell.address())
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)
    config.write_text("search_server_minutes = 0\n")
    shell.run("search", "ceasefire")
    time.sleep(1.5)
    assert not os.path.exists(shell.address())


def test_ctrl_c_stops_the_command_in_the_server_and_the_server_goes_on(
    shell: Shell, tmp_path: Path
) -> None:
    """Ctrl-C reaches the typed command's process only: it must stop the work it handed over
    too, as it would in its own process, not leave it drawing on the terminal."""
    # Enough articles that the rebuild still runs when Ctrl-C comes (400 took ~0.8 s).
    make_library(shell.library, extra=1500)
    shell.run("search", "ceasefire")
    pid = shell.wait_for_server()
    env = dict(shell.env)
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        started = time.monotonic()
        argv = ["--library", str(shell.library), "index", "--rebuild"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "newsreader", *argv],
            stdout=sink,
            stderr=sink,
            env=env,
        )
        time.sleep(0.8)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 130, out.read_text()
        stopped = time.monotonic() - started
    size = out.stat().st_size
    os.kill(pid, 0)  # still running
    deadline = time.monotonic() + 60
    while True:  # until the server takes a command again (busy, it is run here instead)
        done = shell.run("search", "ceasefire", "--json", importtime=True)
        assert done.returncode == 0 and json.loads(done.stdout)
        if not _loaded_search_code(done.stderr) or time.monotonic() > deadline:
            break
    assert not _loaded_search_code(done.stderr)
    assert out.stat().st_size == size, "the server went on writing after the command ended"
    assert stopped < 10


def test_the_server_builds_the_spelling_index_once_a_command_is_answered(
    tmp_path: Path, user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A one-off process looks a misspelt word up with a pass over every word; the server,
    which answers many, builds the candidate index after its first answer, so the next
    misspelt word is looked up in it, with the same answer."""
    from newsreader.cli import run
    from newsreader.search import SearchIndex

    library = str(make_library(tmp_path / "library"))
    kept = search_server.Kept()
    assert run(["--library", library, "suggest", "ceasfire"], kept) == 0
    one_pass = capsys.readouterr().out
    [index] = kept.resident.indexes.values()
    assert isinstance(index, SearchIndex) and not index.spelling_ready()
    thread = search_server.warm_spelling(kept)
    assert thread is not None
    thread.join(60)
    assert index.spelling_ready()
    assert search_server.warm_spelling(kept) is None  # nothing left to build
    assert run(["--library", library, "suggest", "ceasfire"], kept) == 0
    assert capsys.readouterr().out == one_pass == "ceasefire\n"
