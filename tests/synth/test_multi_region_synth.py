"""config/multi-region.yaml through the real CDK CLI: each region's platform and service stacks,
each in its own region, cfn-lint and cdk-nag clean, and no template that refers to another
region's stack (no export, no import, no stack name of the other region)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway_stack.naming import GatewayNames
from tests.synth.cli import ROOT, acknowledgments, cdk_synth
from tests.synth.test_example_synth import ACKNOWLEDGED

GATEWAY = "config/multi-region.yaml"
HOME = "eu-west-1"
ADDED = "us-east-1"
#: Each region's stacks: billing is in the home region only.
STACKS = {
    HOME: [
        "acme-dev-platform",
        "acme-dev-svc-orders",
        "acme-dev-svc-inventory",
        "acme-dev-svc-billing",
    ],
    ADDED: [
        "acme-dev-us-east-1-platform",
        "acme-dev-us-east-1-svc-orders",
        "acme-dev-us-east-1-svc-inventory",
    ],
}
#: The usage-plan membership function's permission to read its own region's service stacks.
MEMBERSHIP_STACKS = (
    "AwsSolutions-IAM5[Resource::arn:aws:cloudformation:{region}:123456789012:stack/{stacks}/*]"
)


def in_us_east_1(key: tuple[str, str]) -> tuple[str, str] | None:
    """An acknowledgment of the example's home region as us-east-1's stacks have it (their
    region, and their own stack names in the membership function's permission); None for what
    us-east-1 does not have (billing and its load balancer)."""
    path, rule = key
    if "billing" in path:
        return None
    path = path.replace("acme-dev-", "acme-dev-us-east-1-", 1)
    rule = rule.replace(HOME, ADDED).replace("stack/acme-dev-svc-", "stack/acme-dev-us-east-1-svc-")
    return path, rule


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("cdk.out")
    result = cdk_synth(output, GATEWAY)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = (result.stdout + result.stderr).splitlines()
    expected = ("Bundling asset ", "Successfully synthesized to ", "Supply a stack id ")
    assert [line for line in printed if line.strip() and not line.startswith(expected)] == []
    return output


def acknowledged(assembly: Path) -> set[tuple[str, str]]:
    found = acknowledgments(assembly)
    assert all(len(reason) >= 40 for reason in found.values())
    return {key for key in found if key[1].startswith("AwsSolutions-")}


def test_each_regions_stacks_deploy_to_their_region_after_their_own_platform(
    assembly: Path,
) -> None:
    artifacts = json.loads((assembly / "manifest.json").read_text())["artifacts"]
    stacks = {
        name: artifact
        for name, artifact in artifacts.items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert sorted(stacks) == sorted(STACKS[HOME] + STACKS[ADDED])
    for region, names in STACKS.items():
        platform, *services = names
        for name in names:
            assert stacks[name]["environment"] == f"aws://123456789012/{region}"
        for name in services:
            assert [d for d in stacks[name]["dependencies"] if not d.endswith(".assets")] == [
                platform
            ]
        assert [d for d in stacks[platform]["dependencies"] if not d.endswith(".assets")] == []


def test_no_template_refers_to_another_regions_stack(assembly: Path) -> None:
    for region, names in STACKS.items():
        (other,) = [r for r in STACKS if r != region]
        for name in names:
            text = (assembly / f"{name}.template.json").read_text()
            assert "Fn::ImportValue" not in text, name
            assert '"Export"' not in text, name
            assert [n for n in STACKS[other] if f'"{n}' in text or f"/{n}" in text] == [], name


def test_cfn_lint_passes_every_template(assembly: Path) -> None:
    templates = sorted(str(p) for p in assembly.glob("*.template.json"))
    assert len(templates) == len(STACKS[HOME]) + len(STACKS[ADDED])
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--config-file",
         str(ROOT / ".cfnlintrc.yaml"), "--", *templates],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdk_nag_found_nothing_and_each_region_acknowledges_what_the_example_does(
    assembly: Path,
) -> None:
    report = json.loads((assembly / "validation-report.json").read_text())
    assert [p for p in report["pluginReports"] if p["conclusion"] != "success"] == []
    expected = ACKNOWLEDGED | {key for key in map(in_us_east_1, ACKNOWLEDGED) if key is not None}
    assert acknowledged(assembly) == expected


def test_each_regions_membership_function_may_read_its_regions_service_stacks(
    assembly: Path,
) -> None:
    names = GatewayNames("acme", "dev", ADDED)
    rule = MEMBERSHIP_STACKS.format(region=ADDED, stacks=names.service_stack("*"))
    assert ("acme-dev-us-east-1-platform/UsagePlans/Membership", rule) in acknowledged(assembly)
