"""The last run's list is kept packed (``library/packed.py``): every way of reading it must give
exactly the summaries the snapshot's plain decoding gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsreader.library import Library, packed
from newsreader.library.article import ArticleSummary, summaries
from newsreader.library.catalog import Catalog
from newsreader.library.packed import PackedIds, PackedSummaries, ids_by_path
from newsreader.library.snapshot import decode, decode_packed


def _library(root: Path, n: int) -> Path:
    root.mkdir(parents=True)
    for i in range(n):
        # Undated ones, datelines and none, titles beyond ASCII, a few kinds of id.
        day = "" if i % 7 == 0 else f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        dateline = "GENÈVE: " if i % 3 == 0 else ""
        title = f"Título {i} — “quoted” ✓" if i % 5 == 0 else f"Plain title {i}"
        sub = root / ("sub" if i % 4 == 0 else "")
        sub.mkdir(exist_ok=True)
        (sub / f"art{i:03d}.txt").write_text(
            f"{title}\n\n{day}\n\n{dateline}Body of article {i}.\n", "utf-8"
        )
    (root / "empty.txt").write_bytes(b"")  # a skip, kept beside the articles
    return root


def _blob(catalog: Path) -> bytes:
    with Catalog.open(catalog) as held:
        blob = held.snapshot()
    assert isinstance(blob, bytes)
    return blob


def _plain(blob: bytes) -> tuple[ArticleSummary, ...]:
    snap = decode(blob)
    assert snap is not None
    days = [date.fromordinal(d) if d else None for d in snap.days]
    return summaries(
        snap.ids,
        snap.paths,
        snap.titles,
        days,
        snap.datelines,
        snap.sizes,
        snap.mtimes,
        snap.hashes,
    )


@pytest.mark.parametrize("chunk", [packed._CHUNK, 7])
def test_packed_reads_back_what_the_snapshot_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(packed, "_CHUNK", chunk)  # 7: strings split across chunk edges
    lib = _library(tmp_path / "lib", 60)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    blob = _blob(catalog)
    plain = _plain(blob)
    snap = decode_packed(blob)
    assert snap is not None
    rows = snap.articles
    assert isinstance(rows, PackedSummaries) and len(rows) == len(plain) == 60
    assert tuple(rows) == plain == first.articles and rows == plain and plain == rows
    assert [rows[i] for i in range(60)] == list(plain) and rows[-1] == plain[-1]
    assert rows[5:17] == plain[5:17] and rows[::7] == plain[::7] and rows[50:200] == plain[50:]
    assert rows.title(3) == plain[3].title and rows.article_id(4) == plain[4].id
    assert list(rows.titles()) == [a.title for a in plain]
    assert any(a.dateline is None for a in rows) and any(a.date is None for a in rows)
    with pytest.raises(IndexError):
        rows[60]
    assert [str(s) for s in snap.skip_paths] == [str(lib / "empty.txt")]
    assert snap.roots == (str(lib),)
    by_id = PackedIds(rows)
    assert dict(by_id) == {a.id: a for a in plain} == first.by_id
    assert all(by_id[a.id] == a and a.id in by_id for a in plain)
    assert "nothing" not in by_id and by_id.get("nothing") is None and 3 not in by_id
    assert rows.row_of(plain[41].id) == 41
    paths = ids_by_path(rows)
    assert dict(paths) == ids_by_path(plain) == {a.path_str: a.id for a in plain}
    assert paths[plain[7].path_str] == plain[7].id and paths.get("/nowhere") is None


def test_a_start_lists_the_packed_snapshot_and_a_change_is_still_seen(tmp_path: Path) -> None:
    lib = _library(tmp_path / "lib", 30)
    catalog = tmp_path / "cat.sqlite3"
    first = Library((lib,), catalog).scan()
    again = Library((lib,), catalog)
    remembered = again.remembered()
    assert remembered is not None and isinstance(remembered.articles, PackedSummaries)
    assert remembered.articles == first.articles and remembered.by_id == first.by_id
    (lib / "art005.txt").write_text("A new title\n\n2030-01-01\n\nNew body.\n", "utf-8")
    changed = again.scan()
    assert changed.articles[0].title == "A new title" and len(changed.articles) == 30
    assert changed.articles != remembered.articles
