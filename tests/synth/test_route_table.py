"""`make routes` on the example, through the real CLI synth: what will deploy, route by route."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gateway_stack.tools.route_table import (
    Backend,
    Cache,
    RouteRow,
    Throttle,
    TierLimit,
    read_route_table,
    render_markdown,
)
from gateway_stack.tools.route_table.render import COLUMNS, LEGEND, cell, cells
from tests.synth.cli import ROOT

AUTHORIZER = "token acme-dev-authorizer (cache 300 s)"
KEY = "required (from the authorizer)"
STAGE = Throttle(rate_limit=500, burst_limit=1000)
BRONZE = TierLimit("bronze", Throttle(rate_limit=10, burst_limit=20), "100000/MONTH")
GOLD = TierLimit("gold", Throttle(rate_limit=200, burst_limit=400))


@pytest.fixture(scope="module")
def routes(assembly: Path) -> dict[str, RouteRow]:
    return {row.name: row for row in read_route_table(assembly)}


def test_every_route_of_every_service_once(routes: dict[str, RouteRow]) -> None:
    assert sorted(routes) == [
        "billing ANY /",
        "billing ANY /{proxy+}",
        "inventory GET /health",
        "inventory GET /items",
        "inventory GET /items/{sku}",
        "inventory GET /warehouses",
        "inventory POST /items/{sku}/reservations",
        "orders DELETE /orders/{orderId}",
        "orders GET /orders",
        "orders GET /orders/{orderId}",
        "orders POST /orders",
        "orders POST /orders/{orderId}/refunds",
    ]
    assert {(r.stack, r.api, r.stage) for r in routes.values() if r.service == "orders"} == {
        ("acme-dev-svc-orders", "acme-dev-orders", "dev")
    }


def test_public_urls_join_each_domain_base_path_and_path(routes: dict[str, RouteRow]) -> None:
    assert routes["orders GET /orders/{orderId}"].urls == (
        "https://api.example.com/orders/orders/{orderId}",
        "https://api.example.net/orders/orders/{orderId}",
    )
    # The root of a base path, and no execute-api URL: the example disables that endpoint.
    assert routes["billing ANY /"].urls == (
        "https://api.example.com/billing/v2",
        "https://api.example.net/billing/v2",
    )


def test_backends_are_the_load_balancer_port_and_timeout_or_a_mock(
    routes: dict[str, RouteRow],
) -> None:
    reserve = routes["inventory POST /items/{sku}/reservations"].backend
    assert (reserve.kind, reserve.target, reserve.port, reserve.timeout_ms, reserve.path) == (
        "nlb",
        "commerce",
        8081,
        5000,
        None,
    )
    # The stage variables resolve through the platform's SSM parameters to its resources.
    assert reserve.vpc_link == "<BackendscommerceVpcLinkC841BB5F> in acme-dev-platform"
    assert str(routes["orders POST /orders"].backend) == "NLB commerce, port 8080, timeout 10 s"
    assert str(routes["billing ANY /{proxy+}"].backend) == ("NLB billing, port 8443, timeout 29 s")
    assert routes["inventory GET /warehouses"].backend == Backend("mock", "200")
    assert routes["orders POST /orders/{orderId}/refunds"].backend == Backend("mock", "202")


def test_access_is_the_token_authorizer_its_scopes_and_the_clients_key(
    routes: dict[str, RouteRow],
) -> None:
    for row in routes.values():
        if row.name == "inventory GET /health":  # the gateway file's public route: anyone
            assert (row.authorizer, row.api_key, row.scopes) == ("none", "no", ())
            continue
        assert (row.authorizer, row.api_key) == (AUTHORIZER, KEY), row.name
    assert routes["inventory POST /items/{sku}/reservations"].scopes == ("inventory:reserve",)
    assert routes["inventory GET /items"].scopes == ()
    assert routes["orders POST /orders/{orderId}/refunds"].scopes == (
        "orders:write",
        "refunds:create",
    )
    assert routes["orders GET /orders"].scopes == ("orders:read",)


def test_throttles_of_the_stage_the_route_and_each_tier(routes: dict[str, RouteRow]) -> None:
    reserve = routes["inventory POST /items/{sku}/reservations"]
    assert (reserve.stage_throttle, reserve.route_throttle) == (
        STAGE,
        Throttle(rate_limit=20, burst_limit=40),
    )
    assert reserve.tiers == (BRONZE, GOLD)
    # The team's own document gives GET /orders a stage limit of its own (x-gateway-stack).
    assert routes["orders GET /orders"].route_throttle == Throttle(rate_limit=100, burst_limit=200)
    assert "route 100/200" in routes["orders GET /orders"].throttles
    # orders: gold clients get 50/100 of the whole stage, and 20/40 of POST /orders.
    assert routes["orders GET /orders"].tiers == (
        BRONZE,
        TierLimit(
            "gold",
            Throttle(rate_limit=50, burst_limit=100),
            plan_throttle=Throttle(rate_limit=200, burst_limit=400),
        ),
    )
    create = routes["orders POST /orders"]
    assert create.tiers[1] == TierLimit(
        "gold",
        Throttle(rate_limit=20, burst_limit=40),
        plan_throttle=Throttle(rate_limit=200, burst_limit=400),
    )
    assert create.throttles == (
        "stage 500/1000; bronze 10/20, 100000/MONTH; gold 20/40 (plan 200/400)"
    )


def test_caching_with_its_time_to_live_and_key(routes: dict[str, RouteRow]) -> None:
    assert routes["inventory GET /items/{sku}"].cache == Cache(60, ("path.sku",))
    assert routes["inventory GET /items"].cache is None
    # A caching route's own stage entry repeats the stage's throttle: not a limit of its own.
    assert "route" not in routes["inventory GET /items/{sku}"].throttles


def test_markdown_has_one_row_per_route_in_the_given_order_and_a_legend(
    routes: dict[str, RouteRow],
) -> None:
    """The table's shape, for any rows (tests/snapshots/routes.md pins the example's text)."""
    rows = sorted(routes.values(), key=lambda r: (r.method, r.path))  # not the reader's order
    lines = render_markdown(rows).splitlines()
    assert lines[:2] == ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    table = lines[2 : 2 + len(rows)]
    for line, row in zip(table, rows, strict=True):
        values = [value.strip() for value in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert values == [cell(value) for value in cells(row)]
    assert lines[2 + len(rows)] == ""
    assert lines[3 + len(rows)] == f"{len(rows)} routes of 3 APIs. {LEGEND}"
    assert render_markdown(rows[:1]).splitlines()[4].startswith("1 route of 1 API.")
    assert render_markdown([]) == "No routes: the assembly has no REST API with operations."


def test_a_pipe_in_a_value_stays_inside_its_cell(routes: dict[str, RouteRow]) -> None:
    row = replace(routes["inventory GET /warehouses"], api_key="a|b\nc")
    (line,) = [line for line in render_markdown([row]).splitlines() if "a\\|b c" in line]
    assert len(re.split(r"(?<!\\)\|", line)) == len(COLUMNS) + 2


def test_the_readmes_route_table_is_the_snapshots() -> None:
    """README.md shows `make routes` on the example (a fenced table, then the legend and the
    CORS note, up to the next list item): it must be tests/snapshots/routes.md."""
    readme = (ROOT / "README.md").read_text().splitlines()
    start = readme.index("  ```", readme.index("## A reviewer's guide")) + 1
    end = readme.index("  ```", start)
    after = next(i for i in range(end, len(readme)) if readme[i].startswith("- "))
    shown = [line.removeprefix("  ") for line in readme[start:end] + readme[end + 1 : after]]
    snapshot = (ROOT / "tests" / "snapshots" / "routes.md").read_text()
    assert "\n".join(shown).strip() + "\n" == snapshot


def test_the_gateways_cors_preflight_is_not_a_route_but_is_on_every_row(
    routes: dict[str, RouteRow],
) -> None:
    assert not any(row.method == "OPTIONS" for row in routes.values())
    assert {row.cors_origin for row in routes.values()} == {"https://app.example.com"}


def test_make_routes_prints_json_on_request(assembly: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway_stack", "routes", "--json", "--cdk-out", str(assembly)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(result.stdout)
    assert len(rows) == 12
    (reserve,) = [r for r in rows if r["path"] == "/items/{sku}/reservations"]
    assert reserve["scopes"] == ["inventory:reserve"]
    assert reserve["route_throttle"] == {"rate_limit": 20.0, "burst_limit": 40}
    # Its stage entry (for the cache) repeats the stage's limit: JSON agrees with the table.
    (item,) = [r for r in rows if r["path"] == "/items/{sku}" and r["method"] == "GET"]
    assert (item["stage_throttle"], item["route_throttle"]) == (
        {"rate_limit": 500.0, "burst_limit": 1000},
        None,
    )
    assert reserve["backend"]["target"] == "commerce"
    assert reserve["tiers"][0] == {
        "tier": "bronze",
        "throttle": {"rate_limit": 10.0, "burst_limit": 20},
        "quota": "100000/MONTH",
        "plan_throttle": None,
        "known": True,
    }


def test_routes_without_an_assembly_says_to_synthesize(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gateway_stack", "routes", "--cdk-out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert f"{tmp_path}: no cloud assembly here (no manifest.json)" in result.stderr
    assert "Traceback" not in result.stderr
