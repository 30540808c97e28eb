"""Reading a multi-region cloud assembly (config/multi-region.yaml, synthesized in-process):
each stack's region from the manifest, SSM values followed within a region, the route table's
regions, and the summary per region."""

from __future__ import annotations

import dataclasses
import json

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.plan import GatewayPlan
from gateway_stack.tools.route_table import render_json, render_markdown, route_table
from gateway_stack.tools.route_table.regions import by_region
from gateway_stack.tools.summary import render_summary
from tests.tools.regions import ADDED, HOME, REGIONAL

VPC_LINK = "/gateway-stack/acme/dev/load-balancers/commerce/vpc-link-id"
HOME_STACKS = ["acme-dev-platform", "acme-dev-svc-orders", "acme-dev-svc-inventory",
               "acme-dev-svc-billing"]  # fmt: skip
ADDED_STACKS = ["acme-dev-us-east-1-platform", "acme-dev-us-east-1-svc-orders",
                "acme-dev-us-east-1-svc-inventory"]  # fmt: skip


def test_each_stacks_region_comes_from_the_manifest(two_region_assembly: CloudAssembly) -> None:
    assembly = two_region_assembly
    assert assembly.regions == (HOME, ADDED)
    assert [s.name for s in assembly.stacks_in(HOME)] == HOME_STACKS
    assert [s.name for s in assembly.stacks_in(ADDED)] == ADDED_STACKS
    assert {s.account for s in assembly.stacks} == {"123456789012"}


def test_a_parameter_is_read_from_its_own_regions_platform(
    two_region_assembly: CloudAssembly,
) -> None:
    """Both platform stacks publish the same SSM names: a service stack reads its region's."""
    assembly = two_region_assembly
    for service_stack, platform in (
        ("acme-dev-svc-orders", "acme-dev-platform"),
        ("acme-dev-us-east-1-svc-orders", "acme-dev-us-east-1-platform"),
    ):
        stack = assembly.stack(service_stack)
        assert stack is not None
        found = assembly.published(VPC_LINK, stack)
        assert found is not None
        assert found[0].name == platform


def test_each_row_is_of_its_stacks_region_and_platform(two_region_assembly: CloudAssembly) -> None:
    rows = route_table(two_region_assembly)
    assert {(r.region, r.stack.startswith("acme-dev-us-east-1-")) for r in rows} == {
        (HOME, False),
        (ADDED, True),
    }
    for row in rows:
        if row.backend.kind == "nlb":
            platform = "acme-dev-us-east-1-platform" if row.region == ADDED else "acme-dev-platform"
            assert row.backend.vpc_link is not None
            assert row.backend.vpc_link.endswith(f" in {platform}")
        # Each region's rows carry that region's own name, and not the other's.
        other = REGIONAL[HOME if row.region == ADDED else ADDED]
        assert any(url.startswith(f"https://{REGIONAL[row.region]}/") for url in row.urls)
        assert not any(other in url for url in row.urls)


def test_a_route_alike_in_both_regions_is_one_row_naming_them(
    two_region_assembly: CloudAssembly,
) -> None:
    rows = route_table(two_region_assembly)
    merged = by_region(rows, two_region_assembly.regions)
    assert len(rows) == 12 + 10
    assert len(merged) == 12
    (orders_get,) = [m for m in merged if m.first.name == "orders GET /orders"]
    assert orders_get.regions == (HOME, ADDED)
    assert orders_get.urls == (
        "https://api.example.com/orders/orders",
        "https://api.example.net/orders/orders",
        f"https://{REGIONAL[HOME]}/orders/orders",
        f"https://{REGIONAL[ADDED]}/orders/orders",
    )
    billing = [m for m in merged if m.first.service == "billing"]
    assert [m.regions for m in billing] == [(HOME,), (HOME,)]  # billing is in the home only


def test_the_table_has_a_regions_column_and_counts_per_region(
    two_region_assembly: CloudAssembly,
) -> None:
    text = render_markdown(route_table(two_region_assembly), two_region_assembly.regions)
    lines = text.splitlines()
    assert lines[0].startswith("| public URL | method | service | regions | backend |")
    assert (
        f"| https://api.example.com/orders/orders<br>https://api.example.net/orders/orders<br>"
        f"https://{REGIONAL[HOME]}/orders/orders<br>https://{REGIONAL[ADDED]}/orders/orders "
        f"| GET | orders | {HOME}, {ADDED} | NLB commerce, port 8080, timeout 29 s |"
    ) in text
    assert "| ANY | billing | eu-west-1 | NLB billing, port 8443" in text
    assert len([line for line in lines if line.startswith("| https://")]) == 12
    assert "12 routes of 3 APIs in 2 regions (eu-west-1: 12, us-east-1: 10). " in text


def test_a_route_that_differs_by_region_keeps_a_row_per_region(
    two_region_assembly: CloudAssembly,
) -> None:
    rows = route_table(two_region_assembly)
    changed = [
        dataclasses.replace(r, cache=None) if r.region == ADDED else r for r in rows
    ]  # us-east-1 without inventory's cache
    merged = by_region(changed, (HOME, ADDED))
    sku = [m for m in merged if m.first.name == "inventory GET /items/{sku}"]
    assert [m.regions for m in sku] == [(HOME,), (ADDED,)]
    assert [m.first.cache_text for m in sku] == ["60 s (key path.sku)", "no"]


def test_json_keeps_a_row_per_region(two_region_assembly: CloudAssembly) -> None:
    rows = json.loads(render_json(route_table(two_region_assembly)))
    assert len(rows) == 22
    assert sorted({row["region"] for row in rows}) == [HOME, ADDED]


def test_the_summary_is_per_region(
    two_regions: GatewayPlan, two_region_assembly: CloudAssembly
) -> None:
    text = render_summary(two_regions, two_region_assembly.stacks)
    lines = text.splitlines()
    assert lines[0] == (
        "Gateway acme (dev) in 123456789012, 2 regions: eu-west-1 (home), us-east-1, latency "
        "routing: https://api.example.com/, https://api.example.net/"
    )
    home = lines.index(f"Region {HOME} (home), alone at https://{REGIONAL[HOME]}/")
    added = lines.index(f"Region {ADDED}, alone at https://{REGIONAL[ADDED]}/")
    home_block, added_block = lines[home:added], lines[added:]
    assert [line.split()[0] for line in home_block if "/500" in line] == HOME_STACKS
    assert [line.split()[0] for line in added_block if "/500" in line] == ADDED_STACKS
    services = [line.split() for line in added_block if "(created by the platform" in line]
    assert [(s[0], s[-1]) for s in services] == [
        ("orders", "acme-dev-us-east-1-svc-orders"),
        ("inventory", "acme-dev-us-east-1-svc-inventory"),
    ]
    assert any(line.split()[:1] == ["billing"] for line in home_block)


def test_the_summary_names_failover_roles_and_stacks_of_no_region(
    two_regions: GatewayPlan, two_region_assembly: CloudAssembly
) -> None:
    deployments = []
    for deployment, role in zip(two_regions.deployments, ("PRIMARY", "SECONDARY"), strict=True):
        assert deployment.platform.routing is not None
        routing = dataclasses.replace(deployment.platform.routing, policy="failover", failover=role)
        platform = dataclasses.replace(deployment.platform, routing=routing)
        deployments.append(dataclasses.replace(deployment, platform=platform))
    plan = dataclasses.replace(two_regions, deployments=tuple(deployments))
    home_platform = two_region_assembly.stacks[0]
    agnostic = dataclasses.replace(home_platform, name="Hand-Made", region="unknown-region")
    text = render_summary(plan, [*two_region_assembly.stacks, agnostic])
    lines = text.splitlines()
    assert ", failover routing: " in lines[0]
    assert f"Region {HOME} (home), primary, alone at https://{REGIONAL[HOME]}/" in lines
    assert f"Region {ADDED}, secondary, alone at https://{REGIONAL[ADDED]}/" in lines
    assert lines[-3:-1] == ["Other stacks (in no region of the gateway file)", ""]
    assert lines[-1].split()[0] == "Hand-Made"
    assert lines[-1].endswith("(123456789012/unknown-region)")
