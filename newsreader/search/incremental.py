"""One index generation brought in line with a scan, file by file: the documents of new and
changed articles written, those of removed ones deleted, in one Whoosh commit that merges
only the small segments earlier updates made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.search import freshness
from newsreader.search.generations import LOCK_WAIT
from newsreader.search.results import IndexReport

if TYPE_CHECKING:
    from newsreader.library import ArticleSummary, Library, LibraryScan
    from newsreader.search.whoosh_read import Segment

Signatures = tuple[tuple[Path, int], dict[str, bytes]]
"""Every document's signature by path, with the (folder, Whoosh generation) they hold for."""

MERGE_LIMIT = 1000
"""Segments with at least this many documents (a full build's) are never merged by an update."""


class IncrementalUpdate:
    """One update; ``signatures`` is what is known after it (None: read them again next
    time), ``wrote`` whether it committed (then readers must reopen)."""

    def __init__(self, known: Signatures | None) -> None:
        self.signatures = known
        self.wrote = False

    def run(
        self,
        folder: Path,
        scan: LibraryScan,
        library: Library,
        progress: Callable[[int, int], None] | None,
    ) -> IndexReport:
        from newsreader.search.lean_imports import prepare

        prepare()  # Whoosh without the modules an update never uses (one-thread processes)
        from newsreader.search.build import (
            content_hash_of,
            document,
            indexed_signatures,
            load_all,
            stored_documents,
        )
        from newsreader.search.index import open_generation
        from newsreader.search.schema import path_key
        from newsreader.search.whoosh_write import BulkWriter

        ix = open_generation(folder)
        try:
            # Reading every document's signature costs ~25 ms per 1,000 articles (1.6 s at
            # 100k); keep them while nobody else has committed (same folder and generation),
            # and take them from the record of this very commit when there is one.
            generation = ix.latest_generation()
            known = self.signatures
            if known is not None and known[0] == (folder, generation):
                indexed = known[1]
            else:
                recorded = freshness.signatures(folder)
                indexed = indexed_signatures(ix) if recorded is None else recorded
                self.signatures = ((folder, generation), indexed)

            def _differs(article: ArticleSummary, indexed: dict[str, bytes]) -> bool:
                sig = indexed.get(article.path_str)  # new, or another content
                return sig is None or content_hash_of(sig) != article.content_hash

            since = scan.since
            if since is not None and freshness.holds(folder, since.state):
                # This commit holds the scan this one was patched from: only what the patch
                # changed can differ (not a pass over 100k summaries and signatures).
                changed = [a for a in since.articles if _differs(a, indexed)]
                removed = [p for p in since.gone if p in indexed]
                listed = len(scan.articles)
            else:
                # Paths only, not summaries: a big library's list may be packed (built as read).
                wanted = {a.path_str for a in scan.articles}
                changed = [a for a in scan.articles if _differs(a, indexed)]
                if len(wanted) < len(scan.articles):  # a path listed twice is indexed once
                    changed = list({a.path_str: a for a in changed}.values())
                removed = [p for p in indexed if p not in wanted]
                listed = len(wanted)
            if not changed and not removed:
                freshness.record(folder, scan.state, indexed)
                return IndexReport(unchanged=listed)
            self.signatures = None  # until this commit is known to have landed
            added = updated = failed = 0
            truncated: list[str] = []
            # The full build's writer: a one-article segment is written in about half the
            # time of Whoosh's own, and merged segments are indexed again from what they
            # stored instead of copied term by term (benchmarks/README.md).
            writer = BulkWriter(ix, stored_documents, timeout=LOCK_WAIT)
            try:
                after = dict(indexed)
                for p in removed:
                    writer.delete_by_term("path", path_key(p))
                    after.pop(p, None)
                for done, (summary, article) in enumerate(load_all(library, changed), 1):
                    path = summary.path_str
                    if article is None:
                        writer.delete_by_term("path", path_key(path))
                        after.pop(path, None)
                        failed += 1
                    else:
                        doc = document(article)
                        if article.truncated:
                            truncated.append(article.id)
                        if path in indexed:
                            writer.update_document(**doc)
                            updated += 1
                        else:
                            writer.add_document(**doc)
                            added += 1
                        after[path] = doc["sig"]
                    if progress is not None:
                        progress(done, len(changed))
                freshness.forget(folder)
                self.wrote = True
                writer.commit(mergetype=merge_small_only)
                self.signatures = ((folder, ix.latest_generation()), after)
                if not failed:  # a file that did not load is looked at again next time
                    freshness.record(folder, scan.state, after)
            except BaseException:
                writer.cancel()
                raise
            return IndexReport(
                added=added,
                updated=updated,
                removed=len(removed),
                unchanged=listed - len(changed),
                truncated=tuple(truncated),
            )
        finally:
            ix.close()


def merge_small_only(writer: object, segments: list[Segment]) -> list[Segment]:
    """Whoosh's ``MERGE_SMALL`` over the small segments only. Over all of them it merges once
    the segments are many for their total size: at 100k articles in 26 build segments one
    changed file rewrote 22 of them through Python (21 minutes)."""
    from newsreader.search.whoosh_write import merge_small

    return merge_small(writer, segments, MERGE_LIMIT)
