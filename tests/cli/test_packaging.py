"""What pyproject.toml promises someone installing newsreader beside other tools: the
libraries Textual also uses are asked for with floors Textual accepts, not pinned, so pip
can install newsreader into an environment whose rich is newer (the tests pin their own)."""

from __future__ import annotations

import tomllib
from importlib.metadata import requires

from packaging.requirements import Requirement

from tests.conftest import REPO


def _project() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    assert isinstance(project, dict)
    return project


def _requirements(lines: object) -> dict[str, Requirement]:
    assert isinstance(lines, list)
    found = (Requirement(line) for line in lines)
    return {r.name.lower().replace("_", "-"): r for r in found}


def test_rich_is_a_floor_that_textual_accepts() -> None:
    ours = _requirements(_project()["dependencies"])["rich"]
    textuals = _requirements([r for r in requires("textual") or [] if "extra ==" not in r])
    assert [s.operator for s in ours.specifier] == [">="], f"{ours}: a floor, not a pin"
    floor = next(iter(ours.specifier)).version
    assert textuals["rich"].specifier.contains(floor), (str(ours), str(textuals["rich"]))


def test_the_tests_pin_the_rich_their_snapshots_were_drawn_with() -> None:
    extras = _project()["optional-dependencies"]
    assert isinstance(extras, dict)
    pinned = [s for s in _requirements(extras["test"])["rich"].specifier]
    assert [s.operator for s in pinned] == ["=="]
