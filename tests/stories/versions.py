"""Articles and versions of them, as files: the benchmark corpus' stories, with the edits
that rewrites and updates make."""

from __future__ import annotations

from pathlib import Path

from benchmarks.corpus import article


def parts(text: str) -> tuple[str, str, list[str]]:
    """Title, date lines and body paragraphs (the closing share line left out)."""
    title, head, *paras = text.split("\n\n")
    return title, head, paras[:-1]


def join(title: str, head: str, paras: list[str]) -> str:
    return "\n\n".join([title, head, *paras]) + "\n"


def rewrite(index: int, *, title: str | None = None, add: int | None = None) -> str:
    """Story ``index`` retold: paragraphs reversed, the last sentence of each dropped, under
    another title, with another story's first paragraph added when ``add`` is given."""
    t, head, paras = parts(article(index))
    paras = [p.rsplit(". ", 1)[0] + "." if ". " in p else p for p in reversed(paras)]
    if add is not None:
        paras.insert(1, parts(article(add))[2][0])
    return join(title or "Rewritten: " + t, head, paras)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
