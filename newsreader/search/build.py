"""Writing articles into a Whoosh index: full builds and incremental changes.

Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from whoosh import index as windex

from newsreader.library import Article, ArticleSummary, Library, ParseError
from newsreader.search.schema import date_number, make_schema, signature

Progress = Callable[[int, int], None]

# Measured at 10k articles on 2 cores (benchmarks/README.md): a bigger pool than Whoosh's
# 128 MB default saves spilling sorted runs to disk during a full build.
LIMIT_MB = 256


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
    """Create a complete index in the empty ``folder``; returns the number of documents."""
    ix = windex.create_in(str(folder), make_schema())
    total = len(articles)
    if procs > 1 and total >= 200:
        # Whoosh forks sub-writers; each writes its own segment (no final merge).
        writer = ix.writer(procs=procs, multisegment=True, limitmb=LIMIT_MB)
    else:
        writer = ix.writer(limitmb=LIMIT_MB)
    count = 0
    try:
        for done, (_summary, article) in enumerate(load_all(library, articles), 1):
            if article is not None:
                writer.add_document(**document(article))
                count += 1
            if progress is not None:
                progress(done, total)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    finally:
        ix.close()
    return count


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
