"""The architecture holds: the loader and the server never import each other (read with ast)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"loader": "server", "server": "loader"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_never_imports_the_other(package):
    crossings = [f"{p.relative_to(ROOT)} imports {FORBIDDEN[package]}" for p in sorted((ROOT / package).rglob("*.py"))
                 if FORBIDDEN[package] in imported_packages(p)]
    assert not crossings, "\n".join(crossings)


def test_the_check_sees_a_crossing(tmp_path):
    """Guards the test itself: a file that imports the other package is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom server.app import create_app\n", encoding="utf-8")
    assert "server" in imported_packages(sample)
