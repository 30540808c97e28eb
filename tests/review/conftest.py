"""Cloud assemblies of the example and of changed copies, synthesized in-process (no bundling:
the templates are the CLI's, since bundled assets carry a fingerprint of their sources)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.config import parse_gateway
from gateway_stack.gateway_app import build_gateway

from ..unit.stacks import CONFIG

Synthesize = Callable[[dict[str, Any]], CloudAssembly]


@pytest.fixture(scope="session")
def synthesize(tmp_path_factory: pytest.TempPathFactory, cdk_context: dict[str, Any]) -> Synthesize:
    """Synthesize a gateway file's data into an assembly folder of its own, as the CLI would
    (construct paths recorded), and read it."""
    numbers = itertools.count()

    def run(data: dict[str, Any]) -> CloudAssembly:
        folder = tmp_path_factory.mktemp(f"assembly-{next(numbers)}")
        context = {**cdk_context, "aws:cdk:enable-path-metadata": True}
        app = cdk.App(context=context, outdir=str(folder), stack_traces=False)
        build_gateway(app, parse_gateway(copy.deepcopy(data)), documents=CONFIG, nag=False)
        app.synth()
        return CloudAssembly.read(Path(folder))

    return run


@pytest.fixture(scope="session")
def example_assembly(synthesize: Synthesize, example_data: dict[str, Any]) -> CloudAssembly:
    """The example, synthesized once."""
    return synthesize(example_data)
