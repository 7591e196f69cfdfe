"""A running app's re-scan (only changed files' catalog rows read) sees what a fresh start sees."""

from __future__ import annotations

import os
import random
from pathlib import Path

from benchmarks.corpus import article
from newsreader.library import Library


def test_polling_rescan_equals_a_fresh_scan(tmp_path: Path) -> None:
    lib_dir = tmp_path / "lib"
    (lib_dir / "sub").mkdir(parents=True)
    rng = random.Random(7)
    names = [f"a{i}.txt" for i in range(24)] + ["sub/a1.txt", "a3.md", "b.md"]

    def write(name: str, text: str) -> None:
        path = lib_dir / name
        path.write_text(text, encoding="utf-8")
        st = path.stat()  # a distinct mtime even within the clock's resolution
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + rng.randrange(1, 10**9)))

    for name in names[:20]:
        write(name, article(rng.randrange(500)))
    poller = Library((lib_dir,), tmp_path / "catalog.sqlite3")
    poller.scan()
    for step in range(60):
        for _ in range(rng.randint(1, 2)):  # few changes: the re-scan's own path
            name = rng.choice(names)
            roll = rng.random()
            if roll < 0.5:
                write(name, article(rng.randrange(500)))
            elif roll < 0.65:
                write(name, "")  # not an article any more
            elif (lib_dir / name).exists():
                (lib_dir / name).unlink()
        seen = poller.scan()
        fresh = Library((lib_dir,), tmp_path / f"fresh{step}.sqlite3").scan()
        assert seen.articles == fresh.articles, step
        assert list(map(str, seen.skipped)) == list(map(str, fresh.skipped)), step
        assert seen.parsed <= 2
