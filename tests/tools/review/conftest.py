"""Cloud assemblies of the example and of changed copies, synthesized in-process (no bundling:
the templates are the CLI's, since bundled assets carry a fingerprint of their sources), and
reviews of the example against them."""

from __future__ import annotations

import copy
import itertools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.app import build_gateway_from
from gateway_stack.gateway.config import parse_gateway
from gateway_stack.tools.review import Review, review_assemblies
from gateway_stack.tools.review.synth import Toolchain
from tests.conftest import ROOT
from tests.gateway.stacks import CONFIG

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
        build_gateway_from(app, parse_gateway(copy.deepcopy(data)), documents=CONFIG, nag=False)
        app.synth()
        return CloudAssembly.read(Path(folder))

    return run


@pytest.fixture(scope="session")
def example_assembly(synthesize: Synthesize, example_data: dict[str, Any]) -> CloudAssembly:
    """The example, synthesized once."""
    return synthesize(example_data)


TOOLCHAIN = Toolchain(ROOT)
Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def head(synthesize: Synthesize, example_data: dict[str, Any]) -> Callable[[Edit], CloudAssembly]:
    """The example with one change, synthesized once per change."""
    cache: dict[Edit, CloudAssembly] = {}

    def run(edit: Edit) -> CloudAssembly:
        if edit not in cache:
            data = copy.deepcopy(example_data)
            edit(data)
            cache[edit] = synthesize(data)
        return cache[edit]

    return run


@pytest.fixture(scope="module")
def review(
    example_assembly: CloudAssembly, head: Callable[[Edit], CloudAssembly]
) -> Callable[[Edit], Review]:
    def run(edit: Edit) -> Review:
        return review_assemblies(example_assembly, head(edit), TOOLCHAIN)

    return run


def stack(result: Review, name: str) -> Any:
    (found,) = [s for s in result.stacks if s.stack == name]
    return found


Template = dict[str, Any]


def edited(
    assembly: CloudAssembly, folder: Path, stack_name: str, edit: Callable[[Template], Template]
) -> CloudAssembly:
    """A copy of ``assembly`` in ``folder`` whose template of ``stack_name`` ``edit`` changed
    (a change no gateway file makes: a refactor, a hand edit)."""
    shutil.copytree(assembly.directory, folder)
    path = folder / f"{stack_name}.template.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    return CloudAssembly.read(folder)


def renamed(
    *pairs: tuple[str, str], change: Template | None = None
) -> Callable[[Template], Template]:
    """An edit that gives resources new logical ids (their references follow), and sets
    ``change`` (new id -> properties) on them."""

    def edit(template: Template) -> Template:
        text = json.dumps(template)
        for old, new in pairs:
            text = text.replace(old, new)
        result: Template = json.loads(text)
        for logical_id, properties in (change or {}).items():
            result["Resources"][logical_id]["Properties"].update(properties)
        return result

    return edit
