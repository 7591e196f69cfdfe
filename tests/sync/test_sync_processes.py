"""Two devices as real processes: each its own XDG data dir, clocks hours apart, one shared
sync folder; both change things while apart, then ``newsreader sync`` runs both ways."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsreader.sync.hlc import SKEW_ENV
from newsreader.sync.merge import CONFLICT_LINE
from tests.cli.conftest import entry_point
from tests.conftest import REPO

CHILD = Path(__file__).with_name("device_child.py")


class Machine:
    def __init__(self, root: Path, name: str, sync_dir: Path, skew_hours: float) -> None:
        self.name = name
        home = root / name
        cfg = home / "config" / "newsreader"
        cfg.mkdir(parents=True)
        (cfg / "config.toml").write_text(f'sync_dir = "{sync_dir}"\n')
        self.env = {
            **os.environ,
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_CONFIG_HOME": str(home / "config"),
            SKEW_ENV: str(skew_hours * 3600),
            "PYTHONPATH": str(REPO),
        }

    def do(self, *steps: list[Any], die_at: str | None = None) -> list[str | None]:
        run = subprocess.run(
            [sys.executable, str(CHILD), self.name, json.dumps(list(steps))],
            capture_output=True,
            text=True,
            env={**self.env, "DIE_AT": die_at} if die_at else self.env,
            timeout=60,
        )
        if die_at:
            assert run.returncode == -signal.SIGKILL, run.stderr
            return []
        assert run.returncode == 0, run.stderr
        result: list[str | None] = json.loads(run.stdout)
        return result

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*entry_point(), *args], capture_output=True, text=True, env=self.env, timeout=60
        )

    def sync(self) -> str:
        run = self.cli("sync")
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        return run.stderr

    def changes_made(self) -> int:
        """How many changes this device has recorded for sync."""
        run = self.cli("sync", "--status", "--json")
        assert run.returncode == 0, run.stderr
        (mine,) = [d for d in json.loads(run.stdout)["devices"] if d["this"]]
        return int(mine["changes"])

    def state(self) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
        run = self.cli("export", "-")
        assert run.returncode == 0, run.stderr
        data = json.loads(run.stdout)
        articles = sorted(
            {
                (a["content_hash"], a["read"], a["progress"], a["paragraph"])
                for a in data["articles"]
            }
        )
        marks = sorted((b["uuid"], b["note"]) for b in data["bookmarks"])
        return articles, marks

    def organised(self) -> tuple[list[tuple[Any, ...]], list[tuple[str, str, str]]]:
        """Stars and tags (in any order) by content hash; saved searches."""
        run = self.cli("export", "-")
        assert run.returncode == 0, run.stderr
        data = json.loads(run.stdout)
        marks = sorted(
            {(a["content_hash"], a["starred"], tuple(sorted(a["tags"]))) for a in data["articles"]}
        )
        saved = sorted((s["name"], s["query"], s["sort"]) for s in data["saved_searches"])
        return marks, saved


@pytest.fixture
def machines(tmp_path: Path) -> tuple[Machine, Machine]:
    folder = tmp_path / "Sync"
    folder.mkdir()
    return Machine(tmp_path, "laptop", folder, +3), Machine(tmp_path, "desktop", folder, -5)


def test_both_change_apart_then_sync_both_ways_nothing_lost(
    machines: tuple[Machine, Machine],
) -> None:
    laptop, desktop = machines
    shared, doomed, kept = laptop.do(
        ["mark", 1, 1, "first words"], ["mark", 2, 0, "delete me"], ["mark", 3, 2, "stays"]
    )
    assert shared and doomed and kept
    laptop.do(["open", 1], ["pos", 1, 4, 60])
    laptop.sync()
    desktop.sync()
    assert desktop.state() == laptop.state()
    # apart: the same note edited on both; a delete on one, an edit on the other;
    # the desktop's clock is 8 hours behind the laptop's
    laptop.do(["note", shared, "the laptop's thought"], ["delete", doomed], ["read", 4, True])
    desktop.do(
        ["note", shared, "the desktop's thought"],
        ["note", doomed, "edited on the desktop"],
        ["read", 1, False],  # after seeing the laptop's open: this wins despite its clock
        ["pos", 5, 2, 25],
    )
    for m in (laptop, desktop, laptop):
        m.sync()
    assert laptop.state() == desktop.state()
    articles, marks = laptop.state()
    notes = dict(marks)
    assert "the laptop's thought" in notes[shared] and "the desktop's thought" in notes[shared]
    assert CONFLICT_LINE in notes[shared]
    assert notes[doomed] == "edited on the desktop"  # the edit on one kept it from the delete
    assert notes[kept] == "stays"
    by_hash = {a[0]: a for a in articles}
    assert by_hash["hash1"][1:] == (False, 60, 4)  # unread on the desktop, place from the laptop
    assert by_hash["hash4"][1] is True and by_hash["hash5"][2] == 25
    # the user settles the conflict on the desktop; it reaches the laptop
    desktop.do(["note", shared, "both thoughts, merged by hand"])
    desktop.sync()
    laptop.sync()
    assert dict(laptop.state()[1])[shared] == "both thoughts, merged by hand"


def test_a_change_saved_just_before_a_kill_reaches_the_other_device(
    machines: tuple[Machine, Machine],
) -> None:
    """Killed after the state file took a change and before the sync ledger did: the change
    is still passed on (the state file keeps it for sync in the same transaction)."""
    laptop, desktop = machines
    doomed, kept = laptop.do(["mark", 1, 1, "delete me"], ["mark", 2, 0, "keep me"])
    laptop.sync()
    desktop.sync()
    laptop.do(["star", 3, True], die_at="before-ledger")
    laptop.do(["delete", doomed], die_at="before-ledger")
    laptop.do(["tag", 3, ["later"], []], die_at="before-ledger")
    marks, _ = laptop.organised()
    assert ("hash3", True, ("later",)) in marks  # all three are in the laptop's state file
    assert [u for u, _ in laptop.state()[1]] == [kept]
    laptop.sync()
    desktop.sync()
    assert desktop.organised() == laptop.organised()
    assert desktop.state()[1] == [(kept, "keep me")]


def test_a_change_recorded_just_before_a_kill_is_recorded_once(
    machines: tuple[Machine, Machine],
) -> None:
    """Killed after the ledger took the change too: it is not passed on a second time."""
    laptop, _desktop = machines
    laptop.do(["open", 1])
    laptop.sync()
    before = laptop.changes_made()
    laptop.do(["star", 1, True], die_at="after-ledger")
    laptop.sync()
    laptop.do(["read", 2, True])
    assert laptop.changes_made() == before + 2  # the star once, then the read mark


def test_stars_tags_and_saved_searches_made_apart_converge(
    machines: tuple[Machine, Machine],
) -> None:
    laptop, desktop = machines
    laptop.do(
        ["open", 1], ["tag", 1, ["Économie", "energy"], []], ["search", "Rates", "rates", "date"]
    )
    laptop.do(["search", "Old", "old query", "relevance"])
    laptop.sync()
    desktop.do(["open", 1])  # the desktop holds article 1 under its own id and path
    desktop.sync()
    assert desktop.organised() == laptop.organised()
    # apart: the same tag removed on the desktop and added again on the laptop; a tag removed
    # on one only; stars on both (the desktop's later, though its clock is 8 h behind, after
    # seeing the laptop's first); the same saved search edited on both; one removed on the
    # desktop while edited on the laptop
    laptop.do(
        ["star", 1, True],
        ["tag", 1, ["économie"], []],
        ["tag", 2, ["Later"], []],
        ["search", "rates", "rates rise", "date"],
        ["search", "Old", "old query, edited", "date"],
    )
    desktop.do(
        ["tag", 1, [], ["ÉCONOMIE", "energy"]],
        ["star", 2, True],
        ["search", "RATES", "rates fall", "relevance"],
        ["unsearch", "old"],
    )
    for m in (laptop, desktop, laptop):
        m.sync()
    assert laptop.organised() == desktop.organised()
    marks, saved = laptop.organised()
    by_hash = {m[0]: m[1:] for m in marks}
    assert by_hash["hash1"] == (True, ("Économie",))  # added again: stays, energy gone
    assert by_hash["hash2"] == (True, ("Later",))
    names = {s[0].casefold(): s for s in saved}
    assert names["old"] == ("Old", "old query, edited", "date")  # the edit kept it
    # Made apart: the later stamp wins, and the laptop's clock is 8 h ahead of the desktop's.
    assert names["rates"] == ("rates", "rates rise", "date")
    assert len(saved) == 2


def test_a_truncated_segment_and_a_garbage_file_are_skipped_then_retried(
    machines: tuple[Machine, Machine],
) -> None:
    laptop, desktop = machines
    (uuid,) = laptop.do(["mark", 1, 1, "hello"])
    laptop.sync()
    folder = Path(laptop.env["XDG_DATA_HOME"]).parent.parent / "Sync"
    (segment,) = [p for p in folder.rglob("*.jsonl")]
    whole = segment.read_bytes()
    segment.write_bytes(whole[: len(whole) // 2])  # still arriving
    (folder / segment.parent.name / "0000000099.jsonl").write_bytes(os.urandom(300))
    err = desktop.sync()
    assert f"skipped {segment.parent.name}/{segment.name}: incomplete" in err
    assert f"skipped {segment.parent.name}/0000000099.jsonl:" in err
    assert desktop.state() == ([], [])  # nothing of a half file reached the state file
    status = desktop.cli("sync", "--status", "--json")
    skipped = {s["file"] for s in json.loads(status.stdout)["skipped"]}
    assert skipped == {f"{segment.parent.name}/{n}" for n in (segment.name, "0000000099.jsonl")}
    segment.write_bytes(whole)  # the sync tool finished the copy
    err = desktop.sync()
    assert segment.name not in err and "0000000099.jsonl" in err
    assert desktop.state()[1] == [(uuid, "hello")]


def big_backup(path: Path, tag: str, articles: int, bookmarks: int) -> Path:
    stamp = "2026-01-02T03:04:05.000000+00:00"
    doc = {
        "format": "newsreader-backup",
        "version": 1,
        "articles": [
            {
                "id": f"{tag}{n}",
                "path": f"/nonexistent/{tag}/{n}.txt",
                "content_hash": f"hash{n}",
                "title": f"Article {n}",
                "read": n % 2 == 0,
                "progress": n % 101,
                "paragraph": n % 7,
                "offset": 0,
                "first_opened": stamp,
                "last_opened": stamp,
                "updated": stamp,
            }
            for n in range(articles)
        ],
        "bookmarks": [
            {
                "uuid": f"{tag}-{n:08d}-0000-0000-0000-000000000000",
                "article_id": f"{tag}{n}",
                "article_title": f"Article {n}",
                "quote": f"passage {n}",
                "prefix": "",
                "suffix": "",
                "paragraph": 0,
                "start": 0,
                "end": 5,
                "note": f"note {n} from {tag}",
                "created": stamp,
                "updated": stamp,
                "orphaned": False,
            }
            for n in range(bookmarks)
        ],
    }
    path.write_text(json.dumps(doc))
    return path


def readable(m: Machine) -> None:
    """The state file, the ledger and this device's own segments are all whole."""
    import sqlite3

    from newsreader.sync.segments import read_segment

    data = Path(m.env["XDG_DATA_HOME"]) / "newsreader"
    for name in ("state.sqlite3", "sync/ledger.sqlite3"):
        if not (data / name).exists():
            return  # killed before the first sync made its ledger
        conn = sqlite3.connect(data / name)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    ledger = sqlite3.connect(data / "sync" / "ledger.sqlite3")
    made = ledger.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
    ledger.close()
    if made is None:
        return  # killed between creating the ledger and making its tables: made next time
    device = str(
        sqlite3.connect(data / "sync" / "ledger.sqlite3")
        .execute("SELECT value FROM meta WHERE key = 'device'")
        .fetchone()[0]
    )
    folder = Path(m.env["XDG_DATA_HOME"]).parent.parent / "Sync" / device
    for segment in folder.glob("*.jsonl"):
        read_segment(segment, device)  # raises if cut short


@pytest.mark.parametrize("kills", [pytest.param(4), pytest.param(40, marks=pytest.mark.slow)])
def test_kill_9_during_a_sync_leaves_everything_readable(
    machines: tuple[Machine, Machine], tmp_path: Path, kills: int
) -> None:
    import random
    import signal
    import time

    laptop, desktop = machines
    assert (
        laptop.cli("import", str(big_backup(tmp_path / "a.json", "L", 3000, 400))).returncode == 0
    )
    assert (
        desktop.cli("import", str(big_backup(tmp_path / "b.json", "D", 300, 100))).returncode == 0
    )
    laptop.sync()
    rnd = random.Random(kills)
    killed = 0
    ledger = Path(desktop.env["XDG_DATA_HOME"]) / "newsreader" / "sync" / "ledger.sqlite3"
    for _ in range(kills):
        # Each run a first sync (as a new device: its ledger removed), so each has the whole
        # merge to do and a kill lands in it, not in a run with nothing new.
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ledger}{suffix}").unlink(missing_ok=True)
        proc = subprocess.Popen(
            [*entry_point(), "sync"],
            env=desktop.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rnd.uniform(0.05, 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        readable(desktop)
    desktop.sync()
    laptop.sync()
    desktop.sync()
    assert laptop.state() == desktop.state()
    assert len(desktop.state()[1]) == 500
    print(f"\nkill -9 during sync: {killed} of {kills} runs killed mid-sync, all readable after")
