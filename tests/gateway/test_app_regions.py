"""``build_gateway`` on a gateway in several regions: every region's stacks, each in its own
region, none referring to another region's; the home region's stacks as the return value,
as existing callers use it."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from gateway_stack.gateway.app import GatewayStacks, build_gateway
from gateway_stack.gateway.plan import plan_gateway_file
from tests.gateway.stacks import CONFIG


@pytest.fixture(scope="module")
def built(cdk_context: dict[str, Any]) -> GatewayStacks:
    app = cdk.App(context=cdk_context)
    return build_gateway(app, plan_gateway_file(CONFIG / "multi-region.yaml"), nag=False)


def test_every_region_is_built_and_the_home_regions_stacks_are_returned(
    built: GatewayStacks,
) -> None:
    assert built.region == "eu-west-1"
    assert built.platform.stack_name == "acme-dev-platform"
    assert list(built.services) == ["orders", "inventory", "billing"]
    assert [d.region for d in built.deployments] == ["eu-west-1", "us-east-1"]
    (added,) = built.others
    assert added.platform.stack_name == "acme-dev-us-east-1-platform"
    assert {n: s.stack_name for n, s in added.services.items()} == {
        "orders": "acme-dev-us-east-1-svc-orders",
        "inventory": "acme-dev-us-east-1-svc-inventory",
    }
    for deployment in built.deployments:
        for stack in (deployment.platform, *deployment.services.values()):
            assert (stack.account, stack.region) == ("123456789012", deployment.region)
    # A service stack waits for its own region's platform, and for nothing in another region.
    for stack in added.services.values():
        assert stack.dependencies == [added.platform]


def test_no_template_refers_to_another_regions_stack(built: GatewayStacks) -> None:
    home, added = built.deployments
    names = {
        d.region: [s.stack_name for s in (d.platform, *d.services.values())]
        for d in built.deployments
    }
    for deployment, other in ((home, added), (added, home)):
        for stack in (deployment.platform, *deployment.services.values()):
            text = json.dumps(Template.from_stack(stack).to_json())
            assert "Fn::ImportValue" not in text
            assert '"Export"' not in text
            assert not [name for name in names[other.region] if name in text], stack.stack_name


def test_an_added_regions_service_dashboard_carries_the_region(built: GatewayStacks) -> None:
    home, added = built.deployments
    Template.from_stack(added.services["orders"]).has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "acme-dev-us-east-1-orders"}
    )
    Template.from_stack(home.services["orders"]).has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "acme-dev-orders"}
    )
    # The API keeps its name: API Gateway's names are regional.
    Template.from_stack(added.services["orders"]).has_resource_properties(
        "AWS::ApiGateway::RestApi", {"Name": "acme-dev-orders"}
    )


def test_each_service_is_mapped_on_its_regions_own_name(built: GatewayStacks) -> None:
    for deployment in built.deployments:
        template = Template.from_stack(deployment.services["inventory"])
        mappings = template.find_resources("AWS::ApiGatewayV2::ApiMapping")
        assert sorted(m["Properties"]["DomainName"] for m in mappings.values()) == [
            "api.example.com",
            "api.example.net",
            f"{deployment.region}.api.example.com",
        ]
