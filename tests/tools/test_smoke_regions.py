"""``smoke --region``: which region of a multi-region gateway a run checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway_stack.gateway.config import parse_gateway
from gateway_stack.gateway.plan import GatewayPlan, plan_gateway, plan_gateway_file
from gateway_stack.tools.cli import main
from gateway_stack.tools.smoke import ALL_REGIONS, COULD_NOT_RUN, CouldNotRun, deployments
from tests.conftest import EXAMPLE, ROOT
from tests.tools.regions import ADDED, HOME, MULTI_REGION, REGIONAL, synthesize_plan


def test_the_home_region_by_default(two_regions: GatewayPlan) -> None:
    assert deployments(two_regions, None) is two_regions.deployments[0]


def test_a_named_region_or_all(two_regions: GatewayPlan) -> None:
    assert deployments(two_regions, ADDED) is two_regions.deployments[1]
    assert deployments(two_regions, HOME) is two_regions.deployments[0]
    assert deployments(two_regions, ALL_REGIONS) is two_regions


def test_an_unknown_region_is_refused_naming_the_gateways(two_regions: GatewayPlan) -> None:
    with pytest.raises(CouldNotRun) as raised:
        deployments(two_regions, "ap-south-1")
    assert raised.value.message == (
        "--region ap-south-1: the gateway file has no such region (it has eu-west-1, "
        "us-east-1); 'all' checks every region"
    )


def test_all_regions_through_one_base_url_is_refused(two_regions: GatewayPlan) -> None:
    with pytest.raises(CouldNotRun) as raised:
        deployments(two_regions, ALL_REGIONS, base_url="http://127.0.0.1:8080")
    assert "one URL reaches one region" in raised.value.message


def test_a_single_region_gateway_takes_its_region_or_all() -> None:
    plan = plan_gateway_file(EXAMPLE)
    assert deployments(plan, "eu-west-1") is plan.deployments[0]
    assert deployments(plan, ALL_REGIONS, base_url="http://127.0.0.1:8080") is plan


def test_the_command_refuses_an_unknown_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke", str(EXAMPLE), "--region", "us-west-2"]) == COULD_NOT_RUN
    assert capsys.readouterr().err == (
        "smoke: --region us-west-2: the gateway file has no such region (it has eu-west-1); "
        "'all' checks every region\n"
    )


def test_each_regions_canaries_check_that_region_alone(
    tmp_path: Path, cdk_context: dict[str, Any]
) -> None:
    """config/multi-region.yaml with canaries on: every canary's checks (its asset's
    checks.json) call its own region's name, and only its service."""
    data = yaml.safe_load(MULTI_REGION.read_text())
    canaries = yaml.safe_load((ROOT / "config" / "canaries.yaml").read_text())["monitoring"]
    data["monitoring"]["canaries"] = canaries["canaries"]
    data["regions"][ADDED]["canary_credentials_secret_arn"] = (
        f"arn:aws:secretsmanager:{ADDED}:123456789012:secret:acme/dev/canary-client-Ab12Cd"
    )
    plan = plan_gateway(parse_gateway(data), MULTI_REGION.parent)
    synthesize_plan(plan, tmp_path, cdk_context)
    found = set()
    for checks_file in tmp_path.glob("asset.*/python/checks.json"):
        checks = json.loads(checks_file.read_text())
        hosts = {check["url"].split("/")[2] for check in checks}
        services = {check["name"].split()[0] for check in checks}
        assert len(hosts) == 1, hosts
        assert len(services) == 1, services
        found.add((hosts.pop(), services.pop()))
    assert found == {
        (REGIONAL[HOME], "orders"),
        (REGIONAL[HOME], "inventory"),
        (REGIONAL[HOME], "billing"),
        (REGIONAL[ADDED], "orders"),
        (REGIONAL[ADDED], "inventory"),
    }
