"""The Whoosh face of ``analysis``: a tokenizer the schema uses for every text field.

Importing this module imports Whoosh (~100 ms); only the index and query modules do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Token, Tokenizer

from newsreader.search.analysis import normalize_literal, tokens


class NewsTokenizer(Tokenizer):  # type: ignore[misc]
    """Index mode yields compounds whole and by parts; query mode yields them whole only.

    With ``tokenize=False`` (Whoosh does this for wildcard and fuzzy words) the text is folded
    as one word, not stemmed (``StemFuzzyTerm`` compares it with stems itself).
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        if not tokenize:
            t.text = normalize_literal(value, stemmed=False)
            t.original = value
            t.pos = start_pos
            t.startchar, t.endchar = start_char, start_char + len(value)
            if t.text:
                yield t
            return
        # Query text is matched whole; the index also holds a compound's parts.
        for tok in tokens(value, parts=mode != "query"):
            t.text = tok.term
            t.pos = start_pos + tok.pos
            t.startchar, t.endchar = start_char + tok.start, start_char + tok.end
            if keeporiginal:
                t.original = value[tok.start : tok.end]
            yield t
