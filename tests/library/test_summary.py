"""ArticleSummary is written by hand (a start-up builds one per article): it must behave as
the frozen dataclass it replaced, whichever way it was made."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError
from datetime import date
from pathlib import Path

import pytest

from newsreader.library import ArticleSummary, Library


def _scanned(tmp_path: Path) -> ArticleSummary:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "a.txt").write_text("A title\n\n2024-05-06\n\nBody text.\n", "utf-8")
    catalog = tmp_path / "cat.sqlite3"
    Library((lib,), catalog).scan()
    return Library((lib,), catalog).scan().articles[0]  # from the snapshot


def test_a_scanned_summary_equals_one_built_by_hand(tmp_path: Path) -> None:
    s = _scanned(tmp_path)
    by_hand = ArticleSummary(
        s.id,
        tmp_path / "lib" / "a.txt",
        "A title",
        date(2024, 5, 6),
        None,
        s.size,
        s.mtime_ns,
        s.content_hash,
    )
    assert s == by_hand and hash(s) == hash(by_hand) and len({s, by_hand}) == 1
    assert s.path == tmp_path / "lib" / "a.txt" and isinstance(s.path, Path)
    assert s.path_str == str(s.path)
    assert repr(s) == repr(by_hand) and f"path={s.path!r}" in repr(s)
    other = ArticleSummary(
        s.id, s.path, "Another title", s.date, None, s.size, s.mtime_ns, s.content_hash
    )
    assert s != other


def test_a_summary_is_frozen_and_copies(tmp_path: Path) -> None:
    s = _scanned(tmp_path)
    with pytest.raises(FrozenInstanceError):
        s.title = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del s.title
    for clone in (pickle.loads(pickle.dumps(s)), copy.copy(s), copy.deepcopy(s)):
        assert clone == s and clone.path == s.path
    named = ArticleSummary(
        id=s.id,
        path=s.path,
        title=s.title,
        date=s.date,
        dateline=s.dateline,
        size=s.size,
        mtime_ns=s.mtime_ns,
        content_hash=s.content_hash,
    )
    assert named == s
