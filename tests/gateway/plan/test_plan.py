"""The plan of the example gateway: its deployment and stacks, and what each service's stack
gets, resolved before any construct exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway_stack.gateway.plan import (
    ApiMapping,
    DocumentPlace,
    FilePlace,
    GatewayPlan,
    StackRole,
    StagePlan,
    plan_gateway_file,
)
from gateway_stack.models.plan_throttle import WHOLE_STAGE, PlanThrottle
from gateway_stack.models.throttle import Throttle
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi.document import operations
from gateway_stack.openapi.validation import VALIDATOR
from tests.gateway.plan.support import line_of

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "config" / "example.yaml"


@pytest.fixture(scope="module")
def plan() -> GatewayPlan:
    return plan_gateway_file(EXAMPLE)


def test_one_deployment_with_the_platform_stack_then_one_stack_per_service(
    plan: GatewayPlan,
) -> None:
    assert plan.names == GatewayNames("acme", "dev")
    assert plan.source == str(EXAMPLE)
    (deployment,) = plan.deployments
    assert (deployment.environment, deployment.account, deployment.region) == (
        "dev",
        "123456789012",
        "eu-west-1",
    )
    assert deployment.partition == "aws"
    assert [(s.name, s.role, s.service and s.service.name) for s in deployment.stacks] == [
        ("acme-dev-platform", StackRole.PLATFORM, None),
        ("acme-dev-svc-orders", StackRole.SERVICE, "orders"),
        ("acme-dev-svc-inventory", StackRole.SERVICE, "inventory"),
        ("acme-dev-svc-billing", StackRole.SERVICE, "billing"),
    ]
    assert deployment.platform_stack.description == "Gateway acme (dev): shared platform"
    assert deployment.service_stacks[2].description == "Gateway acme (dev): service billing"
    # The names are built once and passed down, not rebuilt per stack.
    assert deployment.platform.names is plan.names
    assert all(service.names is plan.names for service in deployment.services)


def test_the_platform_gets_each_load_balancer_with_the_ports_of_its_services(
    plan: GatewayPlan,
) -> None:
    backends = plan.deployments[0].platform.backends
    assert [(b.name, b.ports) for b in backends] == [
        ("commerce", (8080, 8081)),
        ("billing", (8443,)),
    ]


def test_each_service_gets_its_routes_from_its_document_route_list_or_the_proxy(
    plan: GatewayPlan,
) -> None:
    deployment = plan.deployments[0]
    orders, inventory, billing = deployment.services
    assert [r.key for r in orders.routes] == [
        "GET /orders",
        "POST /orders",
        "GET /orders/{orderId}",
        "DELETE /orders/{orderId}",
        "POST /orders/{orderId}/refunds",
    ]
    assert [r.key for r in inventory.routes] == [
        "GET /items",
        "GET /items/{sku}",
        "POST /items/{sku}/reservations",
        "GET /warehouses",
        "GET /health",
    ]
    assert [r.key for r in billing.routes] == ["ANY /", "ANY /{proxy+}"]
    # Where each route is written, for messages.
    document = str(ROOT / "config" / "openapi" / "orders.yaml")
    assert orders.route_places["POST /orders"] == DocumentPlace(
        document, "/paths/~1orders/post", line_of(Path(document), "    post:")
    )
    assert inventory.route_places["GET /warehouses"] == FilePlace(("services", 1, "routes", 3))
    # Its health check is public (the plan says so, for Route 53 health checks).
    assert [route.key for route in inventory.public_routes] == ["GET /health"]
    assert orders.public_routes == billing.public_routes == ()
    assert billing.route_places["ANY /{proxy+}"] == FilePlace(("services", 2))
    assert deployment.service("inventory") is inventory


def test_the_body_carries_the_gateways_authorizer_key_source_and_cors(plan: GatewayPlan) -> None:
    body = plan.deployments[0].service("orders").definition.body
    assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    scheme = body["components"]["securitySchemes"]["gateway-authorizer"]
    assert scheme["x-amazon-apigateway-authorizer"]["authorizerUri"] == (
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer/invocations"
    )
    assert "options" in body["paths"]["/orders"]  # the CORS preflight


def test_validators_timeout_and_resources_are_resolved_once(plan: GatewayPlan) -> None:
    orders, inventory, billing = plan.deployments[0].services
    for service in (orders, inventory, billing):
        body = service.definition.body
        assert service.definition.validated_operations == sum(
            1 for _, _, op in operations(body) if VALIDATOR in op
        )
    assert (
        orders.definition.validated_operations,
        inventory.definition.validated_operations,
    ) == (2, 0)
    # orders: a MOCK aside, its 29 s default; inventory: its own 5 s
    assert (
        orders.definition.longest_timeout_ms,
        inventory.definition.longest_timeout_ms,
    ) == (29000, 5000)
    assert inventory.resource_paths == {
        "/",
        "/items",
        "/items/{sku}",
        "/items/{sku}/reservations",
        "/warehouses",
        "/health",
    }


def test_stage_mappings_plans_and_alarms(plan: GatewayPlan) -> None:
    orders, inventory, billing = plan.deployments[0].services
    assert inventory.stage == StagePlan(
        name="dev",
        throttle=Throttle(rate_limit=500, burst_limit=1000),
        access_log_retention_days=90,
        cache_size_gb="0.5",
        access_log_kms_key="create",
    )
    assert billing.mappings == (
        ApiMapping("api.example.com", "billing/v2"),
        ApiMapping("api.example.net", "billing/v2"),
    )
    assert billing.web_acl is True
    assert orders.tiers == ("bronze", "gold")
    assert orders.plan_overrides == {
        "gold": (
            PlanThrottle(Throttle(rate_limit=50, burst_limit=100), (WHOLE_STAGE,)),
            PlanThrottle(Throttle(rate_limit=20, burst_limit=40), ("/orders/POST",)),
        )
    }
    assert inventory.plan_overrides == {}
    assert billing.alarms is not None
    assert (billing.alarms.server_error_rate_percent, billing.alarms.latency_p99_ms) == (1, 10000)
    assert orders.alarms is not None
    assert orders.alarms.latency_p99_timeout_percent == 80
    assert (orders.alarm_topic_arn, orders.dashboard) == (None, True)
