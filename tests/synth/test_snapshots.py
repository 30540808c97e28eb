"""The example's templates against tests/snapshots/ (refresh: `make snapshots`).

A pull request that changes what the example synthesizes must carry the snapshots' change too,
so that reviewers see the templates' diff next to the code that caused it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.snapshots import (
    ASSET_PLACEHOLDER,
    normalise,
    snapshot_problems,
    write_snapshots,
)
from tests.synth.cli import ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"


def test_the_examples_templates_match_their_snapshots(assembly: Path) -> None:
    problems = snapshot_problems(CloudAssembly.read(assembly), SNAPSHOTS)
    assert not problems, "\n\n".join(problems)


def test_a_changed_template_fails_with_its_diff_and_how_to_refresh(
    assembly: Path, tmp_path: Path
) -> None:
    stored = tmp_path / "snapshots"
    shutil.copytree(SNAPSHOTS, stored)
    orders = stored / "acme-dev-svc-orders.template.json"
    orders.write_text(orders.read_text().replace('"ThrottlingRateLimit": 500', '"Throttling": 1'))
    (stored / "acme-dev-svc-gone.template.json").write_text("{}")
    problems = snapshot_problems(CloudAssembly.read(assembly), stored)
    gone = stored / "acme-dev-svc-gone.template.json"
    assert problems[0] == f"{gone}: a snapshot of a stack the assembly no longer has"
    assert problems[1].startswith(f"{orders} differs from the synthesized template:")
    assert '-            "Throttling": 1' in problems[1].splitlines()
    assert '+            "ThrottlingRateLimit": 500' in problems[1].splitlines()
    assert problems[-1].startswith("If the change is intended, run `make snapshots`")


def test_writing_twice_gives_the_same_files(assembly: Path, tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    folder.mkdir()
    (folder / "acme-dev-svc-gone.template.json").write_text("{}")  # a removed stack's
    written = write_snapshots(CloudAssembly.read(assembly), folder)
    first = {path.name: path.read_text() for path in written}
    assert sorted(first) == sorted(p.name for p in folder.iterdir())  # the stale one is gone
    write_snapshots(CloudAssembly.read(assembly), folder)
    assert {path.name: path.read_text() for path in folder.iterdir()} == first
    assert "routes.md" in first


def test_asset_hashes_and_the_version_report_are_normalised(assembly: Path) -> None:
    template = json.loads((assembly / "acme-dev-platform.template.json").read_text())
    text = json.dumps(normalise(template))
    assert ASSET_PLACEHOLDER in text
    for resource in normalise(template)["Resources"].values():
        if (
            resource["Type"] == "AWS::Lambda::Function"
            and "S3Key" in resource["Properties"]["Code"]
        ):
            assert resource["Properties"]["Code"]["S3Key"] == f"{ASSET_PLACEHOLDER}.zip"
        if resource["Type"] == "AWS::CDK::Metadata":
            assert resource["Properties"] == {"Analytics": "<cdk-version-report>"}
    # Logical ids, the deployments' hashed ones included, are kept as synthesized.
    assert normalise(template)["Resources"].keys() == template["Resources"].keys()
