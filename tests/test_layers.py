"""The shape of the code: dependencies flow one way (accounts ← notices ← enterprises ←
rectification ← inspections ← maps ← reporting), and no module reaches for another's private names."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "accounts",
    "notices",
    "enterprises",
    "rectification",
    "inspections",
    "maps",
    "reporting",
]


def modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def imported(tree):
    """(module, names) of every import in a module, absolute modules only."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_never_imports_an_app_to_its_right(app):
    to_the_right = set(LAYERS[LAYERS.index(app) + 1 :])
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, tree in modules(app)
        for module, _names in imported(tree)
        if module.split(".")[0] in to_the_right
    ]
    assert found == []


@pytest.mark.parametrize("app", LAYERS)
def test_no_private_name_is_imported_from_another_module(app):
    found = [
        f"{path.relative_to(ROOT)} imports {module}.{name}"
        for path, tree in modules(app)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for module, name in [(node.module or "." * node.level, a.name) for a in node.names]
        if name.startswith("_") and not name.startswith("__")
    ]
    assert found == []
