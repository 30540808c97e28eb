"""The runner is the canaries' code too: it imports the standard library and itself, nothing
else (no pydantic, no CDK, no other module of the package)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import gateway_stack.smoke

PACKAGE = Path(gateway_stack.smoke.__file__).parent


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_imports_only_the_standard_library(module: Path) -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    outside = sorted(
        name
        for name in imported
        if name.split(".")[0] not in sys.stdlib_module_names
        and not name.startswith("gateway_stack.smoke")
    )
    assert outside == [], f"{module.name} imports {', '.join(outside)}"
