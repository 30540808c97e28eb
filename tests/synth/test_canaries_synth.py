"""config/canaries.yaml through the real CDK CLI: cfn-lint and cdk-nag clean, and each service's
canary asset holds the canary script, the smoke runner itself and the service's checks.

Every gateway file under config/ is synthesized by the tests: config/example.yaml by
test_example_synth.py (with its snapshots), config/multi-region.yaml by
test_multi_region_synth.py, config/canaries.yaml here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gateway_stack.smoke
from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.gateway.smoke_checks import checks_for
from tests.synth.cli import ROOT, acknowledgments, cdk_synth
from tests.synth.test_example_synth import ACKNOWLEDGED, STACKS

GATEWAY = ROOT / "config" / "canaries.yaml"
SERVICES = ("orders", "inventory", "billing")
#: The canaries' cdk-nag acknowledgments, on top of the example's.
CANARY_ACKNOWLEDGED = {
    (f"acme-dev-svc-{service}/Canary/{path}", rule)
    for service in SERVICES
    for path, rule in (
        ("Artifacts", "AwsSolutions-S1"),
        ("Role", "AwsSolutions-IAM5[Resource::*]"),
        ("Role", "AwsSolutions-IAM5[Resource::<CanaryArtifacts7ADD0D0B.Arn>/*]"),
        (
            "Role",
            "AwsSolutions-IAM5[Resource::arn:aws:logs:eu-west-1:123456789012:log-group:"
            f"/aws/lambda/cwsyn-acme-dev-{service}-*]",
        ),
    )
}


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("cdk.out")
    result = cdk_synth(output, "config/canaries.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_every_gateway_file_under_config_is_synthesized_by_the_tests() -> None:
    assert sorted(p.name for p in (ROOT / "config").glob("*.yaml")) == [
        "canaries.yaml",
        "example.yaml",
        "multi-region.yaml",
    ]


def test_cfn_lint_passes_every_template(assembly: Path) -> None:
    templates = sorted(str(p) for p in assembly.glob("*.template.json"))
    assert len(templates) == len(STACKS)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--config-file",
         str(ROOT / ".cfnlintrc.yaml"), "--", *templates],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdk_nag_found_nothing_and_every_acknowledgment_is_known(assembly: Path) -> None:
    report = json.loads((assembly / "validation-report.json").read_text())
    assert [p for p in report["pluginReports"] if p["conclusion"] != "success"] == []
    found = acknowledgments(assembly)
    assert {k for k in found if k[1].startswith("AwsSolutions-")} == (
        ACKNOWLEDGED | CANARY_ACKNOWLEDGED
    )
    assert all(len(reason) >= 40 for reason in found.values())


def _canary_asset(assembly: Path, service: str) -> Path:
    stack = f"acme-dev-svc-{service}"
    template = json.loads((assembly / f"{stack}.template.json").read_text())
    (canary,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Synthetics::Canary"
    ]
    key = canary["Properties"]["Code"]["S3Key"]
    files = json.loads((assembly / f"{stack}.assets.json").read_text())["files"]
    (asset,) = [
        a for a in files.values() if key in [d["objectKey"] for d in a["destinations"].values()]
    ]
    assert asset["source"]["packaging"] == "zip"
    return assembly / asset["source"]["path"]


@pytest.mark.parametrize("service", SERVICES)
def test_the_canary_asset_holds_the_script_the_runner_and_the_services_checks(
    assembly: Path, service: str
) -> None:
    folder = _canary_asset(assembly, service)
    runner = Path(gateway_stack.smoke.__file__).parent
    expected = {
        "python/handler.py": (ROOT / "lambdas" / "canary" / "handler.py").read_bytes(),
        **{
            f"python/gateway_stack/smoke/{p.name}": p.read_bytes()
            for p in sorted(runner.glob("*.py"))
        },
    }
    found = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert set(found) == {*expected, "python/checks.json"}
    for name, content in expected.items():
        assert found[name] == content, name  # the package's own code, byte for byte
    (deployment,) = plan_gateway_file(GATEWAY).deployments
    checks = checks_for(deployment, services=[service])
    assert json.loads(found["python/checks.json"]) == [check.to_json() for check in checks]
    assert all(check.name.startswith(f"{service} ") for check in checks)
