"""The example gateway through the real CDK CLI: templates, cfn-lint, cdk-nag, clean output."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from gateway_stack.assembly import CloudAssembly
from tests.synth.cli import ROOT, acknowledgments, cdk_synth

STACKS = [
    "acme-dev-platform",
    "acme-dev-svc-orders",
    "acme-dev-svc-inventory",
    "acme-dev-svc-billing",
]


def test_one_template_per_stack(assembly: Path) -> None:
    stacks = CloudAssembly.read(assembly).stacks
    assert [s.name for s in stacks] == STACKS
    for stack in stacks:
        assert stack.path == assembly / f"{stack.name}.template.json"
        assert stack.assets == assembly / f"{stack.name}.assets.json"
        assert 0 < len(stack.resources) < 450
        assert stack.path.stat().st_size < 800_000


def test_no_context_lookup_was_needed(assembly: Path) -> None:
    manifest = json.loads((assembly / "manifest.json").read_text())
    assert "missing" not in manifest
    assert not (ROOT / "cdk.context.json").exists()


def test_service_stacks_deploy_after_the_platform(assembly: Path) -> None:
    artifacts = json.loads((assembly / "manifest.json").read_text())["artifacts"]
    for name in STACKS[1:]:
        assert "acme-dev-platform" in artifacts[name]["dependencies"]


def test_cfn_lint_passes_every_template(assembly: Path) -> None:
    templates = sorted(str(p) for p in assembly.glob("*.template.json"))
    assert len(templates) == len(STACKS)
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--config-file",
            str(ROOT / ".cfnlintrc.yaml"),
            "--",
            *templates,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cdk_nag_found_nothing_unacknowledged(assembly: Path) -> None:
    report = json.loads((assembly / "validation-report.json").read_text())
    failures = [p for p in report["pluginReports"] if p["conclusion"] != "success"]
    assert failures == []


#: Every cdk-nag finding the example acknowledges: a new one must be added here, in review.
ACKNOWLEDGED = {
    (
        "acme-dev-platform/ApiGatewayAccount/CloudWatchRole",
        "AwsSolutions-IAM4[Policy::arn:"
        "<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
    ),
    ("acme-dev-platform/Backends/commerce/LoadBalancer", "AwsSolutions-ELB2"),
    (
        "acme-dev-platform/Authorizer/Function",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:"
        "iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    ),
    ("acme-dev-platform/Authorizer/Function", "AwsSolutions-IAM5[Resource::*]"),
    (
        "acme-dev-platform/UsagePlans/Membership",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:"
        "iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    ),
    (
        "acme-dev-platform/UsagePlans/Membership",
        "AwsSolutions-IAM5[Resource::arn:aws:apigateway:eu-west-1::/usageplans/*]",
    ),
    (
        "acme-dev-platform/UsagePlans/Membership",
        "AwsSolutions-IAM5[Resource::arn:aws:"
        "cloudformation:eu-west-1:123456789012:stack/acme-dev-svc-*/*]",
    ),
    (
        "acme-dev-platform/Authorizer/Function",
        "AwsSolutions-IAM5[Resource::arn:aws:ssm:"
        "eu-west-1:123456789012:parameter/gateway-stack/acme/dev/permissions/*]",
    ),
    ("acme-dev-platform/Backends/billing/LoadBalancer", "AwsSolutions-ELB2"),
    # Request validators live in the OpenAPI body, where cdk-nag does not look (see
    # nag.validation_reason). WAF is on, so no stage acknowledges APIG3.
    *(
        (f"acme-dev-svc-{service}/Service/Api", "AwsSolutions-APIG2")
        for service in ("orders", "inventory", "billing")
    ),
}


def test_every_acknowledgment_is_known_and_carries_a_reason(assembly: Path) -> None:
    found = acknowledgments(assembly)
    # CDK acknowledges a few of its own built-in template checks ("CloudFormation-Validate::").
    assert {key for key in found if key[1].startswith("AwsSolutions-")} == ACKNOWLEDGED
    for key, reason in found.items():
        assert len(reason) >= 40, key


def test_cli_output_is_clean(example_synth: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    """Nothing but the CLI's own progress lines: no Node.js banner, warning or traceback."""
    printed = (example_synth[1].stdout + example_synth[1].stderr).splitlines()
    expected = ("Bundling asset ", "Successfully synthesized to ", "Supply a stack id ")
    assert [line for line in printed if line.strip() and not line.startswith(expected)] == []


def test_a_broken_gateway_file_fails_cleanly_and_writes_nothing(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi")
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "config" / "example.yaml").read_text()
    broken.write_text(text.replace("port: 8443", "port: 99999").replace("tier: gold", "tier: x"))
    output = tmp_path / "out"
    result = cdk_synth(output, broken)
    assert result.returncode != 0
    assert f"{broken}: services[2].backend.port: must be at most 65535" in (result.stderr)
    assert f"{broken}: clients[0].tier: unknown tier 'x'" in result.stderr
    assert "2 errors; nothing was synthesized." in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not list(output.glob("*.template.json"))


def test_summary_lists_stacks_with_sizes_and_services_with_backends(assembly: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway_stack", "summary", "--cdk-out", str(assembly)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    for stack in CloudAssembly.read(assembly).stacks:
        (row,) = [line for line in lines if line.strip().startswith(stack.name + " ")]
        assert f"{len(stack.resources)}/500" in row
        assert f"{stack.path.stat().st_size / 1024:.1f} KB" in row
    (billing,) = [line for line in lines if line.strip().startswith("billing ")]
    assert "/billing/v2" in billing
    assert "billing:8443" in billing
    assert "acme-dev-svc-billing" in billing


def test_make_clients_lists_clients_tiers_limits_and_overrides() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway_stack", "clients"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert (
        "| partner-globex | acme-dev-partner-globex | bronze | 10 | 20 | 100000/MONTH | yes |"
        in result.stdout
    )
    assert "| mobile-app | acme-dev-mobile-app | gold | 200 | 400 | none | yes |" in result.stdout
    assert "| orders | gold | 50 | 100 |" in result.stdout
    assert "| gold | orders POST /orders | 20 | 40 |" in result.stdout


def test_the_command_lines_docstring_lists_every_command_and_option() -> None:
    from gateway_stack.tools import cli

    assert cli.__doc__ is not None
    text = cli.__doc__.replace("\n" + " " * 31 + "[", " [")  # a usage continued on a new line
    usage = {
        line.split()[3]: line
        for line in text.splitlines()
        if line.startswith("python -m gateway_stack ")
    }
    (commands,) = [a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(usage) == sorted(commands.choices)
    positionals = {"gateway": "[GATEWAY]", "templates": "[TEMPLATE ...]", "folder": "[FOLDER]"}
    for name, parser in commands.choices.items():
        for action in parser._actions:
            if action.dest == "help":
                continue
            if isinstance(action, argparse._SubParsersAction):  # credentials set|rotate|revoke
                assert "|".join(action.choices) in usage[name], (name, list(action.choices))
                for sub in action.choices.values():
                    for option in sub._actions:
                        shown = option.option_strings[0] if option.option_strings else None
                        shown = shown or option.dest.upper()  # GATEWAY CLIENT
                        assert option.dest == "help" or shown in usage[name], (name, shown)
                continue
            shown = action.option_strings[0] if action.option_strings else positionals[action.dest]
            assert shown in usage[name], (name, shown)
