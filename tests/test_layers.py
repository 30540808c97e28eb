"""The package's layers: imports point one way (tools -> gateway -> constructs -> leaves), and no
module imports itself back through others (no import cycle).

Read from the source (every ``import`` and ``from ... import``, at module level, in a function or
for type checkers only), not from what happens to be loaded: a cycle that only type hints close is
still two modules that cannot be understood apart.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gateway_stack"

#: Layer of each top-level part of the package, lowest first; a module may import its own layer
#: and those below it. Everything not named here is a leaf.
LAYERS = {"constructs": 1, "gateway": 2, "tools": 3, "__main__": 3}
LAYER_NAMES = ("leaves", "constructs", "gateway", "tools")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def imports_of(module: str) -> set[str]:
    """The package modules ``module`` imports (a name imported from a package counts as that
    package's submodule when there is one)."""
    tree = ast.parse(MODULES[module].read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{module}: relative import (imports are absolute)"
            if node.module.split(".")[0] != "gateway_stack":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "gateway_stack"}
    return found - {module}


GRAPH = {module: imports_of(module) for module in MODULES}


def test_the_package_has_the_four_layers() -> None:
    tops = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert {"constructs", "gateway", "tools", "openapi", "models"} <= tops
    assert {layer(m) for m in MODULES} == {0, 1, 2, 3}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    upward = sorted(
        f"{target} ({LAYER_NAMES[layer(target)]})"
        for target in GRAPH[module]
        if layer(target) > layer(module) and module != "gateway_stack"
    )
    assert not upward, (
        f"{module} ({LAYER_NAMES[layer(module)]}) imports from a higher layer: " + ", ".join(upward)
    )


def test_no_import_cycle() -> None:
    assert find_cycle(GRAPH) is None, "import cycle: " + " -> ".join(find_cycle(GRAPH) or [])


def test_nothing_imports_the_public_face() -> None:
    # The root module names every layer (for type checkers; it loads them on first use, see
    # test_public_face.py), so a module that imported it would close a cycle.
    assert not [module for module, targets in GRAPH.items() if "gateway_stack" in targets]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` (its nodes, the first repeated last), or None."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return list(error.args[1])
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    cycle = find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert cycle is not None
    assert set(cycle) == {"a", "b", "c"}
    assert find_cycle({"a": {"b"}, "b": set()}) is None
