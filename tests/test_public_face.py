"""The public face: ``from gateway_stack import ...`` gives the documented names, and importing
them loads no tool and no gateway-file loader (each case in a fresh interpreter)."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import gateway_stack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "service_team_app" / "app.py"

#: What importing must never load: the commands and the gateway file's YAML loader.
FORBIDDEN = re.compile(r"^gateway_stack\.(tools(\.|$)|gateway\.config\.loader$)")


def loaded_after(code: str) -> list[str]:
    """The package's modules loaded, in a fresh interpreter, after running ``code``."""
    script = (
        f"{code}\nimport sys, json\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'gateway_stack'"
        " or m.split('.')[0] in ('aws_cdk', 'yaml'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_every_public_name_resolves_and_is_documented() -> None:
    assert sorted(gateway_stack.__all__) == sorted(gateway_stack._PUBLIC)
    for name in gateway_stack.__all__:
        value = getattr(gateway_stack, name)
        assert inspect.getdoc(value), f"{name} has no docstring"
        assert f":class:`{name}`" in gateway_stack.__doc__ or f":func:`{name}`" in (
            gateway_stack.__doc__ or ""
        ), f"{name} is not in the package's docstring"


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'ServiceAPI'"):
        _ = gateway_stack.ServiceAPI  # type: ignore[attr-defined]


def test_importing_the_package_loads_nothing_else() -> None:
    assert loaded_after("import gateway_stack") == ["gateway_stack"]


def test_the_whole_public_face_loads_no_tool_and_no_loader() -> None:
    loaded = loaded_after("from gateway_stack import *")
    assert "gateway_stack.constructs.gateway_service" in loaded
    assert "gateway_stack.gateway.app" in loaded
    assert [m for m in loaded if FORBIDDEN.match(m)] == []


def test_the_service_team_example_loads_only_constructs_and_leaves() -> None:
    source = EXAMPLE.read_text()
    imports = re.search(r"^from gateway_stack import \(.*?\)$", source, re.M | re.S)
    assert imports is not None
    loaded = loaded_after(imports.group(0))
    package = [m for m in loaded if m.startswith("gateway_stack")]
    assert [
        m for m in package if m.startswith(("gateway_stack.gateway", "gateway_stack.tools"))
    ] == []
    assert "gateway_stack.assembly" not in package  # the cdk.out reader loads after a synth


def test_the_commands_start_without_the_cdk() -> None:
    loaded = loaded_after("import gateway_stack.tools.cli")
    assert [m for m in loaded if m.startswith("aws_cdk")] == []
