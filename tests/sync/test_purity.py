"""The sync core stays pure: standard library only, relative imports among its modules."""

import ast
import sys
from pathlib import Path

import pytest

SYNC = Path(__file__).resolve().parents[2] / "superoffice_connector" / "sync"
MODULES = sorted(SYNC.glob("*.py"))


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_standard_library_and_relative_imports(path):
    for level, name in _imports(path):
        if level:
            continue
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or top == "__future__", f"{path.name}: {name}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_stay_small(path):
    assert len(path.read_text().splitlines()) < 400
