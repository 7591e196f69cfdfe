"""Three devices, each with its own data dir and its own copy of the sync folder, kept in
step by a simulated sync tool that copies files between them in random order, some cut short
at first, while the devices are partitioned in random ways and their clocks are up to six
hours apart. At the end every device holds the same state, and no change that was the last
word on something is lost. Prints its figures (``-s``)."""

from __future__ import annotations

import os
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsreader.library import Article
from newsreader.state import tags
from newsreader.sync.hlc import SKEW_ENV
from tests.state.state_child import article
from tests.sync.conftest import Device

ARTICLES = 12


@dataclass
class Sim:
    """The simulation's own record of what happened, to check the end state against."""

    rnd: random.Random
    devices: list[Device]
    skews: list[float]
    log: list[tuple[str, str, int, object, bool]] = field(default_factory=list)
    """(entity, key, device, value, dominating) per change, in real-time order."""
    figures: dict[str, int] = field(default_factory=dict)
    half: dict[tuple[int, str], bytes] = field(default_factory=dict)
    """Files delivered cut short, to be completed by a later copy."""

    def count(self, name: str, n: int = 1) -> None:
        self.figures[name] = self.figures.get(name, 0) + n

    def on(self, i: int) -> Device:
        os.environ[SKEW_ENV] = str(self.skews[i])
        return self.devices[i]

    def copy(self, src: int, dst: int) -> None:
        """One step of the sync tool: one file from src's folder that dst lacks (or has cut
        short) arrives at dst, sometimes cut short itself."""
        a, b = self.devices[src].sync_dir, self.devices[dst].sync_dir
        wanted = []
        for path in a.rglob("*.jsonl"):
            rel = str(path.relative_to(a))
            there = b / rel
            if rel.split("/")[0] == self.devices[dst].ledger().device:
                continue  # a device's own files only ever come from itself
            if not there.exists() or there.stat().st_size != path.stat().st_size:
                wanted.append((rel, path))
        if not wanted:
            return
        rel, path = self.rnd.choice(sorted(wanted))
        data = path.read_bytes()
        if self.rnd.random() < 0.25:
            data = data[: self.rnd.randrange(1, len(data))]
            self.count("files delivered cut short")
        (b / rel).parent.mkdir(parents=True, exist_ok=True)
        tmp = b / (rel + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, b / rel)
        self.count("file copies")

    def heal(self) -> None:
        """The partition ends: every file reaches every device whole."""
        for src, dst in [(s, d) for s in range(3) for d in range(3) if s != d]:
            a, b = self.devices[src].sync_dir, self.devices[dst].sync_dir
            for path in a.rglob("*.jsonl"):
                rel = path.relative_to(a)
                if str(rel).split("/")[0] == self.devices[dst].ledger().device:
                    continue
                there = b / rel
                if not there.exists() or there.read_bytes() != path.read_bytes():
                    there.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, there)


def local(i: int, n: int) -> Article:
    # Each device keeps the same articles under its own ids and paths: matched by content.
    a = article(n)
    return a._replace(id=f"d{i}-{n}", path=Path(f"/nonexistent/dev{i}/a{n}.txt"))


def seen_all(sim: Sim, i: int, entity: str, key: str) -> bool:
    """Whether device i had taken in every earlier change to this thing (its change then
    comes causally after all of them)."""
    stored, kinds = {
        "article": ("article", ("read",)),
        "bookmark": ("bookmark", ("bookmark", "note", "unbookmark")),
        "star": ("article", ("star",)),
        "tag": ("tag", ("tag", "untag")),
        "search": ("search", ("search", "unsearch")),
        "setting": ("setting", ("setting",)),
    }[entity]
    held = sim.devices[i].ledger().changes_for(stored, [key])[key]
    return len([c for c in held if c.kind in kinds]) == len(
        [e for e in sim.log if e[0] == entity and e[1] == key]
    )


def operate(sim: Sim, i: int, uuids: list[str]) -> None:
    rnd, d = sim.rnd, sim.on(i)
    n = rnd.randrange(ARTICLES)
    roll = rnd.random()
    marks = [b.uuid for b in d.store.bookmarks()]
    if roll < 0.3:
        organise(sim, i, n)
    elif roll < 0.45:
        value = rnd.random() < 0.7
        dom = seen_all(sim, i, "article", f"hash{n}")
        d.store.set_read([local(i, n).summary], value)
        sim.log.append(("article", f"hash{n}", i, value, dom))
        sim.count("read marks")
    elif roll < 0.52:
        d.store.save_position(local(i, n).summary, rnd.randrange(6), 0, rnd.randrange(101), "P")
        sim.count("positions")
    elif roll < 0.6:
        d.store.mark_opened(local(i, n).summary)
        sim.log.append(("article", f"hash{n}", i, True, False))  # a read mark too
        sim.count("opens")
    elif roll < 0.72 or not marks:
        note = f"note {len(sim.log)} from device {i}"
        bm = d.store.add_bookmark(local(i, n), rnd.randrange(6), note=note)
        uuids.append(bm.uuid)
        sim.log.append(("bookmark", bm.uuid, i, note, True))
        sim.count("bookmarks added")
    elif roll < 0.92:
        uuid = rnd.choice(marks)
        note = f"note {len(sim.log)} from device {i}"
        dom = seen_all(sim, i, "bookmark", uuid)
        d.store.update_note(uuid, note)
        sim.log.append(("bookmark", uuid, i, note, dom))
        sim.count("note edits")
    else:
        uuid = rnd.choice(marks)
        dom = seen_all(sim, i, "bookmark", uuid)
        d.store.delete_bookmark(uuid)
        sim.log.append(("bookmark", uuid, i, None, dom))
        sim.count("bookmark deletes")


TAGS = ("Économie", "économie", "ÉCONOMIE", "climate", "Policy")
"""Three spellings of one tag, and two more."""
SEARCHES = ("Rates", "rates", "Energy")


def organise(sim: Sim, i: int, n: int) -> None:
    """A star, a tag added or removed, a saved search saved or removed, or the list's sort."""
    rnd, d = sim.rnd, sim.on(i)
    summary = local(i, n).summary
    roll = rnd.random()
    if roll < 0.25:
        value = rnd.random() < 0.6
        dom = seen_all(sim, i, "star", f"hash{n}")
        d.store.set_starred(summary, value)
        sim.log.append(("star", f"hash{n}", i, value, dom))
        sim.count("stars")
    elif roll < 0.65:
        name = rnd.choice(TAGS)
        key = f"hash{n} {tags.key(name)}"
        held = {tags.key(t) for t in d.store.reading_state(summary).tags}
        add = tags.key(name) not in held or rnd.random() < 0.4  # a removal needs a tag
        dom = seen_all(sim, i, "tag", key)
        if add:
            d.store.change_tags(summary, add=[name])
        else:
            d.store.change_tags(summary, remove=[name])
        sim.log.append(("tag", key, i, add, dom))
        sim.count("tags added" if add else "tags removed")
    elif roll < 0.9:
        name = rnd.choice(SEARCHES)
        save = d.store.saved_search(name) is None or rnd.random() < 0.6
        dom = seen_all(sim, i, "search", tags.key(name))
        query = f"query {len(sim.log)} from device {i}"
        if save:
            d.store.save_search(name, query, rnd.choice(("relevance", "date")))
        else:
            d.store.remove_search(name)
        sim.log.append(("search", tags.key(name), i, query if save else None, dom))
        sim.count("searches saved" if save else "searches removed")
    else:
        sort = rnd.choice(("date", "title", "source"))
        dom = seen_all(sim, i, "setting", "list.sort")
        d.store.set_setting("list.sort", sort)
        sim.log.append(("setting", "list.sort", i, sort, dom))
        sim.count("sort settings")


def state_of(d: Device) -> str:
    return repr((d.snapshot(), d.organised()))


def run(tmp_path: Path, seed: int, ops: int) -> Sim:
    rnd = random.Random(seed)
    devices = [Device(tmp_path, f"dev{i}", tmp_path / f"dev{i}" / "Sync") for i in range(3)]
    # one clock well behind, one well ahead, one anywhere within six hours
    skews = [h * 3600 for h in (rnd.uniform(-6, -3), rnd.uniform(3, 6), rnd.uniform(-6, 6))]
    sim = Sim(rnd, devices, skews)
    uuids: list[str] = []
    for i in range(3):
        sim.on(i).sync()
    links: set[tuple[int, int]] = set()
    for step in range(ops):
        if step % 100 == 0:  # a new partition: some links down
            links = {(s, d) for s in range(3) for d in range(3) if s != d and rnd.random() < 0.6}
            sim.count("partitions")
        operate(sim, rnd.randrange(3), uuids)
        for _ in range(rnd.randrange(3)):
            if links:
                sim.copy(*rnd.choice(sorted(links)))
        if rnd.random() < 0.15:
            i = rnd.randrange(3)
            report = sim.on(i).sync()
            sim.count("syncs")
            sim.count("files skipped (retried later)", len(report.notices))
    rounds = 0
    while True:
        rounds += 1
        sim.heal()
        for i in range(3):
            sim.on(i).sync()
        sim.heal()
        for i in range(3):
            sim.on(i).sync()
        if len({state_of(d) for d in devices}) == 1 or rounds > 3:
            break
    sim.figures["rounds to converge after healing"] = rounds
    return sim


def check(sim: Sim) -> None:
    first = sim.devices[0].snapshot()
    for d in sim.devices[1:]:
        assert state_of(d) == state_of(sim.devices[0]), "devices did not converge"
    store = sim.devices[0].store
    by_hash = {a[0]: a for a in first[0]}
    saved = {tags.key(s.name): s.query for s in store.saved_searches()}
    notes = {b.uuid: b.note for b in sim.devices[0].store.bookmarks()}
    last: dict[tuple[str, str], tuple[int, object, bool]] = {}
    for entity, key, i, value, dom in sim.log:
        last[(entity, key)] = (i, value, dom)
    lost = 0
    for (entity, key), (_i, value, dom) in last.items():
        if entity == "bookmark":
            if value is None:  # deleted last; a delete that had seen everything removes it
                if dom and key in notes:
                    lost += 1
            elif key not in notes or str(value) not in notes[key]:
                lost += 1  # the last note written is never dropped
            elif dom and notes[key] != value:
                lost += 1  # written after seeing every other version: no conflict left
        elif entity == "tag":
            content_hash, _, tag = key.partition(" ")
            present = tag in {tags.key(t) for t in by_hash[content_hash][7]}
            if value and not present:
                lost += 1  # the last add is never undone by a removal that had not seen it
            elif not value and dom and present:
                lost += 1
        elif entity == "search":
            if value is None:
                if dom and key in saved:
                    lost += 1
            elif key not in saved or (dom and saved[key] != value):
                lost += 1  # the last save keeps it; made after seeing all, its query wins
        elif entity == "setting":
            if dom and store.setting(key) != value:
                lost += 1
        elif entity == "star":
            if dom and bool(by_hash[key][6]) != value:
                lost += 1
        elif dom:
            read = {a[0]: a[1] for a in first[0]}
            if read.get(key) != value:
                lost += 1
    sim.figures["last changes checked"] = len(last)
    sim.figures["last changes lost"] = lost
    assert lost == 0


def report(sim: Sim, ops: int, seconds: float) -> None:
    print(
        f"\nsync simulation: 3 devices, {ops} operations, skews (h) "
        + ", ".join(f"{s / 3600:+.1f}" for s in sim.skews)
    )
    for name, n in sorted(sim.figures.items()):
        print(f"  {name}: {n}")
    print(f"  took {seconds:.1f} s")


@pytest.mark.parametrize("seed", [1, 2])
def test_three_devices_converge_and_lose_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setenv(SKEW_ENV, "0")
    start = time.perf_counter()
    sim = run(tmp_path, seed, 400)
    check(sim)
    report(sim, 400, time.perf_counter() - start)
    assert sim.figures["files delivered cut short"] > 0


@pytest.mark.slow
def test_three_devices_2000_operations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SKEW_ENV, "0")
    start = time.perf_counter()
    sim = run(tmp_path, 2026, 2000)
    check(sim)
    report(sim, 2000, time.perf_counter() - start)
