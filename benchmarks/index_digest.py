"""Build the index of a folder and print a digest of everything in it, so that two builds (two
checkouts, two settings) can be compared line by line: the same lines mean the same terms,
postings (article, weight, positions), field lengths and stored fields, hence the same hits,
scores and totals for every query.

    python benchmarks/index_digest.py FOLDER WORKDIR [--procs 2]

Articles are matched by path, so two builds whose segments split the articles differently
compare equal. To compare with another checkout (say a ``git archive`` of an older commit),
run that checkout's copy of this script: it imports the package beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.library import Library
from newsreader.search import SearchIndex
from newsreader.search.generations import read_current
from newsreader.search.index import open_generation

SCORED = ("title", "dateline", "body")


def digest(generation: Path) -> list[str]:
    """One line per check: stored fields and lengths, field totals, then each field's terms."""
    lines = []
    ix: Any = open_generation(generation)  # its reader and schema: Whoosh's own API
    with ix.reader() as r:
        docs = sorted(r.all_doc_ids(), key=lambda d: r.stored_fields(d)["path"])
        order = {d: i for i, d in enumerate(docs)}
        h = hashlib.sha256()
        for d in docs:
            h.update(repr(sorted(r.stored_fields(d).items())).encode())
            h.update(repr([r.doc_field_length(d, f) for f in SCORED]).encode())
        lines.append(f"documents {r.doc_count()}, stored fields and lengths {h.hexdigest()[:16]}")
        for f in SCORED:
            lines.append(
                f"{f}: total length {r.field_length(f)}, min {r.min_field_length(f)}, "
                f"max {r.max_field_length(f)}"
            )
        for field in sorted(ix.schema.names()):
            if not ix.schema[field].indexed:
                continue
            h = hashlib.sha256()
            count = 0
            for term in r.lexicon(field):
                count += 1
                m = r.postings(field, term)
                postings = []
                while m.is_active():
                    postings.append((order[m.id()], m.weight(), m.value()))
                    m.next()
                postings.sort()
                h.update(term + repr(postings).encode())
                h.update(repr((r.doc_frequency(field, term), r.frequency(field, term))).encode())
            lines.append(f"{field}: {count} terms, postings {h.hexdigest()[:16]}")
    ix.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("workdir", type=Path, help="emptied, then holds the catalog and index")
    parser.add_argument("--procs", type=int, default=2)
    args = parser.parse_args(argv)
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    library = Library((args.folder,), args.workdir / "catalog.sqlite3")
    scan = library.scan()
    t = time.perf_counter()
    index = SearchIndex(args.workdir / "index")
    index.update(scan, library, rebuild=True, procs=args.procs)
    index.close()
    print(f"built in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    current = read_current(args.workdir / "index")
    assert current is not None
    print("\n".join(digest(current[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
