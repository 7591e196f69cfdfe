"""Writing articles into a Whoosh index: full builds and incremental changes.

Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from whoosh import index as windex

from newsreader.library import Article, ArticleSummary, Library, ParseError
from newsreader.search import neighbours
from newsreader.search.analysis import index_positions
from newsreader.search.schema import (
    PAIRED,
    WORDS,
    date_number,
    key_path,
    make_schema,
    path_key,
    signature,
)
from newsreader.search.whoosh_read import Index, Segment, doc_signatures
from newsreader.search.whoosh_write import BulkWriter
from newsreader.search.word_pairs import SAMPLE, common_words, write_common

Progress = Callable[[int, int], None]
Extra = Callable[[Article], bytes]
"""Something more to make of each article while a full build has it read and parsed (the
CLI's story signatures: else a new library's articles are all read and parsed again right
after the build, in one process). Its results come back by content hash."""

SEGMENT_POSTINGS = 2_000_000
"""Postings a full build holds in memory before writing a segment (~150 MB; ~5,500 articles)."""


def document(article: Article) -> dict[str, Any]:
    """The fields of one article's index document."""
    return _fields(
        path=path_key(str(article.path)),
        sig=signature(article.size, article.mtime_ns, article.content_hash),
        id=article.id,
        title=article.title,
        dateline=article.dateline or "",
        body="\n\n".join(article.paragraphs),
        date=date_number(article.date),
    )


def stored_documents(reader: Any) -> Iterator[dict[str, Any]]:
    """The fields ``document`` gave each live document of a segment, from what it stored (its
    text fields, id, path and date) and its signature column: for adding them again when
    segments merge."""
    sigs = reader.column_reader("sig")
    for docnum in reader.all_doc_ids():  # the deleted ones are left out
        stored = reader.stored_fields(docnum)
        yield _fields(
            path=stored["path"],
            sig=sigs[docnum],
            id=stored["id"],
            title=stored["title"],
            dateline=stored["dateline"],
            body=stored["body"],
            date=stored.get("date"),
        )


def _fields(date: int | None, **stored: Any) -> dict[str, Any]:
    """A document from its stored fields: all its words added (the writer adds the pairs and
    neighbours), and the date only when the article has one."""
    doc = dict(stored)
    doc[WORDS] = "\n".join((doc["title"], doc["dateline"], doc["body"]))
    if date is not None:
        doc["date"] = date
    return doc


def sample_common(
    library: Library, articles: Sequence[ArticleSummary], procs: int = 1
) -> frozenset[str]:
    """The common words of ``SAMPLE`` articles spread over the library (``word_pairs.py``);
    with ``procs > 1`` a forked process analyses half of them (the build waits for this)."""
    step = max(1, len(articles) // SAMPLE)
    sample = articles[::step][:SAMPLE]
    if procs < 2 or len(sample) < SAMPLE or len(articles) < PARALLEL_MIN:
        return common_words(_sample_terms(library, sample))
    ctx = multiprocessing.get_context("fork")
    results: Any = ctx.Queue()
    child = ctx.Process(target=_sample_child, args=(library, sample[1::2], results), daemon=True)
    child.start()
    try:
        mine = _sample_terms(library, sample[0::2])
        while True:
            try:
                theirs = results.get(timeout=0.25)
                break
            except queue.Empty:
                if not child.is_alive() and results.empty():
                    raise RuntimeError("an index worker process died") from None
        child.join()
    except BaseException:
        if child.is_alive():
            child.kill()
        raise
    return common_words([*mine, *theirs])


def _sample_terms(library: Library, sample: Sequence[ArticleSummary]) -> list[set[str]]:
    """Each sampled article's distinct terms in the paired fields."""
    docs = []
    for _summary, article in load_all(library, sample):
        if article is not None:
            doc = document(article)
            docs.append({t for name in PAIRED for t in index_positions(doc[name])})
    return docs


def _sample_child(library: Library, sample: Sequence[ArticleSummary], results: Any) -> None:
    results.put(_sample_terms(library, sample))


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
    articles: Sequence[ArticleSummary],
    library: Library,
    progress: Progress | None,
    procs: int = 1,
    extra: Extra | None = None,
) -> Share:
    """Create a complete index in the empty ``folder``; what it indexed (``Share``).

    With ``procs > 1`` the work is split by forking: every process reads, parses and indexes
    its share into segments of its own, and this one writes the table of contents. (Whoosh's
    own ``procs`` parses everything in the parent and pickles it to ``procs`` more processes:
    3 busy processes on 2 cores.)
    """
    common = sample_common(library, articles, procs)
    write_common(folder, common)
    near = len(articles) >= neighbours.NEAR_MIN
    if near:
        neighbours.mark(folder)
    ix = windex.create_in(str(folder), make_schema(common, near))
    try:
        if procs > 1 and len(articles) >= PARALLEL_MIN:
            share = _parallel_build(ix, articles, library, progress, procs, extra)
        else:
            share = _index_share(ix, articles, library, progress, lambda: 0, len(articles), extra)
        BulkWriter(ix, _lk=False).write_contents(share.segments)
        return share
    finally:
        ix.close()


class Share(NamedTuple):
    """What a build process (or the whole build) indexed."""

    documents: int
    segments: list[Segment]
    truncated: list[str]
    """The ids of the articles cut short (``Article.truncated``)."""
    sigs: dict[str, bytes]
    """Each document's signature by path (for ``freshness.record``: else the first update
    would read them from the index)."""
    extras: dict[str, bytes]
    """``Extra``'s results, by content hash."""


PARALLEL_MIN = 200
"""Below this many articles forking costs more than it saves."""


def _index_share(
    ix: Index,
    articles: Sequence[ArticleSummary],
    library: Library,
    progress: Progress | None,
    others_done: Callable[[], int],
    total: int,
    extra: Extra | None = None,
) -> Share:
    """Index ``articles`` into new segments (one per ``SEGMENT_POSTINGS``); returns the
    number of documents, the segments (for a table of contents), the truncated ids, the
    documents' signatures and ``extra``'s results."""
    count = 0
    truncated: list[str] = []
    sigs: dict[str, bytes] = {}
    extras: dict[str, bytes] = {}
    segments: list[Segment] = []
    writer: BulkWriter | None = None
    # The cyclic collector paused: a segment in memory is millions of small lists with no
    # cycles among them, which every full collection would walk again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for done, (_summary, article) in enumerate(load_all(library, articles), 1):
            if article is not None:
                if writer is None:
                    writer = BulkWriter(ix, _lk=False)
                doc = document(article)
                writer.add_document(**doc)
                sigs[str(article.path)] = doc["sig"]
                if extra is not None and article.content_hash not in extras:
                    extras[article.content_hash] = extra(article)
                count += 1
                if article.truncated:
                    truncated.append(article.id)
                if writer.postings >= SEGMENT_POSTINGS:
                    segments.append(writer.close_share())
                    writer = None
            if progress is not None:
                progress(done + others_done(), total)
        if writer is not None:
            segments.append(writer.close_share())
            writer = None
    finally:
        if collecting:
            gc.enable()
        if writer is not None:
            writer.cancel()
    return Share(count, segments, truncated, sigs, extras)


def _parallel_build(
    ix: Index,
    articles: Sequence[ArticleSummary],
    library: Library,
    progress: Progress | None,
    procs: int,
    extra: Extra | None,
) -> Share:
    ctx = multiprocessing.get_context("fork")
    done = ctx.Value("i", 0, lock=False)
    results: Any = ctx.Queue()
    shares = [articles[i::procs] for i in range(procs)]
    children = [
        ctx.Process(target=_child, args=(ix, share, library, done, results, extra), daemon=True)
        for share in shares[1:]
    ]
    try:
        for child in children:
            child.start()
        count, segments, truncated, sigs, extras = _index_share(
            ix, shares[0], library, progress, lambda: int(done.value), len(articles), extra
        )
        for _ in children:
            while True:
                try:
                    theirs: Share = results.get(timeout=0.25)
                    break
                except queue.Empty:
                    if progress is not None:
                        progress(len(shares[0]) + int(done.value), len(articles))
                    if not any(c.is_alive() for c in children) and results.empty():
                        raise RuntimeError("an index worker process died") from None
            count += theirs.documents
            segments += theirs.segments
            truncated += theirs.truncated
            sigs.update(theirs.sigs)
            extras.update(theirs.extras)
        for child in children:
            child.join()
    except BaseException:
        for child in children:
            if child.is_alive():
                child.kill()
        raise
    return Share(count, segments, truncated, sigs, extras)


def _child(
    ix: Index,
    share: Sequence[ArticleSummary],
    library: Library,
    done: Any,
    results: Any,
    extra: Extra | None,
) -> None:
    """Index ``share`` into segments of its own and send them back."""

    def one_more(_done: int, _total: int) -> None:
        done.value += 1

    results.put(_index_share(ix, share, library, one_more, lambda: 0, len(share), extra))


def indexed_signatures(ix: Index) -> dict[str, bytes]:
    """path -> signature of every live document (reads two columns, not the stored text)."""
    with ix.reader() as reader:
        return {key_path(path): sig for path, sig in doc_signatures(reader)}


def content_hash_of(sig: bytes) -> str:
    """The content-hash part of a stored signature."""
    return sig.decode("ascii", "replace").rsplit(":", 1)[-1]
