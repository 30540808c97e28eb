"""``smoke --region``: which region of a multi-region gateway a run checks."""

from __future__ import annotations

import pytest

from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
from gateway_stack.tools.cli import main
from gateway_stack.tools.smoke import ALL_REGIONS, COULD_NOT_RUN, CouldNotRun, deployments
from tests.conftest import EXAMPLE
from tests.tools.regions import ADDED, HOME


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
