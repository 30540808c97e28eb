"""The plan of a gateway in several regions: one deployment per region (home first), each
planned from its region's view of the file, with how DNS reaches it; and a single-region file's
plan as it always was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway_stack.gateway.plan import (
    ApiMapping,
    GatewayPlan,
    HealthCheckPlan,
    plan_gateway_file,
)
from gateway_stack.naming import GatewayNames
from tests.gateway.plan.support import line_of, refusals

ROOT = Path(__file__).resolve().parents[3]
MULTI_REGION = ROOT / "config" / "multi-region.yaml"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"


def edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """config/multi-region.yaml with each ``(old, new)`` text change, beside its documents."""
    shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi", dirs_exist_ok=True)
    text = MULTI_REGION.read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "gateway.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def plan() -> GatewayPlan:
    return plan_gateway_file(MULTI_REGION)


def test_a_single_region_file_has_one_home_deployment_without_routing() -> None:
    plan = plan_gateway_file(ROOT / "config" / "example.yaml")
    (deployment,) = plan.deployments
    assert plan.regions == ("eu-west-1",)
    assert deployment.home
    assert deployment.names is plan.names
    assert deployment.platform.routing is None
    assert deployment.platform.gateway is plan.gateway  # its own view
    assert [s.name for s in deployment.stacks] == [
        "acme-dev-platform",
        "acme-dev-svc-orders",
        "acme-dev-svc-inventory",
        "acme-dev-svc-billing",
    ]
    orders = deployment.service("orders")
    assert orders.mappings == (
        ApiMapping("api.example.com", "orders"),
        ApiMapping("api.example.net", "orders"),
    )
    assert orders.dashboard_name == orders.api_name == "acme-dev-orders"


def test_two_regions_are_two_deployments_home_first(plan: GatewayPlan) -> None:
    home, added = plan.deployments
    assert plan.regions == ("eu-west-1", "us-east-1")
    assert plan.names == GatewayNames("acme", "dev")
    assert (home.account, home.region, home.partition, home.home) == (
        "123456789012",
        "eu-west-1",
        "aws",
        True,
    )
    assert (added.account, added.region, added.partition, added.home) == (
        "123456789012",
        "us-east-1",
        "aws",
        False,
    )
    assert home.names is plan.names
    assert added.names == GatewayNames("acme", "dev", "us-east-1")
    assert [s.name for s in home.stacks] == [
        "acme-dev-platform",
        "acme-dev-svc-orders",
        "acme-dev-svc-inventory",
        "acme-dev-svc-billing",
    ]
    assert [s.name for s in added.stacks] == [
        "acme-dev-us-east-1-platform",
        "acme-dev-us-east-1-svc-orders",
        "acme-dev-us-east-1-svc-inventory",
    ]
    assert added.platform_stack.description == "Gateway acme (dev) in us-east-1: shared platform"
    assert home.platform.names is home.names
    assert added.platform.names is added.names
    assert all(s.names is added.names for s in added.services)


def test_each_deployment_is_planned_from_its_regions_view(plan: GatewayPlan) -> None:
    home, added = plan.deployments
    assert home.platform.gateway.region == "eu-west-1"
    assert added.platform.gateway.region == "us-east-1"
    assert added.platform.gateway.availability_zones == ("us-east-1a", "us-east-1b")
    assert added.platform.gateway.network is not None
    assert added.platform.gateway.network.vpc_cidr == "10.41.0.0/16"
    assert [b.name for b in home.platform.backends] == ["commerce", "billing"]
    assert [(b.name, b.ports) for b in added.platform.backends] == [("commerce", (8080, 8081))]
    # The authorizer each service's body names is its own region's.
    body = added.service("orders").definition.body
    assert "arn:aws:lambda:us-east-1:123456789012:function:acme-dev-authorizer" in str(body)
    assert "arn:aws:lambda:eu-west-1" not in str(body)


def test_a_service_in_a_subset_of_regions_keeps_its_place_in_the_file(plan: GatewayPlan) -> None:
    home, added = plan.deployments
    assert [(s.name, s.index) for s in home.services] == [
        ("orders", 0),
        ("inventory", 1),
        ("billing", 2),
    ]
    assert [(s.name, s.index) for s in added.services] == [("orders", 0), ("inventory", 1)]
    with pytest.raises(KeyError):
        added.service("billing")


def test_latency_routing_with_each_regions_own_name_and_health_check(plan: GatewayPlan) -> None:
    home, added = plan.deployments
    for deployment in plan.deployments:
        routing = deployment.platform.routing
        assert routing is not None
        assert routing.policy == "latency"
        assert routing.failover is None
        assert routing.set_identifier == deployment.region
        assert routing.regions == ("eu-west-1", "us-east-1")
        name = f"{deployment.region}.api.example.com"
        assert routing.regional_name.name == name
        assert routing.regional_name.hosted_zone_name == "example.com"
        assert routing.regional_name.hosted_zone_id == "Z0123456789ABCDEFGHIJ"
        assert routing.regional_name.certificate_arn is None
        assert routing.health_check == HealthCheckPlan(
            fqdn=name,
            path="/inventory/health",
            interval_seconds=30,
            failure_threshold=3,
            authorizer_alarm=True,
        )
        # Every service answers on the region's own name too.
        for service in deployment.services:
            assert service.mappings[-1] == ApiMapping(name, service.base_path)
            assert [m.domain_name for m in service.mappings[:-1]] == [
                "api.example.com",
                "api.example.net",
            ]
    assert home.service("orders").dashboard_name == "acme-dev-orders"
    assert added.service("orders").dashboard_name == "acme-dev-us-east-1-orders"
    assert added.service("orders").api_name == "acme-dev-orders"  # names of regional things


def test_failover_routing_has_a_primary_and_a_secondary(tmp_path: Path) -> None:
    path = edited(tmp_path, ("  policy: latency", "  policy: failover"))
    roles = [
        (d.region, d.platform.routing and d.platform.routing.failover)
        for d in plan_gateway_file(path).deployments
    ]
    assert roles == [("eu-west-1", "PRIMARY"), ("us-east-1", "SECONDARY")]

    path = edited(tmp_path, ("  policy: latency", "  policy: failover\n  primary: us-east-1"))
    deployments = plan_gateway_file(path).deployments
    assert [d.platform.routing and d.platform.routing.failover for d in deployments] == [
        "SECONDARY",
        "PRIMARY",
    ]
    assert all(d.platform.routing and d.platform.routing.policy == "failover" for d in deployments)


def test_a_regions_own_name_and_its_certificates(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        (
            "    # regional_name: us-east-1.api.example.com          # the default",
            "    regional_name: use1.api.example.com\n"
            f"    certificate_arns: {{use1.api.example.com: '{CERTIFICATE}', "
            f"api.example.com: '{CERTIFICATE}'}}",
        ),
        ("    interval_seconds: 30", "    interval_seconds: 10"),
        ("    authorizer_alarm: true", "    authorizer_alarm: false"),
    )
    home, added = plan_gateway_file(path).deployments
    assert added.platform.routing is not None
    regional = added.platform.routing.regional_name
    assert (regional.name, regional.certificate_arn) == ("use1.api.example.com", CERTIFICATE)
    assert added.platform.gateway.domain.certificate_arn == CERTIFICATE
    assert added.platform.gateway.domain.aliases[0].certificate_arn is None
    assert added.platform.routing.health_check.fqdn == "use1.api.example.com"
    assert added.platform.routing.health_check.interval_seconds == 10
    assert not added.platform.routing.health_check.authorizer_alarm
    assert home.platform.gateway.domain.certificate_arn is None
    assert added.service("orders").mappings[-1] == ApiMapping("use1.api.example.com", "orders")


def test_a_problem_of_a_service_in_a_subset_is_said_once_at_its_place_in_the_file(
    tmp_path: Path,
) -> None:
    path = edited(
        tmp_path,
        (
            "      latency_p99_ms: 10000\n",
            "      latency_p99_ms: 10000\n"
            "  - name: reports\n"
            "    regions: [us-east-1]\n"
            "    base_path: reports\n"
            "    backend: {load_balancer: commerce, port: 8082}\n"
            "    routes:\n"
            "      - {route: GET /daily, cache_ttl_seconds: 60}\n",
        ),
        # inventory's cache problem is in both regions: said once
        ('    cache_size_gb: "0.5"\n', ""),
        (
            'base_paths: [orders, inventory, "billing/v*"]',
            'base_paths: [orders, inventory, reports, "billing/v*"]',
        ),
    )
    assert refusals(path) == [
        f"{path}: services[1].routes[1]: route GET /items/{{sku}} caches responses "
        "(cache_ttl_seconds), but service 'inventory' has no cache cluster: set its "
        "cache_size_gb (services[1].cache_size_gb), or stop caching the route "
        f"(line {line_of(path, 'route: GET /items/{sku}')})",
        # reports is the third service in us-east-1's view, the fourth in the file
        f"{path}: services[3].routes[0]: in us-east-1: route GET /daily caches responses "
        "(cache_ttl_seconds), but service 'reports' has no cache cluster: set its "
        "cache_size_gb (services[3].cache_size_gb), or stop caching the route "
        f"(line {line_of(path, 'route: GET /daily')})",
    ]


def test_a_single_service_route_problem_in_both_regions_is_said_once(tmp_path: Path) -> None:
    path = edited(tmp_path, ('    cache_size_gb: "0.5"\n', ""))
    (message,) = refusals(path)
    assert message.startswith(f"{path}: services[1].routes[1]: route GET /items/{{sku}}")


def test_quotas_per_account_and_region_are_counted_in_each_region(tmp_path: Path) -> None:
    # 21 created load balancers in the home region, one VPC link each: over the quota of 20
    # there; us-east-1 creates only those its services use.
    spare = "".join(f"  spare{n}: {{create: true}}\n" for n in range(19))
    path = edited(
        tmp_path, ("  billing: {create: true}\n", f"  billing: {{create: true}}\n{spare}")
    )
    (message,) = refusals(path)
    assert message == (
        f"{path}: load_balancers: 21 load balancers, each reached through a VPC link of its own: "
        "API Gateway allows 20 REST API VPC links per account and region "
        "(123456789012/eu-west-1). Put services behind fewer load balancers (services share a "
        "load balancer's VPC link), or ask AWS for a higher quota "
        f"(line {line_of(path, '  commerce: {create: true}')})"
    )


def test_each_document_is_read_once_whatever_the_number_of_regions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gateway_stack.gateway.plan import definition

    reads: list[str] = []
    read_document = definition.read_document

    def counted(source: str) -> object:
        reads.append(Path(source).name)
        return read_document(source)

    monkeypatch.setattr(definition, "read_document", counted)
    plan = plan_gateway_file(ROOT / "config" / "multi-region.yaml")
    # orders is in both regions, from one document: defined twice, read and checked once
    assert [d.region for d in plan.deployments if "orders" in {s.name for s in d.services}] == [
        "eu-west-1",
        "us-east-1",
    ]
    assert reads == ["orders.yaml"]
