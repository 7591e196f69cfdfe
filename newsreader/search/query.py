"""Turn what people type into a Whoosh query, never raising, plus what to highlight.

Syntax: words (all must match), ``"exact phrase"``, ``-word`` / ``NOT word``, ``OR``,
``title:word``, ``dateline:word``, ``truc*``, ``ceasfire~``, ``date:2024``, ``date:2024-05``,
``date:2024-05-06``, ``date:[2024-01 to 2024-06]``. Importing this imports Whoosh (~100 ms).
"""

from __future__ import annotations

import calendar
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.qparser import (
    FuzzyTermPlugin,
    GroupPlugin,
    MultifieldPlugin,
    OperatorsPlugin,
    PhrasePlugin,
    QueryParser,
    WildcardPlugin,
    syntax,
)
from whoosh.qparser.plugins import FieldsPlugin, TaggingPlugin

from newsreader.library.text import clean_text
from newsreader.search.highlight import Highlighter
from newsreader.search.matchers import ExactPhrase, own_classes
from newsreader.search.schema import make_schema

MAX_QUERY_CHARS = 500
TITLE_BOOST = 2.0
TEXT_FIELDS = ("title", "body", "dateline")
_FIELDS = frozenset((*TEXT_FIELDS, "date"))

_DOUBLE_QUOTES = str.maketrans({c: '"' for c in "“”„‟″«»"})
_FIELD_PREFIX = re.compile(r"(?<![\w:])([A-Za-z_]\w*):")
_MINUS = re.compile(r"(?:(?<=[\s(])|^)-(?=[^\s-])")
_PLUS = re.compile(r"(?:(?<=[\s(])|^)\+(?=\S)")
_OPERATOR = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_OPEN_END = 99991231
MIN_YEAR = 1000
"""Earlier years are taken for mistakes (``date:0000``), not for dates."""
_EMPTY_FIELD = re.compile(r"(?<![\w:])(title|dateline|date):(?=\s|\)|$)")
_DATE_ONE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")


@dataclass
class ParsedQuery:
    """A query ready to run: the Whoosh query, how to highlight it, and any notes."""

    text: str
    """The query as searched (after clean-up)."""
    query: Any
    highlighter: Highlighter
    plain: bool
    """Only words and phrases: a candidate for the any-word fallback."""
    words: list[tuple[int, int]] = field(default_factory=list)
    """Spans of plain words in ``text``, for did-you-mean."""
    error: str | None = None
    marks: str | None = None
    """A query that marks the same words as this one once it was run, when ``text`` would
    mark others (``ceasfire~`` stands for the few words it was expanded to)."""


def clean(raw: str) -> tuple[str, list[str]]:
    """Make a query string safe to parse; returns it with notes about what was changed."""
    notes: list[str] = []
    text = clean_text(raw)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = " ".join(text.translate(_DOUBLE_QUOTES).split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        notes.append(f"query too long: searched its first {len(text)} characters")
    if text.count('"') % 2:
        head, _, tail = text.rpartition('"')
        text = head + " " + tail
        notes.append('unmatched " ignored')
    text, dropped = _balance_parens(text)
    if dropped:
        notes.append("unmatched parenthesis ignored")
    # Unknown "field:" prefixes (e.g. "GAZA:" or "path:") are plain words.
    text = _FIELD_PREFIX.sub(
        lambda m: f"{m[1].lower()}:" if m[1].lower() in _FIELDS else f"{m[1]} ", text
    )
    text = _MINUS.sub("NOT ", _PLUS.sub("", text))
    return text.strip(), notes


def _balance_parens(text: str) -> tuple[str, bool]:
    out: list[str] = []
    depth = 0
    dropped = False
    in_quote = False
    for c in text:
        if c == '"':
            in_quote = not in_quote
        elif not in_quote and c == "(":
            depth += 1
        elif not in_quote and c == ")":
            if depth == 0:
                dropped = True
                out.append(" ")
                continue
            depth -= 1
        out.append(c)
    if depth:
        dropped = True
        result = "".join(out)
        for _ in range(depth):
            i = result.rfind("(")
            result = result[:i] + " " + result[i + 1 :]
        return result, dropped
    return "".join(out), dropped


class _DateNode(syntax.SyntaxNode):  # type: ignore[misc]
    has_fieldname = False

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.boost = 1.0

    def r(self) -> str:
        return f"date {self.spec!r}"

    def query(self, parser: Any) -> Any:
        bounds = date_bounds(self.spec)
        if bounds is None:
            parser.newsreader_notes.append(f"{_NOT_A_DATE}{self.spec!r} (try date:2024-05)")
            return wq.NullQuery
        lo, hi = bounds
        # Open ends as None: Whoosh's numeric trie mis-handles a huge upper bound.
        return wq.NumericRange("date", lo or None, None if hi >= _OPEN_END else hi)


class _DatePlugin(TaggingPlugin):  # type: ignore[misc]
    """``date:2024``, ``date:2024-05-06``, ``date:[2024-01 to 2024-06]`` (before fields)."""

    priority = -10
    expr = r"date:(?P<spec>\[[^\]]*\]?|[^\s()]+)"

    def create(self, parser: Any, match: Any) -> _DateNode:
        return _DateNode(match.group("spec"))


_NOT_A_DATE = "not a date: "


def date_bounds(spec: str) -> tuple[int, int] | None:
    """The yyyymmdd range a date spec covers, or None when it is not a date."""
    spec = spec.strip()
    if spec.startswith("["):
        inner = spec.strip("[]")
        parts = re.split(r"\s*\bto\b\s*|\s*\.\.\s*", inner.strip(), maxsplit=1, flags=re.I)
        if len(parts) != 2:
            return None
        lo = _one_date(parts[0]) if parts[0].strip() else (0, 0)
        hi = _one_date(parts[1]) if parts[1].strip() else (_OPEN_END, _OPEN_END)
        if lo is None or hi is None:
            return None
        return (lo[0], hi[1]) if lo[0] <= hi[1] else (hi[0], lo[1])
    return _one_date(spec)


def _one_date(text: str) -> tuple[int, int] | None:
    m = _DATE_ONE.match(text.strip())
    if not m:
        return None
    year = int(m[1])
    if year < MIN_YEAR:
        return None
    if m[2] is None:
        return year * 10000 + 101, year * 10000 + 1231
    month = int(m[2])
    if not 1 <= month <= 12:
        return None
    base = year * 10000 + month * 100
    if m[3] is None:
        return base + 1, base + calendar.monthrange(year, month)[1]
    day = int(m[3])
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return base + day, base + day


_parsers: dict[bool, QueryParser] = {}
_parse_lock = threading.Lock()


def parser(any_word: bool = False) -> QueryParser:
    """The shared parser: all words required, or any word for the fallback."""
    if any_word not in _parsers:
        group = syntax.OrGroup if any_word else syntax.AndGroup
        p = QueryParser(
            None,
            make_schema(),
            group=group,
            phraseclass=ExactPhrase,
            plugins=[
                FieldsPlugin(),
                WildcardPlugin(),
                PhrasePlugin(),
                GroupPlugin(),
                OperatorsPlugin(),
                FuzzyTermPlugin(),
                _DatePlugin(),
            ],
        )
        p.add_plugin(MultifieldPlugin(("title", "body"), fieldboosts={"title": TITLE_BOOST}))
        _parsers[any_word] = p
    return _parsers[any_word]


def parse(raw: str, any_word: bool = False) -> ParsedQuery:
    """Parse a query; bad syntax becomes a literal word search with a note, never an error."""
    text, notes = clean(raw)
    empty = _EMPTY_FIELD.search(text)
    if empty:
        return _refused(
            text,
            f"{empty[1]}: needs a word after it (e.g. {empty[1]}:"
            f"{'2024-05' if empty[1] == 'date' else 'ceasefire'})",
        )
    q = _parse(text, any_word, notes)
    bad_date = next((n for n in notes if n.startswith(_NOT_A_DATE)), None)
    if bad_date:
        return _refused(text, bad_date)
    if q is not None and _only_exclusions(q):
        return _refused(
            text,
            "nothing to search for: the query only excludes words "
            "(add a word to look for, e.g. gaza -fire)",
        )
    if q is None or not _has_positive(q):
        # A bare operator or only exclusions: search the words literally instead.
        literal = " ".join(
            w.lower() if _OPERATOR.fullmatch(w) else w
            for w in _WORD.findall(text.replace("NOT ", ""))
        )
        q2 = _parse(literal, any_word, notes) if literal else None
        if q2 is not None and _has_positive(q2):
            if text != literal:
                notes.append(f"searched as plain words: {literal}")
            text, q = literal, q2
        else:
            q = None
    plain = not _OPERATOR.search(text) and not re.search(r"[*?~:()]", text)
    words = [] if q is None else _plain_words(text)
    return ParsedQuery(
        text=text,
        query=q,
        highlighter=highlighter_for(q),
        plain=plain,
        words=words,
        error="; ".join(dict.fromkeys(notes)) or None,
    )


def _refused(text: str, error: str) -> ParsedQuery:
    """A query that is not searched at all, with the reason."""
    return ParsedQuery(text=text, query=None, highlighter=Highlighter(), plain=False, error=error)


def _only_exclusions(q: Any) -> bool:
    if isinstance(q, wq.Not):
        return True
    if isinstance(q, wq.compound.CompoundQuery):
        kids = list(q.children())
        return bool(kids) and all(_only_exclusions(c) for c in kids)
    return False


def _parse(text: str, any_word: bool, notes: list[str]) -> Any:
    if not text:
        return None
    p = parser(any_word)
    try:
        with _parse_lock:  # the date plugin reports through the shared parser object
            p.newsreader_notes = notes
            q = p.parse(text)
        if q is None:
            return None
        return own_classes(q).normalize()
    except Exception:  # Whoosh raises assorted errors on odd input (ARCHITECTURE.md)
        return None


def _has_positive(q: Any) -> bool:
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return False
    if isinstance(q, wq.Not):
        return False
    if isinstance(q, wq.AndNot):
        return _has_positive(q.a)
    if isinstance(q, wq.compound.CompoundQuery):
        return any(_has_positive(c) for c in q.children())
    return True


def _plain_words(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _WORD.finditer(text):
        after = text[m.end() : m.end() + 1]
        before = text[max(0, m.start() - 1) : m.start()]
        if _OPERATOR.fullmatch(m.group()) or after in ("*", "?", "~", ":") or before == ":":
            continue
        if any(c.isdigit() for c in m.group()):
            continue
        spans.append((m.start(), m.end()))
    return spans


def highlighter_for(q: Any) -> Highlighter:
    """What to mark in text for the positive parts of ``q``."""
    terms: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    prefixes: list[str] = []
    wildcards: list[str] = []
    fuzzy: list[tuple[str, int, int]] = []

    def walk(node: Any, negative: bool) -> None:
        if isinstance(node, wq.Not):
            walk(node.query, not negative)
        elif isinstance(node, wq.AndNot):
            walk(node.a, negative)
            walk(node.b, not negative)
        elif negative:
            return
        elif isinstance(node, wq.Phrase):
            if node.fieldname in TEXT_FIELDS and node.words:
                phrases.append(tuple(node.words))
        elif isinstance(node, wq.FuzzyTerm):
            if node.fieldname in TEXT_FIELDS:
                fuzzy.append((node.text, node.maxdist, node.prefixlength))
        elif isinstance(node, wq.Prefix):
            if node.fieldname in TEXT_FIELDS:
                prefixes.append(node.text)
        elif isinstance(node, wq.Wildcard):
            if node.fieldname in TEXT_FIELDS:
                wildcards.append(node.text)
        elif isinstance(node, wq.Term):
            if node.fieldname in TEXT_FIELDS and isinstance(node.text, str):
                terms.add(node.text)
        else:
            for child in node.children():
                walk(child, negative)

    if q is not None:
        walk(q, False)
    return Highlighter(
        terms=frozenset(terms),
        phrases=tuple(dict.fromkeys(phrases)),
        prefixes=tuple(dict.fromkeys(prefixes)),
        wildcards=tuple(dict.fromkeys(wildcards)),
        fuzzy=tuple(dict.fromkeys(fuzzy)),
    )
