"""Did-you-mean and ``word~`` on misspellings of the library's own words, beside the textbook
corpus-frequency corrector (candidates one edit away, else two, the most frequent wins).

    python benchmarks/bench_spelling.py [--sizes 1000,10000] [--words 400] [--workdir DIR]

The misspellings: content words of the generated corpus (5+ letters, not function words, in
at least 3 articles), each with one realistic slip chosen deterministically (a letter
dropped, two swapped, one doubled or undoubled, a key's neighbour), kept only when the result
is not itself a word of the corpus. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import corpus
from corpus import COMMON

from newsreader.search import SearchIndex
from newsreader.search.analysis import surface_words
from newsreader.search.spelling import NEIGHBOURS

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edits1(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    subs = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + swaps + subs + inserts)


class Norvig:
    """The textbook corrector: known word, else the most frequent known word one edit away,
    else two; frequency is the number of times the word occurs in the corpus."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts

    def correct(self, word: str) -> str:
        if word in self.counts:
            return word
        one = {w for w in _edits1(word) if w in self.counts}
        if one:
            return max(one, key=lambda w: (self.counts[w], w))
        two = {w2 for w1 in _edits1(word) for w2 in _edits1(w1) if w2 in self.counts}
        return max(two, key=lambda w: (self.counts[w], w)) if two else word


def _slip(word: str, rng: random.Random) -> str | None:
    kind = rng.choice(["drop", "swap", "double", "undouble", "neighbour"])
    i = rng.randrange(len(word))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double":
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == "undouble":
        pairs = [j for j in range(len(word) - 1) if word[j] == word[j + 1]]
        return word[: pairs[0]] + word[pairs[0] + 1 :] if pairs else None
    if kind == "neighbour" and NEIGHBOURS.get(word[i]):
        return word[:i] + rng.choice(sorted(NEIGHBOURS[word[i]])) + word[i + 1 :]
    return None


def misspellings(texts: list[str], count: int) -> tuple[list[tuple[str, str]], Counter[str]]:
    """(typo, intended) pairs and the corpus' word counts."""
    tokens: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text in texts:
        words = [
            w.lower().removesuffix("'s").removesuffix("’s")
            for w in re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text)
        ]
        tokens.update(w for w in words if w.isalpha())
        df.update(surface_words(text))
    common = {w.lower() for w in COMMON}
    content = sorted(w for w, n in df.items() if n >= 3 and len(w) >= 5 and w not in common)
    rng = random.Random(15)
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for _ in range(count * 50):
        if len(pairs) >= count:
            break
        word = rng.choice(content)
        typo = _slip(word, rng)
        if typo and typo not in df and typo not in seen and len(typo) >= 4:
            seen.add(typo)
            pairs.append((typo, word))
    return pairs, tokens


def bench(workdir: Path, n: int, count: int) -> dict[str, object]:
    library, scan = corpus(workdir, n)
    index = SearchIndex(workdir / f"spell-index-{n}")
    index.update(scan, library, procs=2)
    texts = [
        (workdir / f"corpus-{n}" / f"a{i:05d}.txt").read_text(encoding="utf-8") for i in range(n)
    ]
    pairs, tokens = misspellings(texts, count)
    norvig = Norvig(tokens)
    index.close()  # a fresh searcher: the first suggestion reads the vocabulary
    t0 = time.perf_counter()
    index.suggest("warmup")
    first = (time.perf_counter() - t0) * 1000
    ours_ok = norvig_ok = fuzzy_top = 0
    times: list[float] = []
    ranks: list[int] = []
    for typo, word in pairs:
        t0 = time.perf_counter()
        got = index.suggest(typo).suggestion
        times.append((time.perf_counter() - t0) * 1000)
        ours_ok += got == word
        norvig_ok += norvig.correct(typo) == word
        hits = index.search(f"{typo}~", limit=10, correct=False).hits
        rank = next(
            (
                i
                for i, h in enumerate(hits, 1)
                if word in surface_words(h.title + "\n" + h.snippet) or _has(library, h.path, word)
            ),
            0,
        )
        ranks.append(rank)
        fuzzy_top += rank == 1
    found = [r for r in ranks if r]
    result = {
        "n": n,
        "words": len(pairs),
        "ours": ours_ok / len(pairs),
        "norvig": norvig_ok / len(pairs),
        "fuzzy_top": fuzzy_top / len(pairs),
        "fuzzy_found": len(found) / len(pairs),
        "fuzzy_rank": statistics.mean(found) if found else 0.0,
        "first": first,
        "vocab": len(index._vocab or ()),
        "median": statistics.median(times),
        "p95": statistics.quantiles(times, n=20)[-1],
    }
    index.close()
    return result


def _has(library: object, path: Path, word: str) -> bool:
    return word in surface_words(path.read_text(encoding="utf-8"))


def table(rows: list[dict[str, object]]) -> str:
    out = [
        "| articles | misspellings | did-you-mean right | textbook corrector right "
        "| `word~` top hit has the word | `word~` in the top 10 (mean rank) "
        "| suggestion ms median / p95 | first suggestion ms (vocabulary words) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['n']:,} | {r['words']} | {r['ours']:.3f} | {r['norvig']:.3f} "
            f"| {r['fuzzy_top']:.3f} | {r['fuzzy_found']:.3f} ({r['fuzzy_rank']:.2f}) "
            f"| {r['median']:.2f} / {r['p95']:.2f} | {r['first']:.0f} ({r['vocab']:,}) |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--words", type=int, default=400)
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-spelling-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = [bench(workdir, int(n), args.words) for n in args.sizes.split(",")]
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
