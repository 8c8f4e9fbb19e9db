"""The layering docs/architecture.md describes: which package may import which."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("directory", "crawler", "indexer", "search_api", "therapists")
MAY_IMPORT = {
    "directory": {"directory"},
    "crawler": {"crawler", "directory"},
    "indexer": {"indexer", "directory"},
    "search_api": {"search_api", "directory"},
    "therapists": set(PACKAGES),
}


def imports_of(path: Path) -> set[str]:
    """Every module name a file imports (at any depth: a function-level import counts too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_each_package_imports_only_what_the_architecture_allows() -> None:
    broken = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in imports_of(path):
                top = name.split(".")[0]
                if top in PACKAGES and top not in MAY_IMPORT[package]:
                    broken.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not broken, broken


def type_checking_imports_of(path: Path) -> set[str]:
    """Modules imported only under `if TYPE_CHECKING:` (types for annotations, never run)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom) and inner.module:
                    names.add(inner.module)
    return names


def test_backends_are_below_the_rest_of_the_core() -> None:
    """Only the backends themselves (and the presenter, which shows their pages) import them; the
    rest of the core may name the backend protocol (`directory.backends.base`) in annotations only."""
    allowed = {"presenter.py"}
    broken = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "directory").rglob("*.py"))
        if "backends" not in path.parts and path.name not in allowed
        for name in imports_of(path) - ({"directory.backends.base"} & type_checking_imports_of(path))
        if name.startswith("directory.backends")
    ]
    assert not broken, broken
