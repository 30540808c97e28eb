"""The platform's policy for a multi-region gateway: Guard rules per region (a template deploys
to one region, and is checked against that region's rules), one IAM boundary naming every
region (IAM is global: one managed policy per account)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
from gateway_stack.tools.policy.check import (
    BOUNDARY_FILE,
    RULES_FILE,
    check_plan_templates,
    check_templates,
    write_policies,
    write_policy,
)
from tests.conftest import EXAMPLE
from tests.synth.test_policy import allowed
from tests.tools.regions import ADDED, HOME, REGIONAL

ACCOUNT = "123456789012"
SSM = "arn:aws:ssm:{region}:123456789012:parameter/gateway-stack/acme/dev"


HEALTH_CHECK = "arn:aws:route53:::healthcheck/abcdef11-2222-3333-4444-555555fedcba"
ALARM_WRITES = (
    "cloudwatch:PutMetricAlarm",
    "cloudwatch:DeleteAlarms",
    "cloudwatch:SetAlarmState",
    "cloudwatch:DisableAlarmActions",
)


def apigw(region: str) -> str:
    return f"arn:aws:apigateway:{region}::"


def alarm(region: str, name: str) -> str:
    return f"arn:aws:cloudwatch:{region}:{ACCOUNT}:alarm:{name}"


@pytest.fixture(scope="module")
def written(two_regions: GatewayPlan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("policy")
    paths = write_policies(two_regions, folder)
    assert [p.name for p in paths] == [RULES_FILE, f"service-stacks.{ADDED}.guard", BOUNDARY_FILE]
    return folder


def test_each_regions_rules_name_its_function_and_its_own_name(written: Path) -> None:
    home = (written / RULES_FILE).read_text()
    added = (written / f"service-stacks.{ADDED}.guard").read_text()
    membership = f"arn:aws:lambda:{{}}:{ACCOUNT}:function:acme-dev-plan-membership"
    assert home.startswith(
        "# CloudFormation Guard rules for the service stacks of gateway acme (dev) in eu-west-1."
    )
    assert membership.format(HOME) in home
    assert membership.format(ADDED) not in home
    assert membership.format(ADDED) in added
    assert f"'{REGIONAL[HOME]}'" in home
    assert f"'{REGIONAL[ADDED]}'" not in home
    assert f"'{REGIONAL[ADDED]}'" in added
    assert "'api.example.com'" in added


def _service_templates(assembly: CloudAssembly) -> list[Path]:
    return [stack.path for stack in assembly.stacks if "-svc-" in stack.name]


def test_every_regions_service_stacks_pass_their_regions_rules(
    two_regions: GatewayPlan, two_region_assembly: CloudAssembly
) -> None:
    templates = _service_templates(two_region_assembly)
    assert len(templates) == 5
    result = check_plan_templates(two_regions, templates)
    assert result.passed, result.output


def test_a_template_of_one_region_breaks_the_others_rules(
    two_regions: GatewayPlan, two_region_assembly: CloudAssembly
) -> None:
    """The membership function is regional: us-east-1's stack fails eu-west-1's rules."""
    stack = two_region_assembly.stack("acme-dev-us-east-1-svc-orders")
    assert stack is not None
    result = check_templates(two_regions.deployments[0].platform, [stack.path])
    assert not result.passed
    assert "plans_joined_only_through_the_platforms_function" in result.output


def _boundary(written: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((written / BOUNDARY_FILE).read_text())
    return document


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        ("apigateway:POST", f"{apigw(ADDED)}/restapis", True),
        ("apigateway:POST", f"{apigw(HOME)}/restapis", True),
        ("apigateway:POST", f"{apigw('ap-south-1')}/restapis", False),  # no region of the gateway
        ("apigateway:POST", f"{apigw(ADDED)}/domainnames/api.example.com/apimappings", True),
        ("apigateway:POST", f"{apigw(ADDED)}/domainnames/{REGIONAL[ADDED]}/apimappings", True),
        ("apigateway:POST", f"{apigw(HOME)}/domainnames/{REGIONAL[HOME]}/apimappings", True),
        # A region's own name is mapped in that region only.
        ("apigateway:POST", f"{apigw(ADDED)}/domainnames/{REGIONAL[HOME]}/apimappings", False),
        ("apigateway:POST", f"{apigw(ADDED)}/vpclinks", False),
        ("apigateway:POST", f"{apigw(ADDED)}/apikeys", False),
        ("ssm:PutParameter", SSM.format(region=ADDED) + "/load-balancers/commerce/dns-name", False),
        ("ssm:PutParameter", SSM.format(region=HOME) + "/domain/names", False),
        ("ssm:PutParameter", SSM.format(region=ADDED) + "/permissions/a1b2c3", True),
        (
            "wafv2:UpdateWebACL",
            f"arn:aws:wafv2:{ADDED}:{ACCOUNT}:regional/webacl/acme-dev/id",
            False,
        ),
        ("sns:DeleteTopic", f"arn:aws:sns:{ADDED}:{ACCOUNT}:acme-dev-alarms", False),
        ("sns:DeleteTopic", f"arn:aws:sns:{HOME}:{ACCOUNT}:acme-dev-alarms", False),
        # The health checks the DNS records follow, and the alarm they watch in each region.
        ("route53:UpdateHealthCheck", HEALTH_CHECK, False),
        ("route53:DeleteHealthCheck", HEALTH_CHECK, False),
        ("route53:ChangeTagsForResource", HEALTH_CHECK, False),
        ("route53:CreateHealthCheck", "*", False),  # no resource-level permission
        ("route53:ChangeTagsForResource", "arn:aws:route53:::hostedzone/Z1", True),
        ("route53:GetHealthCheckStatus", HEALTH_CHECK, True),
        ("cloudwatch:SetAlarmState", alarm(ADDED, "acme-dev-authorizer-region-health"), False),
        ("cloudwatch:DisableAlarmActions", alarm(HOME, "acme-dev-authorizer-region-health"), False),
        ("cloudwatch:DeleteAlarms", alarm(ADDED, "acme-dev-authorizer-failures"), False),
        ("cloudwatch:DescribeAlarms", alarm(ADDED, "acme-dev-authorizer-region-health"), True),
        ("cloudwatch:PutMetricAlarm", alarm(ADDED, "acme-dev-orders-latency-p99"), True),
    ],
)
def test_one_boundary_covers_every_region(
    written: Path, action: str, resource: str, expected: bool
) -> None:
    assert allowed(_boundary(written), action, resource, {}) is expected


def test_the_platforms_alarms_are_denied_and_the_services_own_are_not(
    written: Path, two_region_assembly: CloudAssembly
) -> None:
    """Every alarm a platform stack synthesizes (in each region) is out of a service team's
    reach; every alarm of a service stack stays in it, though they share the name prefix."""
    boundary = _boundary(written)
    platform: list[str] = []
    services: list[str] = []
    for stack in two_region_assembly.stacks:
        for _, resource in stack.of_type("AWS::CloudWatch::Alarm"):
            arn = alarm(stack.region, resource["Properties"]["AlarmName"])
            (platform if stack.name.endswith("-platform") else services).append(arn)
    assert alarm(ADDED, "acme-dev-authorizer-region-health") in platform
    assert alarm(HOME, "acme-dev-authorizer-region-health") in platform
    assert len(platform) == 6  # failures, throttles, region-health in each of the two regions
    assert services
    assert all(":alarm:acme-dev-" in arn for arn in services)  # the same prefix
    for action in ALARM_WRITES:
        assert [arn for arn in platform if allowed(boundary, action, arn, {})] == []
        assert [arn for arn in services if not allowed(boundary, action, arn, {})] == []


def test_a_single_region_gateways_files_are_unchanged(tmp_path: Path) -> None:
    plan = plan_gateway_file(EXAMPLE)
    one = write_policy(plan.deployments[0].platform, tmp_path / "one")
    every = write_policies(plan, tmp_path / "every")
    assert [p.name for p in every] == [p.name for p in one] == [RULES_FILE, BOUNDARY_FILE]
    for before, after in zip(one, every, strict=True):
        assert before.read_text() == after.read_text()
    boundary = json.loads(one[1].read_text())
    waf = next(s for s in boundary["Statement"] if s["Sid"] == "NoChangesToThePlatformsWebAcl")
    assert waf["Resource"] == (  # one region: the single ARN, as before
        f"arn:aws:wafv2:{HOME}:{ACCOUNT}:regional/webacl/acme-dev/*"
    )
    # One region: its authorizer's two alarms, and no health check (there is none to protect).
    alarms = next(s for s in boundary["Statement"] if s["Sid"] == "NoChangesToThePlatformsAlarms")
    assert alarms["Resource"] == [
        alarm(HOME, "acme-dev-authorizer-failures"),
        alarm(HOME, "acme-dev-authorizer-throttles"),
    ]
    assert not [s for s in boundary["Statement"] if "HealthCheck" in s["Sid"]]
