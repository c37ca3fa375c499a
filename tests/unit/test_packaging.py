"""What the package imports is what it declares; the version is written once; no private
module of another distribution is imported."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import phrony_tui

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "phrony_tui"


def imported_top_levels() -> dict[str, set[str]]:
    """Each top-level module imported by the package (absolute imports only), with the full
    names imported from it."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.partition(".")[0], set()).add(name)
    return found


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in project["dependencies"]
    }


def test_every_distribution_imported_is_declared() -> None:
    owners = packages_distributions()
    third_party = {
        name
        for name in imported_top_levels()
        if name not in sys.stdlib_module_names and name not in ("phrony_tui", "__future__")
    }
    needed = {dist.lower().replace("_", "-") for name in third_party for dist in owners[name]}
    assert needed - declared() == set()


def test_no_private_module_of_another_distribution_is_imported() -> None:
    private = sorted(
        full
        for top, fulls in imported_top_levels().items()
        if top != "phrony_tui"
        for full in fulls
        if any(part.startswith("_") and part != "__future__" for part in full.split("."))
    )
    assert private == []


def test_the_version_is_the_one_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert phrony_tui.__version__ == project["version"] == version("phrony-tui")
    assert project["version"] not in (PACKAGE / "__init__.py").read_text()
