"""The data layers never import Textual (DESIGN.md: layers)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "phrony_tui"


@pytest.mark.parametrize("layer", ["api", "session", "sim", "live", "commands", "profiles"])
def test_layer_does_not_import_textual(layer: str) -> None:
    code = (
        f"import importlib, pkgutil, sys, phrony_tui.{layer} as layer; "
        "[importlib.import_module(m.name) for m in "
        "pkgutil.walk_packages(getattr(layer, '__path__', []), layer.__name__ + '.')]; "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


#: What a layer may take from ui/: nothing (the sanitizer's core is ``phrony_tui.text``).
ALLOWED_UI: dict[str, set[str]] = {}


@pytest.mark.parametrize("layer", ["api", "session", "sim", "live", "commands"])
def test_layer_source_has_no_textual_or_ui_import(layer: str) -> None:
    allowed = ALLOWED_UI.get(layer, set())
    for path in (PACKAGE / layer).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            for name in names:
                assert not name.startswith("textual"), f"{path} imports {name}"
                if name.lstrip(".") in allowed:
                    continue
                assert "ui" not in name.lstrip(".").split("."), f"{path} imports {name}"
