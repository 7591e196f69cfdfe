"""Full index builds and story signing for the app, run in a child process. No Textual here.

A full build of a big library takes minutes. In a thread of the app, Whoosh holds the GIL so
much that key presses lag; and the two-process build, the faster one, must never be forked
from inside the running app. So the app starts ``python -m newsreader.app.index_job ROOT...``
and reads its progress lines:

    progress DONE TOTAL
    report {"added": ..., "rebuilt": ..., "notice": ...}

Incremental updates (the usual case) stay in the app's worker thread: they touch only what
changed. Signing many articles for story groups (``--stories``: a store deleted or made by
an older release, an index built without it) reads and hashes every one, ~5 ms each, so it
takes the same road from ``CHILD_BUILD_MIN`` unsigned articles: an hour at 1M in a thread
held the GIL under every search. A heal of a damaged index is a full build like any other
and takes the same road (``LibrarySync.heal``). ``--join`` joins the small segments a full
build leaves (``search/joining.py``, ~1.4 ms an article): started by ``start_join`` and
not waited for, as updates go on meanwhile. The measurements are in benchmarks/README.md
("Numbers behind design choices").
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from newsreader.errors import UserError
from newsreader.search.results import IndexReport

if TYPE_CHECKING:
    from newsreader.context import AppContext
    from newsreader.library import LibraryScan

CHILD_BUILD_MIN = 500
"""Articles from which a full build runs in a child process rather than in a thread."""
PROCS = 2


def command(roots: tuple[Path, ...], *flags: str) -> list[str]:
    """The child's command line."""
    return [sys.executable, "-m", "newsreader.app.index_job", *flags, "--", *map(str, roots)]


def run_child(
    roots: tuple[Path, ...],
    rebuild: bool,
    progress: Callable[[int, int], None],
    started: Callable[[subprocess.Popen[str]], None],
) -> IndexReport:
    """Run the build in a child, passing its progress on; raises RuntimeError on failure.

    ``started`` receives the process so the caller can end it (e.g. when the app quits).
    """
    flags = ("--rebuild",) if rebuild else ()
    return IndexReport(**json.loads(_run(command(roots, *flags), "index build", progress, started)))


JOIN_LOG = "join.log"
"""In the index folder: what the last segment join wrote on stderr (a failure's reason)."""


def start_join(roots: tuple[Path, ...], index_dir: Path) -> subprocess.Popen[str]:
    """Join the index's small segments in a child (``search/joining.py``) and return at once:
    it takes minutes for a big library, and updates go on meanwhile. Nothing to read back:
    searches see the fewer segments when it commits; its errors go to ``JOIN_LOG``."""
    try:
        log: int | IO[str] = open(index_dir / JOIN_LOG, "w", encoding="utf-8")  # noqa: SIM115
    except OSError:
        log = subprocess.DEVNULL
    try:
        return subprocess.Popen(
            command(roots, "--join"),
            stdout=subprocess.DEVNULL,
            stderr=log,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
    finally:
        if not isinstance(log, int):
            log.close()  # the child has its own copy


def sign_child(
    roots: tuple[Path, ...],
    progress: Callable[[int, int], None],
    started: Callable[[subprocess.Popen[str]], None],
) -> None:
    """Sign the library's unsigned articles for story groups in a child, as ``run_child``
    builds (a store it cannot use is left for the caller's own sync to report)."""
    _run(command(roots, "--stories"), "story signing", progress, started)


def _run(
    args: list[str],
    what: str,
    progress: Callable[[int, int], None],
    started: Callable[[subprocess.Popen[str]], None],
) -> str:
    """The child's report line, after passing its progress lines on."""
    # stderr to a file: a chatty child must never block on a full pipe nobody reads.
    with tempfile.TemporaryFile("w+") as errors:
        # Its own process group: the build forks workers, and stop() must end them all (a
        # surviving worker keeps stdout open, and the reading thread would wait for it).
        child = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        started(child)
        report: str | None = None
        assert child.stdout is not None
        for kind, payload in _lines(child.stdout):
            if kind == "progress":
                done, total = (int(x) for x in payload.split())
                progress(done, total)
            elif kind == "report":
                report = payload
        code = child.wait()
        errors.seek(0)
        error = errors.read()
    if report is None:
        last = error.strip().splitlines()[-1] if error.strip() else f"exit code {code}"
        raise RuntimeError(f"{what} failed: {last}")
    return report


def stop_child(child: subprocess.Popen[str]) -> None:
    """End a build and the workers it forked; the index keeps its last complete state."""
    if child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError, AttributeError):
        child.terminate()


def _lines(stream: object) -> Iterator[tuple[str, str]]:
    for line in stream:  # type: ignore[attr-defined]
        kind, _, payload = str(line).rstrip("\n").partition(" ")
        yield kind, payload


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: scan, build (or sign), report on stdout."""
    args = list(sys.argv[1:] if argv is None else argv)
    cut = args.index("--") if "--" in args else len(args)
    flags, roots = args[:cut], args[cut + 1 :]
    if hasattr(os, "nice"):
        os.nice(5)  # the reader's UI comes first
    from newsreader.context import build_context

    ctx = build_context([Path(r) for r in roots])
    if "--join" in flags:  # the index only: no scan
        from newsreader.search.joining import join_segments

        # Ended by stop_child: exit through the join's clean-up (its scratch copy removed).
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(1))

        print("report " + json.dumps({"joined": join_segments(ctx.index_dir)}), flush=True)
        return 0
    scan = ctx.library.scan()

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

    if "--stories" in flags:
        from newsreader.app.stories import sign

        sign(ctx, scan.articles, scan.state, progress=progress)
        print("report {}", flush=True)
        return 0
    return _build(ctx, scan, "--rebuild" in flags, progress)


def _build(
    ctx: AppContext, scan: LibraryScan, rebuild: bool, progress: Callable[[int, int], None]
) -> int:
    from newsreader.paths import ensure_dir
    from newsreader.search.index import SearchIndex

    ensure_dir(ctx.paths.index_root, "cache")
    index = SearchIndex(ctx.index_dir)
    from newsreader.stories import story_signature

    try:
        report = index.update(
            scan,
            ctx.library,
            rebuild=rebuild,
            progress=progress,
            procs=PROCS,
            extra=story_signature,
        )
    except OSError as exc:  # a full or read-only cache: the reason is the app's last line
        print(f"cannot write the search index ({exc.strerror or exc})", file=sys.stderr)
        return 2
    except UserError as exc:  # e.g. another Whoosh release installed: the same, one line
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        index.close()
    if report.extras:
        # The story signatures the build made as it read each article, stored here: else
        # the app's library worker reads and signs every article again after the build.
        from newsreader.app.stories import sign

        sign(ctx, scan.articles, scan.state, signed=report.extras)
    print("report " + json.dumps(report._replace(extras={})._asdict()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
