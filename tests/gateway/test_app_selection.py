"""A selective build (``build_gateway(..., services=...)``, the app's ``services`` context):
every region's platform stack and only the named services' stacks, each the same template a
full build gives; the names checked against the gateway file's services."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.app import SelectionError, build_gateway, select_services
from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
from tests.gateway.stacks import CONFIG

EXAMPLE = CONFIG / "example.yaml"
MULTI_REGION = CONFIG / "multi-region.yaml"


@pytest.fixture(scope="module")
def example() -> GatewayPlan:
    return plan_gateway_file(EXAMPLE)


@pytest.fixture(scope="module")
def multi_region() -> GatewayPlan:
    return plan_gateway_file(MULTI_REGION)


def stack_names(app: cdk.App) -> list[str]:
    """The stacks added to ``app``, in the order they were added."""
    return [child.stack_name for child in app.node.children if isinstance(child, cdk.Stack)]


@pytest.mark.parametrize("value", [None, "", " , ", []])
def test_no_selection_is_every_service(example: GatewayPlan, value: Any) -> None:
    assert select_services(example, value) is None


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("orders", {"orders"}),
        (" orders , inventory ", {"orders", "inventory"}),
        ("orders,orders", {"orders"}),
        (["inventory", "orders"], {"orders", "inventory"}),  # a list, from cdk.json
    ],
)
def test_a_comma_list_or_a_list_selects_those_services(
    example: GatewayPlan, value: Any, names: set[str]
) -> None:
    assert select_services(example, value) == names


def test_an_unknown_service_is_refused_naming_the_file_and_its_services(
    example: GatewayPlan,
) -> None:
    with pytest.raises(SelectionError) as refused:
        select_services(example, "orders,payments,refunds")
    assert refused.value.messages == (
        f"context services=orders,payments,refunds: payments, refunds: not a service of "
        f"{example.source} (its services: orders, inventory, billing)",
    )
    assert isinstance(refused.value, GatewayStackError)  # the app prints it, no traceback


@pytest.mark.parametrize("value", [3, {"orders": True}, ["orders", 1]])
def test_a_value_that_is_not_a_list_of_names_is_refused(example: GatewayPlan, value: Any) -> None:
    with pytest.raises(SelectionError, match="is not a comma list of service names"):
        select_services(example, value)


def test_every_regions_platform_and_the_named_services_stacks_in_each_of_their_regions(
    multi_region: GatewayPlan, cdk_context: dict[str, Any]
) -> None:
    app = cdk.App(context=cdk_context)
    built = build_gateway(app, multi_region, nag=False, services={"orders"})
    assert stack_names(app) == [
        "acme-dev-platform",
        "acme-dev-svc-orders",
        "acme-dev-us-east-1-platform",
        "acme-dev-us-east-1-svc-orders",
    ]
    assert [list(d.services) for d in built.deployments] == [["orders"], ["orders"]]
    _, added = built.deployments
    assert added.services["orders"].dependencies == [added.platform]
    assert added.services["orders"].region == "us-east-1"


def test_a_service_in_the_home_region_only_adds_no_stack_to_the_other(
    multi_region: GatewayPlan, cdk_context: dict[str, Any]
) -> None:
    app = cdk.App(context=cdk_context)
    build_gateway(app, multi_region, nag=False, services={"billing", "inventory"})
    assert stack_names(app) == [
        "acme-dev-platform",
        "acme-dev-svc-inventory",
        "acme-dev-svc-billing",
        "acme-dev-us-east-1-platform",
        "acme-dev-us-east-1-svc-inventory",
    ]


def test_the_selected_stacks_are_the_templates_a_full_build_makes(
    example: GatewayPlan, cdk_context: dict[str, Any]
) -> None:
    """Nothing in the platform or a service's stack depends on which services are built."""
    full = build_gateway(cdk.App(context=cdk_context), example, nag=False)
    selective = build_gateway(cdk.App(context=cdk_context), example, nag=False, services=["orders"])
    assert list(selective.services) == ["orders"]
    for chosen, whole in (
        (selective.platform, full.platform),
        (selective.services["orders"], full.services["orders"]),
    ):
        assert Template.from_stack(chosen).to_json() == Template.from_stack(whole).to_json()


def test_build_gateway_refuses_an_unknown_service_before_adding_a_stack(
    example: GatewayPlan, cdk_context: dict[str, Any]
) -> None:
    app = cdk.App(context=cdk_context)
    with pytest.raises(SelectionError, match="payments: not a service of"):
        build_gateway(app, example, nag=False, services=["payments"])
    assert stack_names(app) == []
