"""Does our engine rank and count as Whoosh's exhaustive ranking does, on every query shape?

    python benchmarks/check_equivalence.py [--size 2000] [--queries 30] [--workdir DIR]
                                           [--small-thresholds] [--layers [--callgrind]]
                                           [--save FILE] [--compare FILE] [--cache-postings N]

Builds the generated library (``corpus.py``) of ``--size`` articles, draws ``--queries``
queries of each shape from the articles' own words, and compares, for limits 1, 10 and 200,
``Engine.top`` with Whoosh's unlimited search (every match scored: Whoosh's search with a limit
skips blocks by a quality bound and drops real top hits). Hits must be the same documents in
the same order; scores equal within a relative 1e-9 (the engine adds the same floats as
Whoosh's matchers, but an ``Or`` merges its children in another order, which can move the
last bit or two of a sum: 1e-9 is six orders of magnitude above that and far below any
difference between two BM25F scores of distinct documents); totals equal unless the engine
marks its total estimated (then the estimate's error is shown).

``--small-thresholds`` lowers the phrase thresholds (candidates checked for an exact total,
the sample, partial reads) so that a small library runs every path a 100k one does: the
best-first heap, estimated totals, partial reads. ``--layers`` runs the queries with each
tuning layer (``engine.Layers``) switched off in turn and with all on: the work done (posting
blocks decoded, postings scored), the wall time, and whether the answers stay equal;
``--callgrind`` adds the instructions each batch executes, counted by valgrind's callgrind
(repeatable on a loaded machine, where wall time is not). ``--cache-postings`` sets the score
cache's budget: a tenth of it at 10k articles is the pressure the cache is under at 100k.
``--save FILE`` writes every engine answer (each hit's path and the ``repr`` of its score,
the total, the estimated flag) as JSON; ``--compare FILE`` checks this run's answers against
such a file, byte for byte, so a change to the engine can show it answers exactly as before.
Exits 1 when any answer differs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import write_corpus
from newsreader.library import Library
from newsreader.search import (
    SearchIndex,
    engine,
    generations,
    phrase_candidates,
    terms,
    whoosh_blocks,
)
from newsreader.search.engine import Layers, TopDocs
from newsreader.search.index import open_generation
from newsreader.search.query import parse
from newsreader.search.ranking import expand_fuzzy, vocabulary

# The engine module's references to the phrase paths, replaced to count or switch them off.
_ENGINE: Any = engine

LIMITS = (1, 10, 200)
REL_TOL = 1e-9
SHAPES = (
    "one word",
    "two words",
    "OR",
    "NOT",
    "ANDNOT",
    "phrase",
    "common phrase",
    "prefix",
    "fuzzy",
    "title:",
    "date:",
    "mixed",
)
SMALL: dict[tuple[Any, str], int] = {
    (phrase_candidates, "CHECK_ALL"): 40,
    (phrase_candidates, "SAMPLE"): 20,
    (phrase_candidates, "PARTIAL"): 3,
    (phrase_candidates, "LONG_LIST"): 150,
}
"""Thresholds low enough for ~2k articles to pass every one of them."""


@dataclass
class Row:
    shape: str
    queries: int = 0
    answers: int = 0
    same: int = 0
    max_rel: float = 0.0
    estimated: int = 0
    worst_estimate: float = 0.0
    failures: list[str] = field(default_factory=list)


@dataclass
class Paths:
    """How often the engine took each phrase path (so a run shows they were exercised)."""

    partial_reads: int = 0
    heap: int = 0
    estimated: int = 0


def build(workdir: Path, n: int) -> Path:
    folder = workdir / f"corpus-{n}"
    if len(list(folder.glob("*.txt"))) != n:
        write_corpus(folder, n)
    library = Library((folder,), workdir / f"catalog-{n}.sqlite3")
    index = SearchIndex(workdir / f"index-{n}")
    index.update(library.scan(), library, procs=2)
    index.close()
    current = generations.read_current(workdir / f"index-{n}")
    assert current is not None
    return current[1]


def make_queries(folder: Path, per_shape: int) -> dict[str, list[str]]:
    """Deterministic queries of each shape from the articles' own words."""
    rng = random.Random(17)
    files = sorted(folder.glob("*.txt"))
    out: dict[str, list[str]] = {shape: [] for shape in SHAPES}
    while any(len(v) < per_shape for v in out.values()):
        text = rng.choice(files).read_text(encoding="utf-8")
        title, dateline = text.split("\n\n")[:2]
        year = dateline.split("\n")[0].split()[-1]
        words = [w.strip(".,;:“”\"'’").lower() for w in text.split("\n\n", 2)[2].split()]
        words = [w for w in words if w.isalpha()]
        long = [w for w in words if len(w) > 3]
        if len(long) < 6:
            continue
        i = rng.randrange(len(words) - 2)
        a, b, c, d = (rng.choice(long) for _ in range(4))
        title_word = rng.choice([w.lower() for w in title.split() if w.isalpha()] or [a])
        made = {
            "one word": a,
            "two words": f"{a} {b}",
            "OR": f"{a} OR {b}",
            "NOT": f"{a} -{b}" if rng.random() < 0.5 else f"{a} NOT {b}",
            "ANDNOT": f"{a} ANDNOT {b}",
            "phrase": f'"{words[i]} {words[i + 1]}"'
            if len(words[i]) > 3
            else f'"{words[i]} {words[i + 1]} {words[i + 2]}"',
            "common phrase": f'"{words[i]} {words[i + 1]}"',
            "prefix": f"{a[:4]}*",
            "fuzzy": f"{a[:2]}{a[3:]}~" if len(a) > 5 else f"{a}~",
            "title:": f"title:{title_word}",
            "date:": f"date:{year} {a}",
            "mixed": f'"{words[i]} {words[i + 1]}" {c} -{d}'
            if rng.random() < 0.5
            else f'title:{title_word} OR "{words[i]} {words[i + 1]}"',
        }
        for shape, q in made.items():
            if len(out[shape]) < per_shape:
                out[shape].append(q)
    return out


@contextlib.contextmanager
def thresholds(values: dict[tuple[Any, str], int]) -> Iterator[None]:
    old = {key: getattr(*key) for key in values}
    for (module, name), value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for (module, name), value in old.items():
            setattr(module, name, value)


@contextlib.contextmanager
def counting(paths: Paths) -> Iterator[None]:
    """Count the phrase paths taken (wrapping the engine's own references to them)."""
    real_partial, real_lazy = _ENGINE.partial_read, _ENGINE.lazy_top

    def partial(df: int, candidates: int) -> bool:
        hit: bool = real_partial(df, candidates)
        paths.partial_reads += hit
        return hit

    def lazy(scores: dict[int, float], check: phrase_candidates.Check, limit: int) -> Any:
        paths.heap += len(scores) > phrase_candidates.CHECK_ALL
        top = real_lazy(scores, check, limit)
        paths.estimated += top.estimated
        return top

    _ENGINE.partial_read, _ENGINE.lazy_top = partial, lazy
    try:
        yield
    finally:
        _ENGINE.partial_read, _ENGINE.lazy_top = real_partial, real_lazy


Answers = dict[str, list[object]]
"""Per query text and limit, the engine's answer: [[file name, repr(score)], ...], total,
estimated."""


def compare(
    generation: Path, queries: dict[str, list[str]], answers: Answers | None = None
) -> tuple[list[Row], Paths]:
    paths = Paths()
    rows = []
    ix = open_generation(generation)
    with ix.searcher() as searcher, counting(paths):
        vocab = vocabulary(searcher)
        eng = engine.Engine(searcher)
        for shape, texts in queries.items():
            row = Row(shape)
            for text in texts:
                q = expand_fuzzy(parse(text), lambda: vocab).query
                if q is None:
                    continue
                row.queries += 1
                results = searcher.search(q, limit=None)
                theirs = [(int(d), float(s)) for d, s in results.items()]
                for limit in LIMITS:
                    top = eng.top(q, limit)
                    row.answers += 1
                    if answers is not None:
                        answers[f"{text} @{limit}"] = [
                            # The file's name: runs in two work folders compare.
                            [Path(str(searcher.stored_fields(d)["path"])).name, repr(s)]
                            for d, s in top.hits
                        ] + [top.total, top.estimated]
                    ok = [d for d, _s in top.hits] == [d for d, _s in theirs[:limit]]
                    for (_d, s1), (_d2, s2) in zip(top.hits, theirs, strict=False):
                        rel = abs(s1 - s2) / max(abs(s2), 1e-300)
                        row.max_rel = max(row.max_rel, rel)
                        ok = ok and math.isclose(s1, s2, rel_tol=REL_TOL)
                    if top.estimated:
                        row.estimated += 1
                        err = abs(top.total - len(theirs)) / max(1, len(theirs))
                        row.worst_estimate = max(row.worst_estimate, err)
                    else:
                        ok = ok and top.total == len(theirs)
                    if ok:
                        row.same += 1
                    else:
                        row.failures.append(f"{text!r} limit {limit}: {top.total} vs {len(theirs)}")
            rows.append(row)
    return rows, paths


def diff_answers(before: Answers, after: Answers) -> list[str]:
    """The saved answers that this run does not repeat byte for byte (queries new in this
    run, of a shape added since, have nothing to compare with)."""
    out = [f"only in the saved run: {k!r}" for k in before.keys() - after.keys()]
    out += [
        f"{k!r}: {before[k]} vs {after[k]}"
        for k in sorted(before.keys() & after.keys())
        if before[k] != after[k]
    ]
    return out


def table(rows: list[Row]) -> str:
    lines = [
        "| shape | queries | answers (3 limits) | identical | max score rel. diff "
        "| estimated totals | worst estimate error |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.shape} | {r.queries} | {r.answers} | {r.same} | {r.max_rel:.1e} "
            f"| {r.estimated} | {r.worst_estimate:.0%} |"
        )
    return "\n".join(lines)


LAYERS: dict[str, Layers] = {
    "all on": Layers(),
    "partial reads": Layers(partial_reads=False),
    "packed tier (terms.PACKED_BYTES)": Layers(packed_tier=False),
    "block max (block_top.py)": Layers(block_max=False),
    "neighbours (neighbours.py)": Layers(neighbours=False),
}
"""Each tuning layer switched off alone (``engine.Layers``), beside all of them on."""


@dataclass
class Work:
    """Work done by a batch, counted the same way on every machine."""

    blocks: int = 0
    postings: int = 0
    scored: int = 0


@contextlib.contextmanager
def counting_work(work: Work) -> Iterator[None]:
    """Count posting blocks decoded, their postings, and postings scored."""
    real_blocks, real_scored = whoosh_blocks._blocks, terms.TermReader.scored

    def blocks(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for block in real_blocks(*args, **kwargs):
            work.blocks += 1
            work.postings += block[1]
            yield block

    def scored(self: terms.TermReader, fieldname: str, df: int, ids: Any, weights: Any) -> Any:
        work.scored += len(ids)
        return real_scored(self, fieldname, df, ids, weights)

    whoosh_blocks._blocks = blocks
    terms.TermReader.scored = scored  # type: ignore[method-assign]
    try:
        yield
    finally:
        whoosh_blocks._blocks = real_blocks
        terms.TermReader.scored = real_scored  # type: ignore[method-assign]


def batch(searcher: Any, parsed: list[Any], layers: Layers) -> list[TopDocs]:
    """Every query at limit 10, twice, in one fresh engine (the TUI's engine lives across
    queries: the second round finds what the first left in its caches)."""
    eng = engine.Engine(searcher, layers)
    return [eng.top(q, 10) for _round in range(2) for q in parsed]


def parsed_queries(searcher: Any, queries: dict[str, list[str]]) -> list[Any]:
    vocab = vocabulary(searcher)
    flat = [t for texts in queries.values() for t in texts]
    return [q for t in flat if (q := expand_fuzzy(parse(t), lambda: vocab).query) is not None]


def _same_answers(a: list[TopDocs], b: list[TopDocs]) -> bool:
    return all(
        [d for d, _ in x.hits] == [d for d, _ in y.hits]
        and all(
            math.isclose(s, t, rel_tol=REL_TOL)
            for (_, s), (_, t) in zip(x.hits, y.hits, strict=False)
        )
        and (x.total == y.total or x.estimated or y.estimated)
        for x, y in zip(a, b, strict=True)
    )


def measure_layers(
    generation: Path, queries: dict[str, list[str]], instructions: dict[str, int] | None
) -> str:
    """Each layer off against all on: work counted, wall time (best of 3, configurations
    alternated) and, with ``instructions``, the instructions callgrind counted."""
    ix = open_generation(generation)
    with ix.searcher() as searcher:
        parsed = parsed_queries(searcher, queries)
        work: dict[str, Work] = {}
        answers: dict[str, list[TopDocs]] = {}
        for name, layers in LAYERS.items():
            work[name] = Work()
            with counting_work(work[name]):
                answers[name] = batch(searcher, parsed, layers)
        best = dict.fromkeys(LAYERS, math.inf)
        for _ in range(3):
            for name, layers in LAYERS.items():
                t = time.perf_counter()
                batch(searcher, parsed, layers)
                best[name] = min(best[name], (time.perf_counter() - t) * 1000)
    on = "all on"
    lines = [
        f"{len(parsed)} queries x 2 rounds at limit 10, one fresh engine per configuration",
        "",
        "| configuration | blocks decoded | postings decoded | postings scored "
        "| instructions (callgrind) | wall ms (best of 3) | answers as all on |",
        "|---|---|---|---|---|---|---|",
    ]

    def ratio(x: float, y: float) -> str:
        return "" if y == 0 else f" ({x / y:.2f}x)"

    for name in LAYERS:
        w, w_on = work[name], work[on]
        ins = "" if instructions is None else f"{instructions[name] / 1e9:.2f} G"
        if instructions is not None and name != on:
            ins += ratio(instructions[name], instructions[on])
        cols = [
            f"{w.blocks:,}" + ("" if name == on else ratio(w.blocks, w_on.blocks)),
            f"{w.postings:,}" + ("" if name == on else ratio(w.postings, w_on.postings)),
            f"{w.scored:,}" + ("" if name == on else ratio(w.scored, w_on.scored)),
            ins,
            f"{best[name]:.0f}" + ("" if name == on else ratio(best[name], best[on])),
            "yes" if _same_answers(answers[name], answers[on]) else "**no**",
        ]
        label = name if name == on else f"{name} off"
        lines.append(f"| {label} | " + " | ".join(cols) + " |")
    return "\n".join(lines)


def run_batch(generation: Path, queries: dict[str, list[str]], config: str) -> None:
    """What callgrind counts: the batch of one configuration (``setup``: everything but it)."""
    ix = open_generation(generation)
    with ix.searcher() as searcher:
        parsed = parsed_queries(searcher, queries)
        if config != "setup":
            batch(searcher, parsed, LAYERS[config])


def callgrind(args: argparse.Namespace) -> dict[str, int]:
    """Instructions of each configuration's batch: a run under ``valgrind --tool=callgrind``
    per configuration, less a run doing everything but the batch (hash seed fixed)."""
    import os
    import re
    import subprocess

    def count(config: str) -> int:
        cmd = [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(Path(__file__).resolve()),
            "--size",
            str(args.size),
            "--queries",
            str(args.queries),
            "--workdir",
            str(args.workdir),
            "--batch",
            config,
            *(["--cache-postings", str(args.cache_postings)] if args.cache_postings else []),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        assert found, done.stderr[-2000:]
        return int(found.group(1))

    from concurrent.futures import ThreadPoolExecutor

    configs = ["setup", *LAYERS]
    with ThreadPoolExecutor(2) as pool:  # two processes at a time: counts do not depend on it
        counts = dict(zip(configs, pool.map(count, configs), strict=True))
    return {name: counts[name] - counts["setup"] for name in LAYERS}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=2000)
    p.add_argument("--queries", type=int, default=30, help="per shape")
    p.add_argument("--workdir", type=Path)
    p.add_argument("--small-thresholds", action="store_true")
    p.add_argument("--layers", action="store_true")
    p.add_argument(
        "--callgrind", action="store_true", help="with --layers: count instructions (valgrind)"
    )
    p.add_argument(
        "--cache-postings",
        type=int,
        help="the score cache's budget in postings without positions (terms.CACHE_BYTES = "
        "this times terms.SCORE_BYTES); ~60000 at 10k puts the cache under the pressure it "
        "is under at 100k",
    )
    p.add_argument("--batch", choices=["setup", *LAYERS], help=argparse.SUPPRESS)
    p.add_argument("--save", type=Path, help="write every engine answer to this JSON file")
    p.add_argument("--compare", type=Path, help="check the answers against a --save file")
    args = p.parse_args(argv)
    budget = (
        {(terms, "CACHE_BYTES"): args.cache_postings * terms.SCORE_BYTES}
        if args.cache_postings
        else {}
    )
    with thresholds(budget):
        return _main(args)


def _main(args: argparse.Namespace) -> int:
    if args.batch:  # under callgrind (``callgrind``): the index is built already
        current = generations.read_current(args.workdir / f"index-{args.size}")
        assert current is not None
        run_batch(
            current[1], make_queries(args.workdir / f"corpus-{args.size}", args.queries), args.batch
        )
        return 0
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        args.workdir = workdir
        t = time.perf_counter()
        generation = build(workdir, args.size)
        print(f"{args.size} articles built in {time.perf_counter() - t:.1f} s")
        queries = make_queries(workdir / f"corpus-{args.size}", args.queries)
        if args.small_thresholds:
            stack.enter_context(thresholds(SMALL))
        answers: Answers = {}
        rows, paths = compare(generation, queries, answers)
        print(table(rows))
        print(
            f"\nphrase paths taken: partial reads {paths.partial_reads}, best-first heap "
            f"{paths.heap}, estimated totals {paths.estimated}"
        )
        failures = [f for r in rows for f in r.failures]
        for f in failures[:20]:
            print("DIFFERS:", f)
        if args.save:
            args.save.write_text(json.dumps(answers, indent=0, sort_keys=True), encoding="utf-8")
            print(f"\n{len(answers)} answers saved to {args.save}")
        if args.compare:
            saved = json.loads(args.compare.read_text(encoding="utf-8"))
            changed = diff_answers(saved, answers)
            for c in changed[:20]:
                print("CHANGED:", c)
            print(
                f"\n{len(saved) - len(changed)} of {len(saved)} saved answers byte-identical "
                f"in this run ({len(answers.keys() - saved.keys())} answers new in this run)"
            )
            failures += changed
        if args.layers:
            counted = callgrind(args) if args.callgrind else None
            print()
            print(measure_layers(generation, queries, counted))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
