"""The update side of ``SearchIndex``: bringing a library's Whoosh index in line with a scan.

Whoosh is imported inside the methods that need it (``import whoosh`` costs ~100 ms and the
TUI imports this package at start-up).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.library.packed import ids_by_path, patched_ids
from newsreader.search import freshness, generations
from newsreader.search.results import IndexReport
from newsreader.search.schema_version import SCHEMA_VERSION

if TYPE_CHECKING:
    from newsreader.library import Library, LibraryScan
    from newsreader.search.build import Extra, Share
    from newsreader.search.incremental import IncrementalUpdate


class DamagedIndexError(Exception):
    """An update found the index unreadable and left the rebuild to ``on_damage``'s owner."""


class IndexUpdates:
    """Updates one library's index, one at a time. ``SearchIndex`` adds the searching, and
    drops its searcher after an update that committed (``_reopen``)."""

    def __init__(self, index_dir: Path, *, on_damage: Callable[[], None] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self._on_damage = on_damage
        self._write = threading.RLock()
        self._ids: Mapping[str, str] = {}
        self._last: tuple[LibraryScan, Library] | None = None
        self._signatures: tuple[tuple[Path, int], dict[str, bytes]] | None = None
        self._wrote = False
        """Whether the update under way has committed (then the searcher is reopened)."""

    def is_complete(self) -> bool:
        """Whether a usable index of the current format is on disk (else a full build is due)."""

        try:
            current = generations.read_current(self.index_dir)
        except Exception:
            return False
        return current is not None and current[0] == SCHEMA_VERSION

    def update(
        self,
        scan: LibraryScan,
        library: Library,
        *,
        rebuild: bool = False,
        progress: Callable[[int, int], None] | None = None,
        procs: int = 1,
        extra: Extra | None = None,
    ) -> IndexReport:
        """Bring the index in line with ``scan``: add, re-index and delete what changed.

        A full build happens when asked, when there is no index, or when it cannot be read.
        ``procs > 1`` forks worker processes for a full build: only pass it from the CLI.
        ``extra``: made of each article a full build reads (``IndexReport.extras``).
        """
        with self._write:
            self._ids = self._ids_for(scan)
            self._last = (scan, library)
            self._wrote = False
            try:
                with generations.write_lock(self.index_dir, generations.LOCK_WAIT):
                    report = self._update_locked(scan, library, rebuild, progress, procs, extra)
            except generations.LockBusy:
                if not self.is_complete():
                    notice = (
                        "another newsreader is building the search index; "
                        "search will work when it finishes"
                    )
                else:
                    notice = (
                        "another newsreader is updating the search index; "
                        "searching the last complete one"
                    )
                return IndexReport(unchanged=len(scan.articles), notice=notice)
            if self._wrote:  # else the open searcher (and its vocabulary) still holds
                self._reopen()
            return report

    def _reopen(self) -> None:
        """Called after an update that committed; ``SearchIndex`` drops its searcher."""

    def _ids_for(self, scan: LibraryScan) -> Mapping[str, str]:
        """Each article's id by path (hits carry ids): the last update's, patched, when
        ``scan`` was patched from that update's scan."""
        since, last, ids = scan.since, self._last, self._ids
        if since and since.state and last and last[0].state == since.state and type(ids) is dict:
            return patched_ids(ids, since.articles, since.gone)
        return ids_by_path(scan.articles)

    def _update_locked(
        self,
        scan: LibraryScan,
        library: Library,
        rebuild: bool,
        progress: Callable[[int, int], None] | None,
        procs: int,
        extra: Extra | None,
    ) -> IndexReport:
        current = generations.read_current(self.index_dir)
        notice: str | None = None
        if not rebuild:
            if current is None:
                if self._has_generations():
                    notice = "the search index was incomplete; rebuilt it"
            elif current[0] != SCHEMA_VERSION:
                notice = "the search index format changed; rebuilt it"
            elif freshness.holds(current[1], scan.state):
                return IndexReport(unchanged=len(scan.articles))  # no column read, no Whoosh
            else:
                try:
                    with self._incremental() as update:
                        return update.run(current[1], scan, library, progress)
                except Exception as exc:  # any damage (ARCHITECTURE.md): the index is a cache
                    if self._on_damage is not None:  # rebuilt like any full build, elsewhere
                        self._on_damage()
                        raise DamagedIndexError(
                            f"the search index was unreadable ({why(exc)}); rebuilding it"
                        ) from exc
                    notice = f"the search index was unreadable ({why(exc)}); rebuilt it"
        built = self._rebuild(scan, library, progress, procs, extra)
        return IndexReport(
            added=built.documents,
            rebuilt=True,
            notice=notice,
            truncated=tuple(built.truncated),
            extras=built.extras,
        )

    def _rebuild(
        self,
        scan: LibraryScan,
        library: Library,
        progress: Callable[[int, int], None] | None,
        procs: int,
        extra: Extra | None = None,
    ) -> Share:
        from newsreader.search.build import full_build

        with generations.new_generation(self.index_dir) as folder:
            built = full_build(folder, scan.articles, library, progress, procs, extra)
            if built.documents == len(scan.articles):  # else a file failed: look again later
                freshness.record(folder, scan.state, built.sigs)
            self._wrote = True
            generations.publish(self.index_dir, folder, SCHEMA_VERSION)
        generations.collect_garbage(self.index_dir)
        return built

    @contextlib.contextmanager
    def _incremental(self) -> Iterator[IncrementalUpdate]:
        """An incremental update that starts from this index's signatures and leaves its
        own (and whether it wrote) here, however it ends."""
        from newsreader.search.incremental import IncrementalUpdate

        update = IncrementalUpdate(self._signatures)
        try:
            yield update
        finally:
            self._signatures = update.signatures
            self._wrote = self._wrote or update.wrote

    def _has_generations(self) -> bool:
        try:
            return any(p.name.startswith(generations.GEN_PREFIX) for p in self.index_dir.iterdir())
        except OSError:
            return False


def why(exc: BaseException) -> str:
    """``exc`` in one short line, for a message saying why the index could not be read."""
    text = str(exc).splitlines()[0][:80] if str(exc) else ""
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__
