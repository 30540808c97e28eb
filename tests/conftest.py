"""Shared fixtures: the example gateway, and jsii on the project's supported Node.js."""

from __future__ import annotations

import copy
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config" / "example.yaml"

# `make test` puts the project's Node.js first on PATH; this keeps a bare `pytest` run on it too
# (jsii would otherwise start the machine's Node.js, which may be past end-of-life).
_NODE = Path(sys.prefix) / "node-bin" / "node"
if _NODE.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE))


@pytest.fixture(scope="session")
def example_data() -> dict[str, Any]:
    """The example gateway file, parsed (copy it before changing it)."""
    return yaml.safe_load(EXAMPLE.read_text())


@pytest.fixture
def gateway_data(example_data: dict[str, Any]) -> dict[str, Any]:
    """A fresh, mutable copy of the example gateway file's data."""
    return copy.deepcopy(example_data)


@pytest.fixture(scope="session")
def cdk_context() -> dict[str, Any]:
    """The context of cdk.json (feature flags), as the CLI would pass it, minus bundling.

    In-memory template tests skip asset bundling (CDK's ``aws:cdk:bundling-stacks`` context,
    as ``cdk synth --exclusively`` uses it); the real CLI synth in tests/synth bundles.
    """
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    return {**context, "aws:cdk:bundling-stacks": []}
