"""The platform's SSM parameter names: each parser reads back what its builder writes, and
nothing else."""

from __future__ import annotations

import pytest

from gateway_stack.naming import GatewayNames

NAMES = [GatewayNames("acme", "dev"), GatewayNames("big-corp", "prod-eu")]


@pytest.mark.parametrize("names", NAMES, ids=lambda n: n.prefix)
@pytest.mark.parametrize("attribute", ["vpc-link-id", "dns-name"])
def test_a_load_balancer_parameter_reads_back_its_load_balancer(
    names: GatewayNames, attribute: str
) -> None:
    for load_balancer in ("commerce", "billing-eu"):
        parameter = names.load_balancer_parameter(load_balancer, attribute)
        assert GatewayNames.load_balancer_of(parameter) == load_balancer


@pytest.mark.parametrize("names", NAMES, ids=lambda n: n.prefix)
def test_a_plan_parameter_reads_back_its_tier(names: GatewayNames) -> None:
    for tier in ("gold", "free-trial"):
        assert GatewayNames.tier_of(names.plan_parameter(tier)) == tier


@pytest.mark.parametrize(
    "parameter",
    [
        "/gateway-stack/acme/dev/domain/name",
        "/gateway-stack/acme/dev/plans/gold/throttle",
        "/gateway-stack/acme/dev/load-balancers/commerce",
        "/other-root/acme/dev/load-balancers/commerce/dns-name",
        "/other-root/acme/dev/plans/gold/id",
        "/gateway-stack/acme/dev/plans/gold/id/extra",
    ],
)
def test_other_names_read_as_none(parameter: str) -> None:
    assert GatewayNames.load_balancer_of(parameter) is None
    assert GatewayNames.tier_of(parameter) is None
