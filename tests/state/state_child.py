"""A separate process that uses the state store, for the crash, concurrency and disk-full tests.

Run as ``python state_child.py MODE STATE_FILE [ARGS]`` (``loop TAG COUNT [TAG,TAG…]``,
``tags TAG COUNT [TAG,TAG…]``, ``diskfull LIMIT`` or ``replace NEW_FILE``); it prints one
line per event on stdout (flushed), so the parent knows what was committed before it
killed or limited us.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import sys
import threading
import time
from datetime import date
from pathlib import Path

from newsreader.library import Article
from newsreader.state import StateStore


def article(n: int) -> Article:
    """A small synthetic article; the same ``n`` always gives the same article."""
    paragraphs = tuple(
        f"Paragraph {p} of article {n}: the council met on day {p} to discuss item {n * 7 + p}."
        for p in range(6)
    )
    return Article(
        id=f"a{n}",
        path=Path(f"/nonexistent/a{n}.txt"),
        title=f"Article {n}",
        date=date(2024, 1, 1 + n % 28),
        dateline=None,
        paragraphs=paragraphs,
        size=sum(map(len, paragraphs)),
        mtime_ns=0,
        content_hash=f"hash{n}",
    )


def loop(store: StateStore, tag: str, count: int, wait_for: list[str] | None = None) -> None:
    """Write forever (count 0) or ``count`` times; print each write after it returns. With
    ``wait_for`` (writer tags), then wait for those writers and report what this one sees."""
    i = 0
    while count == 0 or i < count:
        art = article(i % 10)
        if i % 2 == 0:
            store.add_bookmark(art, i % 6, 0, 20, note=f"{tag}-{i}")
        else:
            store.save_position(art.summary, i % 6, i, i % 101)
        if not store.saving:
            print(f"notsaving {store.reason}", flush=True)
            return
        print(f"ok {i}", flush=True)
        i += 1
    if wait_for:
        see(store, tag, wait_for)


def see(store: StateStore, tag: str, writers: list[str]) -> None:
    """Mark this writer done, wait (up to 60 s) until every writer in ``writers`` is done, then
    print every note and reading position this process sees, as JSON."""
    store.add_bookmark(article(0), 0, note=f"{tag}-done")
    wanted = {f"{w}-done" for w in writers}
    deadline = time.monotonic() + 60
    while not wanted <= {b.note for b in store.bookmarks()} and time.monotonic() < deadline:
        time.sleep(0.02)
    states = store.reading_states(article(n).summary for n in range(10))
    print(
        "sees "
        + json.dumps(
            {
                "notes": sorted(b.note for b in store.bookmarks()),
                "offsets": {aid: s.offset for aid, s in states.items()},
            }
        ),
        flush=True,
    )


def tag_loop(store: StateStore, tag: str, count: int, wait_for: list[str] | None = None) -> None:
    """Put tag ``TAG-i`` on article ``i % 10`` and star it (``count`` 0: forever), printing
    each write after it returns; with ``wait_for``, then report every tag and star seen."""
    i = 0
    while count == 0 or i < count:
        art = article(i % 10).summary
        store.change_tags(art, [f"{tag}-{i}"])
        store.set_starred(art, True)
        print(f"ok {i}", flush=True)
        i += 1
    if not wait_for:
        return
    store.change_tags(article(0).summary, [f"{tag}-done"])
    wanted = {f"{w}-done" for w in wait_for}
    deadline = time.monotonic() + 60
    while not wanted <= set(store.tags_in_use()) and time.monotonic() < deadline:
        time.sleep(0.02)
    states = store.reading_states(article(n).summary for n in range(10))
    seen = {aid: sorted(s.tags) for aid, s in states.items()}
    stars = sorted(aid for aid, s in states.items() if s.starred)
    print("sees " + json.dumps({"tags": seen, "starred": stars}), flush=True)


def disk_full(store: StateStore, limit: int) -> None:
    """Write big notes past an RLIMIT_FSIZE until the store stops saving; report as JSON."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills us at the limit
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    saved: list[str] = []
    kept: list[str] = []
    for i in range(2000):
        note = f"note-{i}-" + "x" * 4000
        store.add_bookmark(article(i % 10), 1, 0, 10, note=note)
        (saved if store.saving else kept).append(f"note-{i}-")
        if len(kept) >= 3:
            break
    visible = {b.note.split("x", 1)[0] for b in store.bookmarks()}
    store.close()
    print(
        json.dumps(
            {
                "saved": saved,
                "kept": kept,
                "visible": sorted(visible),
                "notices": store.notices,
            }
        ),
        flush=True,
    )


def replace_mid_read(store: StateStore, path: Path, new_file: Path) -> None:
    """Another program moves ``new_file`` over the state file while this process has a read
    under way on one thread and writes on another (the app's reader and its session worker).
    Reports as JSON what the store then holds; a crash here is a signal, not a report."""
    for i in range(5):  # committed, not yet checkpointed: the WAL has frames to look up
        store.add_bookmark(article(i), 1, note=f"ours-{i}")
    inside, go_on = threading.Event(), threading.Event()
    seen: list[int] = []

    def slow_read(conn: sqlite3.Connection) -> int:
        conn.execute("SELECT count(*) FROM bookmarks").fetchone()
        inside.set()
        go_on.wait(10)
        return int(conn.execute("SELECT count(*) FROM bookmarks WHERE note <> ''").fetchone()[0])

    reader = threading.Thread(target=lambda: seen.append(store._file.read(slow_read)))
    reader.start()
    inside.wait(10)
    os.replace(new_file, path)
    writer = threading.Thread(target=lambda: store.add_bookmark(article(9), 1, note="after"))
    writer.start()
    time.sleep(0.3)  # long enough for the write to open the new file, if it does not wait
    go_on.set()
    reader.join(10)
    writer.join(10)
    notes = sorted(b.note for b in store.bookmarks())
    print(json.dumps({"read": seen, "notes": notes, "notices": store.notices}), flush=True)


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    store = StateStore.open(path, path.parent / "snapshots")
    for notice in store.notices:
        print(f"notice {notice}", flush=True)
    print("ready", flush=True)
    if mode == "loop":
        wait_for = sys.argv[5].split(",") if len(sys.argv) > 5 else None
        loop(store, sys.argv[3], int(sys.argv[4]), wait_for)
    elif mode == "tags":
        wait_for = sys.argv[5].split(",") if len(sys.argv) > 5 else None
        tag_loop(store, sys.argv[3], int(sys.argv[4]), wait_for)
    elif mode == "diskfull":
        disk_full(store, int(sys.argv[3]))
    elif mode == "replace":
        replace_mid_read(store, path, Path(sys.argv[3]))
    store.close()


if __name__ == "__main__":
    main()
