"""Writing articles into a Whoosh index: full builds and incremental changes.

Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.writing import SegmentWriter

from newsreader.library import Article, ArticleSummary, Library, ParseError
from newsreader.search.schema import date_number, make_schema, signature

Progress = Callable[[int, int], None]

# Measured at 10k articles on 2 cores (benchmarks/README.md): a bigger pool than Whoosh's
# 128 MB default saves spilling sorted runs to disk during a full build.
LIMIT_MB = 256


class _BuildWriter(SegmentWriter):  # type: ignore[misc]
    """Whoosh's segment writer, with field lengths read from memory while postings are written.

    Whoosh looks up the document's field length for every posting through a column reader
    (a seek and a read each: ~15% of a full build). Same output; relies on the private
    ``_flush_segment`` of whoosh-reloaded 2.7 (pinned below 3 in pyproject.toml)."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _MemoryLengths(pdr) if pdr is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr is not None:
            pdr.close()


class _MemoryLengths:
    def __init__(self, pdr: Any) -> None:
        self._pdr = pdr
        self._by_field: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._by_field.get(fieldname)
        if lengths is None:
            count = self._pdr.doc_count_all()
            lengths = [self._pdr.doc_field_length(d, fieldname, default) for d in range(count)]
            self._by_field[fieldname] = lengths
        return lengths[docnum]


def document(article: Article) -> dict[str, Any]:
    """The fields of one article's index document."""
    doc: dict[str, Any] = {
        "path": str(article.path),
        "sig": signature(article.size, article.mtime_ns, article.content_hash),
        "id": article.id,
        "title": article.title,
        "dateline": article.dateline or "",
        "body": "\n\n".join(article.paragraphs),
    }
    day = date_number(article.date)
    if day is not None:
        doc["date"] = day
    return doc


def load_all(
    library: Library, summaries: Iterable[ArticleSummary]
) -> Iterable[tuple[ArticleSummary, Article | None]]:
    """Each summary with its parsed article, or None when it no longer parses."""
    for summary in summaries:
        try:
            yield summary, library.load(summary)
        except ParseError:
            yield summary, None


def full_build(
    folder: Path,
    articles: tuple[ArticleSummary, ...],
    library: Library,
    progress: Progress | None,
    procs: int = 1,
) -> int:
    """Create a complete index in the empty ``folder``; returns the number of documents.

    With ``procs > 1`` the work is split by forking: every process reads, parses and indexes
    its share into its own segment, and this one writes the table of contents. Whoosh's own
    ``procs`` parses everything in the parent and pickles it to ``procs`` more processes (3
    busy processes on 2 cores); this was faster on 2 cores (benchmarks/README.md).
    """
    ix = windex.create_in(str(folder), make_schema())
    try:
        if procs > 1 and len(articles) >= PARALLEL_MIN:
            return _parallel_build(ix, articles, library, progress, procs)
        writer = _BuildWriter(ix, limitmb=LIMIT_MB)
        try:
            count = _add_all(writer, articles, library, progress, lambda: 0, len(articles))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        return count
    finally:
        ix.close()


PARALLEL_MIN = 200
"""Below this many articles forking costs more than it saves."""


def _add_all(
    writer: Any, articles: Sequence[ArticleSummary], library: Library,
    progress: Progress | None, others_done: Callable[[], int], total: int,
) -> int:
    count = 0
    for done, (_summary, article) in enumerate(load_all(library, articles), 1):
        if article is not None:
            writer.add_document(**document(article))
            count += 1
        if progress is not None:
            progress(done + others_done(), total)
    return count


def _parallel_build(
    ix: Any, articles: tuple[ArticleSummary, ...], library: Library,
    progress: Progress | None, procs: int,
) -> int:
    ctx = multiprocessing.get_context("fork")
    done = ctx.Value("i", 0, lock=False)
    results: Any = ctx.Queue()
    shares = [articles[i::procs] for i in range(procs)]
    writer = _BuildWriter(ix, limitmb=LIMIT_MB)
    children = [ctx.Process(target=_child, args=(ix, share, library, done, results), daemon=True)
                for share in shares[1:]]
    try:
        for child in children:
            child.start()
        count = _add_all(writer, shares[0], library, progress, lambda: int(done.value),
                         len(articles))
        segments = []
        for _ in children:
            while True:
                try:
                    child_count, segment = results.get(timeout=0.25)
                    break
                except queue.Empty:
                    if progress is not None:
                        progress(len(shares[0]) + int(done.value), len(articles))
                    if not any(c.is_alive() for c in children) and results.empty():
                        raise RuntimeError("an index worker process died") from None
            count += child_count
            segments.append(segment)
        for child in children:
            child.join()
        segments.append(writer._finalize_segment())  # Whoosh's own MpWriter does the same
        writer._commit_toc(segments)
        writer._finish()
    except BaseException:
        for child in children:
            if child.is_alive():
                child.kill()
        writer.cancel()
        raise
    return count


def _child(ix: Any, share: Sequence[ArticleSummary], library: Library, done: Any,
           results: Any) -> None:
    """Index ``share`` into a segment of its own and send the segment back."""
    writer = _BuildWriter(ix, _lk=False, limitmb=LIMIT_MB)
    count = 0
    for _summary, article in load_all(library, share):
        if article is not None:
            writer.add_document(**document(article))
            count += 1
        done.value += 1
    results.put((count, writer._finalize_segment()))


def indexed_signatures(ix: Any) -> dict[str, bytes]:
    """path -> signature of every live document (reads two columns, not the stored text)."""
    out: dict[str, bytes] = {}
    with ix.reader() as reader:
        paths = reader.column_reader("path")
        sigs = reader.column_reader("sig")
        for docnum in reader.all_doc_ids():
            out[paths[docnum]] = sigs[docnum]
    return out


def content_hash_of(sig: bytes) -> str:
    """The content-hash part of a stored signature."""
    return sig.decode("ascii", "replace").rsplit(":", 1)[-1]
