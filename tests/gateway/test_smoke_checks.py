"""The smoke checks a plan gives: which calls, through which names, expecting what."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.plan import GatewayPlan, plan_gateway
from gateway_stack.gateway.smoke_checks import (
    MAX_CHECKS_PER_SERVICE,
    NO_ROUTE_TYPE,
    TOKEN_STATUSES,
    checks_for,
)
from gateway_stack.smoke import Check
from tests.conftest import EXAMPLE

SCOPED = "inventory POST /items/{sku}/reservations"


def plan_of(data: dict[str, Any]) -> GatewayPlan:
    return plan_gateway(Gateway.model_validate(data), EXAMPLE.parent)


@pytest.fixture
def checks(gateway_data: dict[str, Any]) -> list[Check]:
    return checks_for(plan_of(gateway_data), scopes_missing=[SCOPED])


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def test_every_public_name_is_checked_and_each_service_is_bounded(checks: list[Check]) -> None:
    per_service_and_name = Counter((c.name.split()[0], c.url.split("/")[2]) for c in checks)
    assert set(per_service_and_name) == {
        (service, name)
        for service in ("orders", "inventory", "billing")
        for name in ("api.example.com", "api.example.net")
    }
    assert max(per_service_and_name.values()) <= MAX_CHECKS_PER_SERVICE
    assert len(checks) == 38


def test_what_each_kind_of_call_expects(checks: list[Check]) -> None:
    named = by_name(checks)
    origin = {"Origin": "https://app.example.com"}
    unauthenticated = named["orders GET /orders without a token (api.example.com)"]
    assert unauthenticated == Check(
        name="orders GET /orders without a token (api.example.com)",
        method="GET",
        url="https://api.example.com/orders/orders",
        headers=origin,
        expect_status=(401,),
        expect_json_error=True,
        expect_cors_origin="https://app.example.com",
    )
    with_token = named["orders GET /orders/{orderId} with the token (api.example.net)"]
    assert with_token.credentials == "token"
    assert with_token.url == "https://api.example.net/orders/orders/gateway-stack-smoke"
    assert with_token.expect_status == TOKEN_STATUSES
    assert with_token.reject_error_types == (NO_ROUTE_TYPE,)
    scope = named[f"{SCOPED} without its scope (api.example.com)"]
    assert (scope.method, scope.credentials, scope.expect_status) == ("POST", "token", (403,))
    unknown = named["orders GET /gateway-stack-smoke-no-such-route unknown path (api.example.com)"]
    assert (unknown.expect_status, unknown.expect_json_error) == ((404,), True)
    preflight = named["billing OPTIONS / CORS preflight (api.example.com)"]
    assert preflight.url == "https://api.example.com/billing/v2"
    assert preflight.headers["Access-Control-Request-Method"] == "GET"
    assert (preflight.expect_status, preflight.expect_cors_origin) == (
        (204,),
        "https://app.example.com",
    )
    health = named["inventory GET /health public, without a token (api.example.com)"]
    assert (health.credentials, health.expect_status) == ("none", tuple(range(200, 300)))


def test_a_call_that_could_reach_a_backend_changes_nothing(checks: list[Check]) -> None:
    """With the token, or on a public route, only GET and HEAD are sent (an ANY route with
    GET); other methods only where the gateway refuses the call first."""
    reaching = [
        c
        for c in checks
        if (c.credentials == "token" and 403 not in c.expect_status)
        or c.name.split(" ", 3)[-1].startswith("public")
    ]
    assert reaching
    assert {c.method for c in reaching} == {"GET"}
    assert "billing ANY /{proxy+} with the token (api.example.com)" in by_name(checks)


def test_a_route_the_client_lacks_a_scope_for_is_not_called_with_the_token(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["services"][1]["routes"][2] = {"route": "GET /reports", "scopes": ["admin"]}
    plan = plan_of(gateway_data)
    named = by_name(checks_for(plan, scopes_missing=["inventory GET /reports"]))
    assert "inventory GET /reports without its scope (api.example.com)" in named
    assert "inventory GET /reports with the token (api.example.com)" not in named


def test_no_unknown_path_when_a_root_proxy_takes_every_path(checks: list[Check]) -> None:
    assert not [c for c in checks if c.name.startswith("billing") and "unknown path" in c.name]


def test_the_unknown_path_goes_deeper_than_a_root_parameter(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["services"][1]["routes"] = ["GET /{sku}", "GET /health"]
    (unknown,) = [
        c
        for c in checks_for(plan_of(gateway_data), services=["inventory"])
        if "unknown path" in c.name and "api.example.com" in c.url
    ]
    assert unknown.url == (
        "https://api.example.com/inventory/gateway-stack-smoke-no-such-route/"
        "gateway-stack-smoke-no-such-route"
    )


def test_a_base_url_replaces_the_public_names_and_without_cors_no_origin(
    gateway_data: dict[str, Any],
) -> None:
    del gateway_data["cors"]
    checks = checks_for(plan_of(gateway_data), base_url="http://127.0.0.1:8080/", with_token=False)
    assert {c.url.split("/")[2] for c in checks} == {"127.0.0.1:8080"}
    assert not [c for c in checks if c.credentials == "token"]
    assert not [c for c in checks if c.method == "OPTIONS" or c.expect_cors_origin]
    assert all("Origin" not in c.headers for c in checks)


def test_what_cannot_be_checked_is_refused_naming_it(gateway_data: dict[str, Any]) -> None:
    with pytest.raises(GatewayStackError) as caught:
        checks_for(
            plan_of(gateway_data),
            services=["payments"],
            scopes_missing=["inventory GET /items", "orders GET /nowhere"],
        )
    assert caught.value.messages == (
        "service 'payments': the gateway file has no such service "
        "(it has billing, inventory, orders)",
        "--scopes-missing-route 'inventory GET /items': the route requires no scope, so no "
        "client lacks one; name a route with scopes",
        "--scopes-missing-route 'orders GET /nowhere': no such route; write '<service> "
        "<METHOD> <path>' as the route table names it, e.g. "
        "'inventory POST /items/{sku}/reservations'",
    )


def test_checks_for_one_deployment_and_one_service(gateway_data: dict[str, Any]) -> None:
    """What a canary for one service gets."""
    plan = plan_of(gateway_data)
    checks = checks_for(plan.deployments[0], services=["orders"])
    assert {c.name.split()[0] for c in checks} == {"orders"}
    assert checks == checks_for(plan, services=["orders"])
