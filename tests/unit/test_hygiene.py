"""The data layers never import Textual (DESIGN.md: layers)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "phrony_tui"


@pytest.mark.parametrize("layer", ["api", "session", "sim", "live"])
def test_layer_does_not_import_textual(layer: str) -> None:
    code = (
        f"import sys, phrony_tui.{layer}; "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("layer", ["api", "session", "sim", "live"])
def test_layer_source_has_no_textual_or_ui_import(layer: str) -> None:
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
                assert "ui" not in name.lstrip(".").split("."), f"{path} imports {name}"
