"""The checks the plan runs before synth, each on a small crafted gateway file: the message
names the file, the place (a key of the file with its line, or the document's operation) and
the rule, and says what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway_stack.gateway.config import GatewayFileError
from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.limits import MAX_API_MAPPINGS, MAX_VPC_LINKS
from tests.gateway.config.test_config import write
from tests.gateway.plan.support import line_of, refusals

ROOT = Path(__file__).resolve().parents[3]


def test_a_route_shadowed_by_a_longer_base_path_names_the_route_in_the_file(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["allowlist"]["base_paths"].append("billing")
    gateway_data["services"].append(
        {
            "name": "legacy-billing",
            "base_path": "billing",
            "backend": {"load_balancer": "billing", "port": 8443},
            "routes": ["GET /invoices", "GET /v2/summary"],
        }
    )
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: services[3].routes[1]: service 'legacy-billing' (base path 'billing'): route "
        "GET /v2/summary can never be called: API Gateway sends /billing/v2/... to service "
        "'billing', whose base path 'billing/v2' is the longer match. Rename the route, or move "
        f"one of the base paths (line {line_of(path, '- GET /v2/summary')})"
    ]


def test_a_route_shadowed_in_a_document_names_the_documents_operation(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["allowlist"]["base_paths"].append("orders/orders")
    gateway_data["services"].append(
        {
            "name": "orders-lookup",
            "base_path": "orders/orders",
            "backend": {"load_balancer": "commerce", "port": 8080},
            "routes": ["GET /{id}"],
        }
    )
    path = write(tmp_path, gateway_data)
    messages = refusals(path)
    document = tmp_path / "openapi" / "orders.yaml"
    assert messages[0] == (
        f"{document}: /paths/~1orders/get: service 'orders' (base path 'orders'): route "
        "GET /orders can never be called: API Gateway sends /orders/orders/... to service "
        "'orders-lookup', whose base path 'orders/orders' is the longer match. Rename the "
        f"route, or move one of the base paths (line {line_of(document, '    get:')})"
    )
    assert len(messages) == 5  # every route of the orders document is under /orders


def test_two_services_on_one_base_path_are_refused_with_the_files_other_errors(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["services"][1]["base_path"] = "orders"
    gateway_data["services"][2]["forward_context"] = {"X Client": "clientId"}
    path = write(tmp_path, gateway_data)
    with pytest.raises(GatewayFileError) as caught:
        plan_gateway_file(path)
    messages = [m.rpartition(" (line ")[0] for m in caught.value.messages]
    assert messages == [
        f"{path}: services[1].base_path: duplicate base path 'orders': services[0] has it already",
        f"{path}: services[2].forward_context: the key 'X Client' must be a header name: "
        "letters, digits and '-'",
    ]


def test_a_tier_route_throttle_must_name_a_route_the_service_has(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["tiers"]["gold"]["route_throttles"] = {
        "orders DELETE /orders": {"rate_limit": 1, "burst_limit": 1}
    }
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: tiers.gold.route_throttles.orders DELETE /orders: service 'orders' has no "
        "route DELETE /orders; its routes: DELETE /orders/{orderId}, GET /orders, "
        "GET /orders/{orderId}, POST /orders, POST /orders/{orderId}/refunds. Name one of "
        "them, or remove the throttle "
        f"(line {line_of(path, 'orders DELETE /orders') + 1})"  # where its value starts
    ]


def test_a_cached_route_needs_a_cache_cluster(tmp_path: Path, gateway_data: dict[str, Any]) -> None:
    del gateway_data["services"][1]["cache_size_gb"]
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: services[1].routes[1]: route GET /items/{{sku}} caches responses "
        "(cache_ttl_seconds), but service 'inventory' has no cache cluster: set its "
        "cache_size_gb (services[1].cache_size_gb), or stop caching the route "
        f"(line {line_of(path, 'route: GET /items/{sku}')})"
    ]


def test_a_service_over_the_resources_quota_is_refused(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["services"][1]["routes"] = [f"GET /r{i}" for i in range(300)]
    del gateway_data["services"][1]["public_routes"]
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: services[1]: service 'inventory': its routes make 301 API resources, over API "
        "Gateway's quota of 300 resources per REST API: split a dense base path into a service "
        "of its own (one API per dense base path), or ask AWS to raise the quota "
        f"(line {line_of(path, 'name: inventory')})"
    ]


def test_over_200_api_mappings_on_a_domain_name_are_refused(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    del gateway_data["allowlist"]
    gateway_data["services"] = [
        {**gateway_data["services"][2], "name": f"s{i}", "base_path": f"billing/v{i}"}
        for i in range(MAX_API_MAPPINGS + 1)
    ]
    gateway_data["tiers"]["gold"]["route_throttles"] = {}
    path = write(tmp_path, gateway_data)
    line = line_of(path, "services:") + 1  # where the list starts
    assert refusals(path) == [
        f"{path}: services: 201 API mappings on {name} (one per service): API Gateway allows "
        "200 per domain name, and the quota cannot be raised. Serve the rest under another "
        f"domain name, i.e. another gateway (line {line})"
        for name in ("api.example.com", "api.example.net")
    ]


def test_over_20_vpc_links_in_an_account_and_region_are_refused(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    for i in range(MAX_VPC_LINKS - 1):
        gateway_data["load_balancers"][f"extra{i}"] = {"create": True}
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: load_balancers: 21 load balancers, each reached through a VPC link of its own:"
        " API Gateway allows 20 REST API VPC links per account and region "
        "(123456789012/eu-west-1). Put services behind fewer load balancers (services share a "
        "load balancer's VPC link), or ask AWS for a higher quota "
        f"(line {line_of(path, 'load_balancers:') + 1})"
    ]


def test_a_latency_threshold_over_the_gateways_timeout_points_at_monitoring(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["monitoring"]["alarms"] = {"latency_p99_ms": 6000}
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: monitoring.alarms.latency_p99_ms: 6000 ms is over service 'inventory''s "
        "longest integration timeout (5000 ms): requests time out before the alarm could fire; "
        "set at most 5000 (or give services[1].alarms its own threshold) "
        f"(line {line_of(path, 'latency_p99_ms: 6000')})"
    ]


def test_forwarded_context_keys_are_checked_with_the_file(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["services"][0]["forward_context"] = {"X-Tenant": "tenant id"}
    path = write(tmp_path, gateway_data)
    with pytest.raises(GatewayFileError) as caught:
        plan_gateway_file(path)
    assert caught.value.messages == (
        f"{path}: services[0].forward_context.X-Tenant: must be an authorizer context key: "
        f"letters, digits and '_' (got 'tenant id') (line {line_of(path, 'X-Tenant:')})",
    )


def test_clients_that_surely_overflow_the_platform_stack_are_refused(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    """An API key and a usage-plan key per client, a usage plan per tier: 225 clients and 2
    tiers are 452 resources, over the platform stack's budget before its other resources."""
    gateway_data["clients"] += [{"id": f"client-{n}", "tier": "bronze"} for n in range(223)]
    path = write(tmp_path, gateway_data)
    assert refusals(path) == [
        f"{path}: clients: 225 clients make 452 resources in the platform stack (an API key and a "
        "usage-plan key each, a usage plan per tier), over the budget of 450 that keeps headroom "
        "below CloudFormation's 500 per stack, before the platform's own resources: serve some "
        f"of the clients from another gateway (line {line_of(path, 'clients:') + 1})"
    ]
    del gateway_data["clients"][-1]  # 224 clients: 450 resources, left to the synth-time guard
    plan = plan_gateway_file(write(tmp_path, gateway_data))
    assert len(plan.gateway.clients) == 224
