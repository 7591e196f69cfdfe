"""ARCHITECTURE.md lists every module, so a newcomer can find any behaviour from it."""

from __future__ import annotations

import re

from tests.conftest import REPO


def test_every_module_is_listed_under_its_package() -> None:
    doc = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed: set[str] = set()
    package = ""
    for line in doc.split("## Where each thing is", 1)[1].splitlines():
        heading = re.fullmatch(r"\*\*`(newsreader/(?:[\w/]+/)?)`\*\*", line)
        if heading:
            package = heading.group(1)
        entry = re.match(r"- `(\w+\.py)`:", line)
        if entry and package:
            listed.add(package + entry.group(1))
    modules = {
        str(path.relative_to(REPO))
        for path in (REPO / "newsreader").rglob("*.py")
        if not (path.name == "__main__.py" and path.parent.name != "newsreader")
    }
    assert sorted(modules - listed) == [], "modules missing from ARCHITECTURE.md"
    assert sorted(listed - modules) == [], "ARCHITECTURE.md lists modules that are gone"
