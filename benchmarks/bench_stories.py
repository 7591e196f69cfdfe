"""How well near-duplicate grouping finds the versions of a story, and what it costs.

Quality: ``BASES`` corpus articles each get versions made from them (paragraphs reordered,
sentences dropped, words reworded, title changed, a paragraph added, the story trimmed to
its first half, and an "update" doing several at once); the other corpus articles, written
from the same vocabulary, names and places, are the unrelated stories, and some of them
quote two sentences of a grouped story (a follow-up quoting the wire copy, which is not the
same story). Pairs are counted over the groups the user sees (two articles in one story).

Cost: the per-article work (shingles and signature of a parsed article) and the store's
``add`` (its LSH band lookup, the check of the candidates, the inserts) against a table of
``--table`` signatures in a real SQLite file; the filler signatures are random, which is
what unrelated articles look like to the bands.

    python benchmarks/bench_stories.py [--bases 300] [--others 3000] [--table 100000]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from array import array
from hashlib import blake2b
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import article

from newsreader.library import parse_bytes
from newsreader.stories import StoryGroups, StoryStore, signature
from newsreader.stories.minhash import BINS, Signature, band_keys, near_duplicates, shingles

KINDS = ("reordered", "dropped", "reworded", "retitled", "added", "trimmed", "updated")


def _split(text: str) -> tuple[str, str, list[str]]:
    title, head, *paras = text.split("\n\n")
    return title, head, paras[:-1]  # the last is the share-noise line


def _join(title: str, head: str, paras: list[str]) -> str:
    return "\n\n".join([title, head, *paras])


def _sentences(para: str) -> list[str]:
    return [s + "." for s in para.split(". ") if s]


def variant(text: str, kind: str, rng: random.Random, filler: str) -> str:
    title, head, paras = _split(text)
    paras = list(paras)
    if kind in ("reordered", "updated"):
        rng.shuffle(paras)
    if kind in ("dropped", "updated"):
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(paras))
            sent = _sentences(paras[i])
            if len(sent) > 1:
                del sent[rng.randrange(len(sent))]
                paras[i] = " ".join(sent)
    if kind in ("reworded", "updated"):
        fill = filler.split()
        rate = 0.04 if kind == "reworded" else 0.02
        paras = [
            " ".join(rng.choice(fill) if rng.random() < rate else w for w in p.split())
            for p in paras
        ]
    if kind in ("retitled", "updated"):
        title = "Update: " + " ".join(reversed(title.split()))
    if kind in ("added", "updated"):
        extra = _split(filler)[2][0]
        paras.insert(rng.randrange(len(paras) + 1), extra)
    if kind == "trimmed":
        paras = paras[: max(2, len(paras) // 2)]
    return _join(title, head, paras)


def quoting(text: str, quoted: str, rng: random.Random) -> str:
    """An unrelated story that quotes two sentences of ``quoted``."""
    title, head, paras = _split(text)
    sent = [s for p in _split(quoted)[2] for s in _sentences(p)]
    start = rng.randrange(max(1, len(sent) - 1))
    paras.insert(1, " ".join(sent[start : start + 2]))
    return _join(title, head, paras)


def _sig(text: str, i: int) -> Signature:
    return signature(parse_bytes(text.encode(), Path(f"/bench/s{i}.txt"), f"s{i}").paragraphs)


def corpus(bases: int, others: int, seed: int) -> tuple[list[tuple[str, int]], dict[int, str]]:
    """The articles (text, true story; an unrelated one is a story of its own) and the kind
    of each version."""
    rng = random.Random(seed)
    docs: list[tuple[str, int]] = []
    kinds_of: dict[int, str] = {}
    for b in range(bases):
        base = article(b, seed)
        docs.append((base, b))
        for kind in rng.sample(KINDS, 4):
            kinds_of[len(docs)] = kind
            docs.append((variant(base, kind, rng, article(10**6 + len(docs), seed)), b))
    for o in range(others):
        text = article(bases + o, seed)
        if o % 10 == 0:
            text = quoting(text, article(rng.randrange(bases), seed), rng)
        docs.append((text, -1 - o))
    return docs, kinds_of


def score(story: list[str], truth: list[int], kinds_of: dict[int, str]) -> dict[str, float]:
    """Precision and recall of the pairs put in one story."""
    tp = fp = fn = 0
    missed: dict[str, int] = {}
    by_story: dict[str, list[int]] = {}
    for i, s in enumerate(story):
        by_story.setdefault(s, []).append(i)
    for members in by_story.values():
        for i, j in itertools.combinations(members, 2):
            if truth[i] == truth[j]:
                tp += 1
            else:
                fp += 1
    by_truth: dict[int, list[int]] = {}
    for i, t in enumerate(truth):
        by_truth.setdefault(t, []).append(i)
    for members in by_truth.values():
        for i, j in itertools.combinations(members, 2):
            if story[i] != story[j]:
                fn += 1
                for k in (i, j):
                    if k in kinds_of:
                        missed[kinds_of[k]] = missed.get(kinds_of[k], 0) + 1
    return {
        "true_pairs": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "false_pairs": fp,
        "missed_pairs": fn,
        **{f"missed_{k}": v for k, v in sorted(missed.items())},
    }


def quality(docs: list[tuple[str, int]], kinds_of: dict[int, str]) -> dict[str, float]:
    """MinHash with LSH, as the app does it (through the store)."""
    with StoryStore.open(None) as store:
        hashes = []
        for i, (text, _) in enumerate(docs):
            h = f"{i:08d}"
            store.add(h, _sig(text, i))
            hashes.append(h)
        groups = StoryGroups(store.pairs(), hashes)
    story = [groups.story(h) for h in hashes]
    return {"articles": len(docs), **score(story, [t for _, t in docs], kinds_of)}


def simhash(paragraphs: tuple[str, ...]) -> int:
    """64-bit SimHash of the same shingles (the alternative measured, not used)."""
    counts = [0] * 64
    for sh in shingles(paragraphs):
        h = int.from_bytes(blake2b(sh.encode(), digest_size=8).digest(), "little")
        for bit in range(64):
            counts[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if counts[bit] > 0)


def simhash_quality(
    docs: list[tuple[str, int]], kinds_of: dict[int, str], limits: tuple[int, ...]
) -> dict[int, dict[str, float]]:
    """SimHash at several Hamming distances, every pair compared (no banding: its best
    case), grouped the same way."""
    t0 = time.perf_counter()
    hashes = [
        simhash(parse_bytes(t.encode(), Path(f"/b/{i}.txt"), f"{i}").paragraphs)
        for i, (t, _) in enumerate(docs)
    ]
    per_article_ms = (time.perf_counter() - t0) * 1000 / len(docs)
    close: dict[int, list[tuple[str, str]]] = {k: [] for k in limits}
    top = max(limits)
    for i, a in enumerate(hashes):
        for j in range(i + 1, len(hashes)):
            d = (a ^ hashes[j]).bit_count()
            if d <= top:
                for k in limits:
                    if d <= k:
                        close[k].append((f"{i:08d}", f"{j:08d}"))
    names = [f"{i:08d}" for i in range(len(docs))]
    truth = [t for _, t in docs]
    out = {}
    for k in limits:
        groups = StoryGroups(close[k], names)
        result = score([groups.story(n) for n in names], truth, kinds_of)
        out[k] = {"signature_ms": per_article_ms, **result}
    return out


def cost(table: int, samples: int, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stories.sqlite3"
        with StoryStore.open(path) as store:
            conn = store._conn
            t0 = time.perf_counter()
            for start in range(0, table, 5000):
                sigs = []
                for i in range(start, min(table, start + 5000)):
                    mins = array("I", (rng.getrandbits(32) & 0xFFFFFFFE for _ in range(BINS)))
                    sigs.append((i + 1, f"fill{i:08d}", Signature(mins, 400)))
                conn.executemany(
                    "INSERT INTO sigs (id, hash, sig) VALUES (?, ?, ?)",
                    [(i, h, s.to_bytes()) for i, h, s in sigs],
                )
                conn.executemany(
                    "INSERT INTO bands VALUES (?, ?)",
                    [(k, i) for i, _h, s in sigs for k in band_keys(s)],
                )
            conn.commit()
            fill_s = time.perf_counter() - t0
            texts = [article(10**7 + i, seed) for i in range(samples)]
            parse_ms, sig_ms, add_ms = [], [], []
            for i, text in enumerate(texts):
                data = text.encode()
                t0 = time.perf_counter()
                art = parse_bytes(data, Path(f"/bench/n{i}.txt"), f"n{i}")
                t1 = time.perf_counter()
                sig = signature(art.paragraphs)
                t2 = time.perf_counter()
                store.add(f"new{i:08d}", sig)
                t3 = time.perf_counter()
                parse_ms.append((t1 - t0) * 1000)
                sig_ms.append((t2 - t1) * 1000)
                add_ms.append((t3 - t2) * 1000)
            store.commit()
            size_mb = path.stat().st_size / 1e6
            # The baseline: the new signature compared with every stored one, no LSH.
            stored = [Signature.from_bytes(r[0]) for r in conn.execute("SELECT sig FROM sigs")]
            brute_ms = []
            for text in texts[:3]:
                sig = signature(parse_bytes(text.encode(), Path("/bench/b.txt"), "b").paragraphs)
                t0 = time.perf_counter()
                sum(1 for other in stored if near_duplicates(sig, other))
                brute_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "table": table,
        "fill_s": fill_s,
        "file_mb": size_mb,
        "parse_ms": statistics.median(parse_ms),
        "signature_ms": statistics.median(sig_ms),
        "lsh_add_ms": statistics.median(add_ms),
        "lsh_add_p95_ms": sorted(add_ms)[int(len(add_ms) * 0.95)],
        "per_article_ms": statistics.median(s + a for s, a in zip(sig_ms, add_ms, strict=True)),
        "brute_force_ms": statistics.median(brute_ms),
        "lsh_vs_brute_force": statistics.median(brute_ms) / statistics.median(add_ms),
    }


def first_sync(n: int, seed: int) -> dict[str, float]:
    """A library of ``n`` corpus files signed from nothing (each read, parsed, signed,
    looked up), then again with nothing changed (the known hashes and the pairs read)."""
    from corpus import write_corpus

    from newsreader.library import Library
    from newsreader.stories import story_groups, sync

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lib"
        write_corpus(folder, n, seed)
        lib = Library((folder,), Path(tmp) / "catalog.sqlite3")
        scan = lib.scan()
        store_file = Path(tmp) / "stories.sqlite3"
        t0 = time.perf_counter()
        with StoryStore.open(store_file) as store:
            sync(store, scan.articles, lib.load)
            story_groups(store, scan.articles)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        with StoryStore.open(store_file) as store:
            sync(store, scan.articles, lib.load)
            story_groups(store, scan.articles)
        again = time.perf_counter() - t0
    return {
        "articles": n,
        "first_s": first,
        "first_per_article_ms": first * 1000 / n,
        "unchanged_ms": again * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bases", type=int, default=300)
    ap.add_argument("--others", type=int, default=3000)
    ap.add_argument("--table", type=int, default=100_000)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--library", type=int, default=0, help="also sign a library of N files")
    ap.add_argument(
        "--simhash", action="store_true", help="also measure SimHash (every pair: slow)"
    )
    args = ap.parse_args(argv)
    docs, kinds_of = corpus(args.bases, args.others, args.seed)
    q = quality(docs, kinds_of)
    print("quality (pairs of articles put in one story)")
    for k, v in q.items():
        print(f"  {k:<20} {v:.3f}" if isinstance(v, float) else f"  {k:<20} {v}")
    if args.simhash:
        limits = (3, 6, 10, 16)
        print("SimHash, every pair compared: bits apart | precision | recall | false | missed")
        for k, r in simhash_quality(docs, kinds_of, limits).items():
            print(
                f"  <= {k:<2} bits  {r['precision']:.3f}  {r['recall']:.3f}  "
                f"{r['false_pairs']}  {r['missed_pairs']}  ({r['signature_ms']:.2f} ms/article)"
            )
    if args.library:
        print("a whole library signed (read, parse, sign, look up), then unchanged")
        for k, v in first_sync(args.library, args.seed).items():
            print(f"  {k:<20} {v:.3f}" if isinstance(v, float) else f"  {k:<20} {v}")
    c = cost(args.table, args.samples, args.seed)
    print(f"cost per added article against {args.table:,} signatures")
    for k, v in c.items():
        print(f"  {k:<20} {v:.3f}" if isinstance(v, float) else f"  {k:<20} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
