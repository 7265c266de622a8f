"""The rules of the tree: import direction, and the committed schema matching the served one."""

from __future__ import annotations

import ast
from pathlib import Path

from schema import schema

ROOT = Path(__file__).resolve().parent.parent
# package -> the packages of ours it may import (ARCHITECTURE.md)
ALLOWED = {
    "models": {"models"},
    "subscriptions": {"subscriptions", "models"},
    "resolvers": {"resolvers", "models", "subscriptions"},
    "schema": {"schema", "resolvers", "models", "subscriptions"},
    "api": {"api", "schema", "resolvers", "models", "subscriptions"},
}
THIRD_PARTY_IN_MODELS = {"tortoise"}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_imports_only_go_down_the_layers():
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            ours = imported_packages(path) & set(ALLOWED)
            for name in sorted(ours - allowed):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_models_import_only_tortoise_and_the_standard_library():
    import sys

    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    wrong = []
    for path in (ROOT / "models").rglob("*.py"):
        for name in imported_packages(path) - stdlib - THIRD_PARTY_IN_MODELS - {"models"}:
            wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_the_committed_schema_is_the_served_schema():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema.as_str() + "\n", (
        "schema.graphql is stale: run `cargolive schema > schema.graphql`"
    )
