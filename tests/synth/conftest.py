"""One real CLI synth of the example gateway, shared by the tests of this folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.synth.cli import cdk_synth


@pytest.fixture(scope="session")
def example_synth(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The cloud assembly of the example (via `cdk synth`) and what the CLI printed."""
    output = tmp_path_factory.mktemp("cdk.out")
    result = cdk_synth(output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output, result


@pytest.fixture(scope="session")
def assembly(example_synth: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    return example_synth[0]
