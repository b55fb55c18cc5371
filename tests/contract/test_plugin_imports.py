"""Plugins import only `core.toolkit` from core (the import-linter contract covers plugins/;
this covers every installed plugin wherever it lives, including the example fixture)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from core.plugins import installed_plugins
from tests.conftest import EXAMPLE

PLUGINS = sorted(installed_plugins(EXAMPLE).items())


def core_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "core":
            names = [a.name for a in node.names]
            allowed = node.module == "core.toolkit" or (
                node.module == "core" and names == ["toolkit"]
            )
            if not allowed:
                found.append(f"{path.name}: from {node.module} import {', '.join(names)}")
        elif isinstance(node, ast.Import):
            found += [f"{path.name}: import {a.name}" for a in node.names
                      if a.name.startswith("core") and a.name != "core.toolkit"]
    return found


@pytest.mark.parametrize(("key", "module"), PLUGINS)
def test_the_plugin_imports_nothing_from_core_but_the_toolkit(key, module):
    package = importlib.import_module(module.split(":")[0].rsplit(".", 1)[0])
    folder = Path(package.__file__).parent
    offending = [line for f in folder.rglob("*.py") for line in core_imports(f)]
    assert offending == []
