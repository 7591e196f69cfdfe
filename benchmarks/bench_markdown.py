"""Parsing a Markdown article (rendered: markup stripped into blocks and spans) against the
same bytes read as a plain text article, in the same run.

    python benchmarks/bench_markdown.py [--repeat N]

Prints a Markdown table: per article size, the median parse time of each and the ratio.
The article is a realistic note (front matter, headings, emphasis, links, nested lists,
quotes, code, a table) repeated to the size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsreader.library.parse import MARKDOWN_MAX_CHARS, parse_bytes

SECTION = """## Key points

**CAIRO** — Negotiators met on *Tuesday* for a _second_ day of talks, according to
[Reuters](https://www.reuters.com/world/ "Reuters") and [the AP][ap].

- Hostage releases in **three phases**
  - first phase: 33 people
  - second phase: *to be agreed*
- A pause of `42 days`

1. Israel's position
2. Hamas's position

> "We are closer than ever," a mediator said.

```python
def total(days):
    return days * 600
```

| Phase | Days |
|---|---|
| one | 42 |

[ap]: https://apnews.com/
"""
HEAD = "---\ntitle: Ceasefire talks\ndate: 2024-05-07\n---\n\n# Ceasefire talks\n\n"


def _median_ms(data: bytes, name: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parse_bytes(data, Path(name), "a")
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    parse_bytes(b"# warm\n\nup *md*\n", Path("w.md"), "w")  # imports markdown-it once
    print("| article | as .md (rendered) | same bytes as .txt | ratio |")
    print("|---|--:|--:|--:|")
    for kb in (2, 8, 32, 128, 190):
        data = (HEAD + SECTION * max(1, kb * 1024 // len(SECTION))).encode()
        assert len(data) <= MARKDOWN_MAX_CHARS
        md = _median_ms(data, "a.md", args.repeat)
        txt = _median_ms(data, "a.txt", args.repeat)
        print(f"| {len(data) / 1024:.0f} KB | {md:.2f} ms | {txt:.2f} ms | {md / txt:.1f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
