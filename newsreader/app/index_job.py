"""Full index builds for the app, run in a child process. No Textual here.

A full build of a big library takes minutes. In a thread of the app, Whoosh holds the GIL so
much that key presses lag; and the two-process build, the faster one, must never be forked
from inside the running app. So the app starts ``python -m newsreader.app.index_job ROOT...``
and reads its progress lines:

    progress DONE TOTAL
    report {"added": ..., "rebuilt": ..., "notice": ...}

Incremental updates (the usual case) stay in the app's worker thread: they touch only what
changed. A heal of a damaged index is a full build like any other and takes the same road
(``LibrarySync.heal``). The measurements are in benchmarks/README.md ("Numbers behind design
choices").
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

from newsreader.errors import UserError
from newsreader.search.results import IndexReport

CHILD_BUILD_MIN = 500
"""Articles from which a full build runs in a child process rather than in a thread."""
PROCS = 2


def command(roots: tuple[Path, ...], rebuild: bool) -> list[str]:
    """The child's command line."""
    args = [sys.executable, "-m", "newsreader.app.index_job"]
    if rebuild:
        args.append("--rebuild")
    return [*args, "--", *(str(r) for r in roots)]


def run_child(
    roots: tuple[Path, ...],
    rebuild: bool,
    progress: Callable[[int, int], None],
    started: Callable[[subprocess.Popen[str]], None],
) -> IndexReport:
    """Run the build in a child, passing its progress on; raises RuntimeError on failure.

    ``started`` receives the process so the caller can end it (e.g. when the app quits).
    """
    # stderr to a file: a chatty child must never block on a full pipe nobody reads.
    with tempfile.TemporaryFile("w+") as errors:
        # Its own process group: the build forks workers, and stop() must end them all (a
        # surviving worker keeps stdout open, and the reading thread would wait for it).
        child = subprocess.Popen(
            command(roots, rebuild),
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        started(child)
        report: IndexReport | None = None
        assert child.stdout is not None
        for kind, payload in _lines(child.stdout):
            if kind == "progress":
                done, total = (int(x) for x in payload.split())
                progress(done, total)
            elif kind == "report":
                report = IndexReport(**json.loads(payload))
        code = child.wait()
        errors.seek(0)
        error = errors.read()
    if report is None:
        last = error.strip().splitlines()[-1] if error.strip() else f"exit code {code}"
        raise RuntimeError(f"index build failed: {last}")
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
    """The child's entry point: scan, build, report on stdout."""
    args = list(sys.argv[1:] if argv is None else argv)
    rebuild = "--rebuild" in args
    roots = [Path(a) for a in args[args.index("--") + 1 :]] if "--" in args else []
    if hasattr(os, "nice"):
        os.nice(5)  # the reader's UI comes first
    from newsreader.context import build_context
    from newsreader.paths import ensure_dir
    from newsreader.search.index import SearchIndex

    ctx = build_context(roots)
    scan = ctx.library.scan()
    ensure_dir(ctx.paths.index_root, "cache")
    index = SearchIndex(ctx.index_dir)

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)

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
