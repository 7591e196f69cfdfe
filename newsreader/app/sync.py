"""Sync run: this device's changes out to the sync folder, the others' merged in.

One run (``sync_once``): record feed subscriptions added or removed here since the last run,
take in every other device's new segments, write the merged state of everything they touched
to the state file and the subscriptions file, then write this device's new changes as one
segment. Changes made through the store are recorded as they happen (``attach``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from newsreader.app.sync_apply import (
    write_articles,
    write_bookmarks,
    write_searches,
    write_settings,
    write_tags,
)
from newsreader.app.sync_feeds import record_feeds, write_feeds
from newsreader.errors import UserError
from newsreader.library.text import clean_line
from newsreader.paths import AppPaths
from newsreader.state.change_items import from_backup
from newsreader.sync import merge
from newsreader.sync.changes import Change
from newsreader.sync.ledger import Ledger, Pending
from newsreader.sync.lock import sync_lock
from newsreader.sync.segments import (
    DEVICE,
    NAME,
    SegmentError,
    read_segment,
    segment_name,
    write_segment,
)

if TYPE_CHECKING:
    from newsreader.state import StateStore
    from newsreader.state.change_items import ChangeItem

Fresh = dict[str, dict[str, list[Change]]]
"""Changes read from segments in this run, by entity and key."""

_BATCH = 2000
"""Things written to the state file per transaction (a long one would hold the app's writes)."""


def ledger_path(paths: AppPaths) -> Path:
    """This device's sync ledger."""
    return paths.data_dir / "sync" / "ledger.sqlite3"


def attach(store: StateStore, paths: AppPaths, changed: Callable[[], None] | None = None) -> None:
    """Record the store's changes for sync, once sync has been used on this device (so a
    ``newsreader sync --dir`` without the config key still gets every later change)."""
    path = ledger_path(paths)
    if not Ledger.exists(path):
        return
    try:
        ledger, notice = Ledger.open(path)
    except (OSError, sqlite3.Error, UserError) as exc:  # reading state works on without sync
        store.notices.append(f"sync: changes here are not recorded ({exc})")
        return
    if notice is not None:
        store.notices.append(notice)

    def record(items: list[ChangeItem], token: str) -> None:
        ledger.record(items, token)
        if changed is not None:
            changed()

    store.on_change = record
    if recover(store, ledger) and changed is not None:
        changed()


def recover(store: StateStore, ledger: Ledger) -> int:
    """Record the changes the state file kept for sync and the ledger may not have (a
    process killed between the two writes); each is recorded once, however often this runs.
    Returns how many were recorded now."""
    try:
        kept = store.outbox.kept()
    except (OSError, sqlite3.Error):  # a state file that cannot be read now: next time
        return 0
    made = sum(len(ledger.record(items, token)) for token, items in kept)
    with contextlib.suppress(OSError, sqlite3.Error):
        store.outbox.forget([token for token, _ in kept])
    ledger.forget_tokens({token for token, _ in kept})
    return made


def _outbox_waiting(state_file: Path) -> bool:
    """Whether the state file holds changes kept for sync (cheap: no store is opened)."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(state_file))}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return False
    try:
        return conn.execute("SELECT 1 FROM sync_outbox LIMIT 1").fetchone() is not None
    except sqlite3.Error:  # no such file or table: nothing kept
        return False
    finally:
        conn.close()


@dataclass(slots=True)
class SyncReport:
    """What one run did; ``notices`` are one line each (files skipped and why)."""

    device: str = ""
    segments_read: int = 0
    skipped: int = 0
    """Files in the folder that could not be used (yet)."""
    changes_in: int = 0
    changes_out: int = 0
    written: int = 0
    touched: set[str] = field(default_factory=set)
    """What the things written to the state file are: "article" (read marks, places, stars),
    "bookmark", "tag", "search", "setting", "feed"; what is shown of them is stale."""
    notices: list[str] = field(default_factory=list)
    fresh_notices: list[str] = field(default_factory=list)
    """The notices not given at the run before (a file newly skipped, or for a new reason)."""
    busy: bool = False
    """Another sync of this device was running; nothing was done."""

    def __str__(self) -> str:
        if self.busy:
            return "another sync is running"
        return (
            f"{_count(self.changes_in, 'change')} in from {_count(self.segments_read, 'file')}, "
            f"{self.changes_out} out; {_count(self.written, 'thing')} updated here"
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def resolve_sync_dir(folder: Path) -> Path:
    """The sync folder, made if only its last part is missing; UserError when unusable."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"sync folder {folder} is not a folder")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise UserError(f"sync folder {folder}: its parent folder does not exist")
        try:
            folder.mkdir()
        except OSError as exc:
            raise UserError(f"cannot create sync folder {folder}: {exc.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"sync folder {folder} is not writable")
    return folder


def sync_once(
    paths: AppPaths,
    sync_dir: Path,
    store: StateStore | Callable[[], StateStore],
    feeds_file: Path | None = None,
    wait: bool = True,
    changed: Callable[[], None] | None = None,
) -> SyncReport:
    """One sync run; never raises for a bad file in the folder (it is skipped and told).
    ``store`` may be a function that opens it: a run with nothing new then never does.
    Without ``wait`` it returns at once (``busy``) while another sync of this device runs;
    ``changed`` is told of each change recorded from now on (see ``attach``)."""
    opened: list[StateStore] = []

    def the_store() -> StateStore:
        if not opened:
            held = store() if callable(store) else store
            if held.on_change is None:
                attach(held, paths, changed)
            opened.append(held)
        return opened[0]

    with sync_lock(paths.data_dir / "sync" / "sync.lock", wait) as got:
        if not got:
            return SyncReport(busy=True)
        ledger, notice = Ledger.open(ledger_path(paths))
        if not callable(store) or _outbox_waiting(paths.state_file):
            # Its changes are recorded from now on, and those a killed process left, now.
            recover(the_store(), ledger)
        else:
            ledger.forget_tokens(())  # the state file holds none of them
        report = SyncReport(device=ledger.device)
        if notice is not None:
            report.notices.append(notice)
            report.fresh_notices.append(notice)
        if ledger.flag("baseline") is None:
            ledger.record(from_backup(the_store().backup_records()))
            ledger.flag("baseline", "done")
        if feeds_file is not None:
            record_feeds(ledger, feeds_file)
        fresh, foreign = _take_in(ledger, sync_dir, report)
        report.written = _write_merged(ledger, the_store, feeds_file, fresh, report.touched)
        first, out = ledger.unexported()
        if out:
            own = sync_dir / ledger.device
            if segment_name(first) in foreign:  # never over another machine's changes
                name = f"{ledger.device}/{segment_name(first)}"
                raise UserError(
                    f"another machine syncs under this device's id ({name} in the sync "
                    f"folder is its): {TWIN_FIX}"
                )
            try:
                _drop_stale_temporaries(own)
                write_segment(own, ledger.device, ledger.host, first, out)
            except OSError as exc:  # kept in the ledger: the next run writes them
                reason = exc.strerror or exc.__class__.__name__
                raise UserError(f"cannot write to the sync folder {own}: {reason}") from None
            ledger.exported(len(out), first)
        report.changes_out = len(out)
        ledger.flag("last_sync", _now_iso())
        return report


def _drop_stale_temporaries(own: Path) -> None:
    """Temporary files a killed run left in this device's folder (only one run of a device
    writes at a time: under ``sync.lock``, any such file is stale)."""
    if not own.is_dir():
        return
    for path in own.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            path.unlink()


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# --- in ------------------------------------------------------------------------------------


def _take_in(ledger: Ledger, sync_dir: Path, report: SyncReport) -> tuple[Fresh, set[str]]:
    """Take in every new segment; returns the changes read and kept, by entity and key (the
    merge needs them again, and reading them back from the ledger would decode them twice),
    and the files in this device's own folder that another machine wrote."""
    fresh: Fresh = {}
    foreign: set[str] = set()
    present: set[str] = set()
    known = ledger.signatures()
    for entry in sorted(os.scandir(sync_dir), key=lambda e: e.name):
        if entry.name.startswith("."):  # the sync tool's own files, temporary files
            continue
        if entry.name == ledger.device:
            for name in _not_mine(ledger, Path(entry.path)):
                _skipped(ledger, report, present, f"{entry.name}/{name}", TWIN)
                foreign.add(name)
            continue
        if not entry.is_dir() or not DEVICE.match(entry.name):
            _skipped(ledger, report, present, entry.name, "not a device folder of newsreader")
            continue
        for seg in sorted(os.scandir(entry.path), key=lambda e: e.name):
            name = f"{entry.name}/{seg.name}"
            if seg.name.startswith("."):
                continue
            if not NAME.match(seg.name) or not seg.is_file():
                _skipped(ledger, report, present, name, "not a sync segment")
                continue
            st = seg.stat()
            signature = f"{st.st_size}:{st.st_mtime_ns}"
            if known.get(name) == signature:
                continue
            try:
                segment = read_segment(Path(seg.path), entry.name)
            except SegmentError as exc:
                _skipped(ledger, report, present, name, str(exc))
                continue
            new = ledger.take_in(name, signature, segment.host, segment.changes, _now_iso())
            report.segments_read += 1
            report.changes_in += new
            if new == len(segment.changes):  # each is its row (none was there under its stamp)
                _group(segment.changes, fresh)
    ledger.forget_skipped(present)
    return fresh, foreign


TWIN_FIX = (
    "its data folder was copied from this one? Delete sync/ledger.sqlite3 in the data folder "
    "of one of the two, which then syncs as a new device"
)
TWIN = f"written by another machine under this device's id ({TWIN_FIX})"


def _not_mine(ledger: Ledger, own: Path) -> list[str]:
    """The files in this device's own folder it did not write: a segment past the ones it
    wrote (one just past them is its own when a run was killed after writing it: then it
    holds the changes waiting to go out), and any other file, as the conflict copy a sync
    tool makes of a file two machines wrote."""
    exported = int(ledger.flag("exported") or 0)
    names: list[str] = []
    for seg in os.scandir(own):
        if seg.name.startswith(".") or not seg.is_file():
            continue
        found = NAME.match(seg.name)
        first = int(found[1]) if found else exported + 2
        if first > exported + 1 or (first > exported and not _holds_mine(ledger, seg.path)):
            names.append(seg.name)
    return sorted(names)


def _holds_mine(ledger: Ledger, path: str) -> bool:
    """Whether a segment holds the changes this device has waiting to go out."""
    try:
        held = read_segment(Path(path), ledger.device).changes
    except SegmentError:
        return False
    waiting = ledger.unexported()[1]
    return [c.id for c in held] == [c.id for c in waiting[: len(held)]]


def _group(changes: list[Change], fresh: Fresh) -> None:
    """Add ``changes`` to ``fresh`` by entity and key (plain look-ups: once per change)."""
    by_kind: dict[str, dict[str, list[Change]]] = {}
    for c in changes:
        keyed = by_kind.get(c.kind)
        if keyed is None:
            keyed = by_kind[c.kind] = fresh.setdefault(c.entity, {})
        held = keyed.get(c.key)
        if held is None:
            keyed[c.key] = [c]
        else:
            held.append(c)


def _skipped(ledger: Ledger, report: SyncReport, present: set[str], name: str, reason: str) -> None:
    present.add(name)
    notice = f"sync: skipped {clean_line(name)}: {reason}; will retry"
    report.notices.append(notice)
    report.skipped += 1
    if ledger.skip(name, reason, _now_iso()):
        report.fresh_notices.append(notice)


# --- the merged state into the state file -----------------------------------------------------


def _write_merged(
    ledger: Ledger,
    the_store: Callable[[], StateStore],
    feeds_file: Path | None,
    fresh: Fresh,
    touched: set[str],
) -> int:
    """Write the merged state of everything pending; ``touched`` gets the entities written.
    Returns how many things were written."""
    pending = ledger.pending()
    by_entity: dict[str, list[str]] = {}
    for entity, key in pending:
        by_entity.setdefault(entity, []).append(key)
    written = 0
    for entity, keys in sorted(by_entity.items()):
        held = fresh.get(entity, {})
        # Every change known of it was read in this run (a device's first sync): none is
        # looked up or counted in the ledger.
        whole = bool(held) and ledger.count(entity) == sum(map(len, held.values()))
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            if whole:
                changes = {k: held.get(k, []) for k in batch}
            else:
                changes = ledger.changes_for(entity, batch, held)
            if entity == "article":
                states = [s for k in batch if (s := merge.article(k, changes[k]))]
                the_store().write_synced(partial(write_articles, states=states))
            elif entity == "bookmark":
                marks = [m for k in batch if (m := merge.bookmark(k, changes[k]))]
                the_store().write_synced(partial(write_bookmarks, marks=marks))
            elif entity == "tag":
                tagged = [t for k in batch if (t := merge.tag(k, changes[k]))]
                the_store().write_synced(partial(write_tags, states=tagged))
            elif entity == "search":
                found = [q for k in batch if (q := merge.search(k, changes[k]))]
                the_store().write_synced(partial(write_searches, states=found))
            elif entity == "setting":
                kept = [v for k in batch if (v := merge.setting(k, changes[k]))]
                the_store().write_synced(partial(write_settings, states=kept))
            elif entity == "feed":
                if feeds_file is None:
                    continue  # kept pending until a run that knows the file
                write_feeds(
                    ledger, feeds_file, [f for k in batch if (f := merge.feed(k, changes[k]))]
                )
            else:
                continue  # a kind of a newer version: pending until a version that knows it
            done: list[Pending] = [(entity, k) for k in batch]
            ledger.written(done)
            written += len(batch)
            touched.add(entity)
    return written
