"""A multi-region gateway's smoke checks: each deployment's go through its region's own name,
so a run (and each region's canary) tests that region alone."""

from __future__ import annotations

from collections import Counter

import pytest

from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
from gateway_stack.gateway.smoke_checks import checks_for, regional_name
from gateway_stack.smoke import Check
from tests.tools.regions import ADDED, HOME, MULTI_REGION, REGIONAL


@pytest.fixture(scope="module")
def two_regions() -> GatewayPlan:
    """config/multi-region.yaml: eu-west-1 and us-east-1 (orders and inventory only)."""
    return plan_gateway_file(MULTI_REGION)


def hosts(checks: list[Check]) -> Counter[str]:
    return Counter(check.url.split("/")[2] for check in checks)


def test_a_deployment_is_checked_through_its_regions_own_name(two_regions: GatewayPlan) -> None:
    home, added = two_regions.deployments
    assert regional_name(home) == REGIONAL[HOME]
    assert regional_name(added) == REGIONAL[ADDED]
    home_checks = checks_for(home, scopes_missing=["inventory POST /items/{sku}/reservations"])
    assert set(hosts(home_checks)) == {REGIONAL[HOME]}  # never api.example.com / .net
    added_checks = checks_for(added, with_token=False)
    assert set(hosts(added_checks)) == {REGIONAL[ADDED]}
    # The added region has orders and inventory only, each under its base path on that name.
    assert {c.url.split("/")[3] for c in added_checks} == {"orders", "inventory"}
    assert all(c.name.endswith(f"({REGIONAL[ADDED]})") for c in added_checks)


def test_the_whole_plan_checks_every_region_once(two_regions: GatewayPlan) -> None:
    home, added = two_regions.deployments
    every = checks_for(two_regions, with_token=False)
    assert every == checks_for(home, with_token=False) + checks_for(added, with_token=False)
    assert set(hosts(every)) == {REGIONAL[HOME], REGIONAL[ADDED]}


def test_a_base_url_still_replaces_the_name(two_regions: GatewayPlan) -> None:
    added = two_regions.deployments[1]
    checks = checks_for(added, base_url="http://127.0.0.1:8080", with_token=False)
    assert set(hosts(checks)) == {"127.0.0.1:8080"}


def test_the_same_checks_in_each_region_but_the_name(two_regions: GatewayPlan) -> None:
    home, added = two_regions.deployments
    orders = [
        (c.method, c.url.replace(REGIONAL[HOME], "R"), c.expect_status)
        for c in checks_for(home, services=["orders"])
    ]
    assert orders == [
        (c.method, c.url.replace(REGIONAL[ADDED], "R"), c.expect_status)
        for c in checks_for(added, services=["orders"])
    ]
