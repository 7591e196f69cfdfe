"""Articles on disk: the model, parsing, and scanning library folders. No Textual here."""

from newsreader.library.article import Article, ArticleSummary, Skipped
from newsreader.library.parse import ParseError, parse_bytes, parse_file
from newsreader.library.scan import Library
from newsreader.library.scan_result import LibraryScan

__all__ = [
    "Article",
    "ArticleSummary",
    "Library",
    "LibraryScan",
    "ParseError",
    "Skipped",
    "parse_bytes",
    "parse_file",
]
