"""The tools on config/multi-region.yaml, through the real CLI: `make synth`'s summary per region,
`make routes` with each route's regions, `make policy` with a rules file per region, and
`smoke --region` through a region's own name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.gateway.smoke_checks import checks_for
from gateway_stack.tools.smoke import ALL_REGIONS, deployments
from tests.synth.cli import ROOT, cdk_synth, environment

GATEWAY = "config/multi-region.yaml"
HOME, ADDED = "eu-west-1", "us-east-1"


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("cdk.out")
    result = cdk_synth(output, GATEWAY)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def tool(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m gateway_stack ARGS`` from the repository root, as the Makefile runs it."""
    return subprocess.run(
        [sys.executable, "-m", "gateway_stack", *args],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_summary_is_per_region(assembly: Path) -> None:
    result = tool("summary", "--gateway", GATEWAY, "--cdk-out", str(assembly))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Gateway acme (dev) in 123456789012, 2 regions: eu-west-1 (home), us-east-1, latency "
        "routing: https://api.example.com/, https://api.example.net/"
    )
    home = lines.index(f"Region {HOME} (home), alone at https://{HOME}.api.example.com/")
    added = lines.index(f"Region {ADDED}, alone at https://{ADDED}.api.example.com/")
    stacks = {
        region: [line.split()[0] for line in block if "/500" in line]
        for region, block in ((HOME, lines[home:added]), (ADDED, lines[added:]))
    }
    assert stacks == {
        HOME: ["acme-dev-platform", "acme-dev-svc-orders", "acme-dev-svc-inventory",
               "acme-dev-svc-billing"],
        ADDED: ["acme-dev-us-east-1-platform", "acme-dev-us-east-1-svc-orders",
                "acme-dev-us-east-1-svc-inventory"],
    }  # fmt: skip


def test_routes_name_each_routes_regions(assembly: Path) -> None:
    result = tool("routes", "--gateway", GATEWAY, "--cdk-out", str(assembly))
    assert result.returncode == 0, result.stderr
    table = result.stdout
    assert table.startswith("| public URL | method | service | regions | backend |")
    rows = [line for line in table.splitlines() if line.startswith("| https://")]
    assert len(rows) == 12
    (orders_get,) = [r for r in rows if "/orders/orders<br>" in r and "| GET | orders |" in r]
    assert f"| GET | orders | {HOME}, {ADDED} |" in orders_get
    assert f"https://{ADDED}.api.example.com/orders/orders" in orders_get
    billing = [r for r in rows if "| billing |" in r]
    assert billing
    assert all(f"| billing | {HOME} |" in r for r in billing)  # billing: the home region only
    assert "12 routes of 3 APIs in 2 regions (eu-west-1: 12, us-east-1: 10)." in table
    as_json = tool("routes", "--json", "--gateway", GATEWAY, "--cdk-out", str(assembly))
    regions = [row["region"] for row in json.loads(as_json.stdout)]
    assert (regions.count(HOME), regions.count(ADDED)) == (12, 10)


def test_policy_writes_each_regions_rules_and_every_stack_passes(
    assembly: Path, tmp_path: Path
) -> None:
    templates = sorted(str(p) for p in assembly.glob("*-svc-*.template.json"))
    assert len(templates) == 5
    result = tool("policy", "--gateway", GATEWAY, "--out", str(tmp_path), *templates)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"wrote {tmp_path}/service-stacks.guard",
        f"wrote {tmp_path}/service-stacks.{ADDED}.guard",
        f"wrote {tmp_path}/service-deploy-boundary.json",
        "5 templates pass the policy",
    ]
    added = (tmp_path / f"service-stacks.{ADDED}.guard").read_text()
    assert f"arn:aws:lambda:{ADDED}:123456789012:function:acme-dev-plan-membership" in added
    assert f"'{ADDED}.api.example.com'" in added


def test_smoke_picks_a_region_and_calls_its_own_name() -> None:
    """Which calls a run makes (no request is sent: the names are not on loopback)."""
    plan = plan_gateway_file(ROOT / GATEWAY)
    for region in (HOME, ADDED):
        checks = checks_for(deployments(plan, region), with_token=False)
        assert {c.url.split("/")[2] for c in checks} == {f"{region}.api.example.com"}
    assert deployments(plan, None) is plan.deployments[0]
    every = checks_for(deployments(plan, ALL_REGIONS), with_token=False)
    assert {c.url.split("/")[2] for c in every} == {f"{r}.api.example.com" for r in (HOME, ADDED)}
    unknown = tool("smoke", GATEWAY, "--region", "ap-south-1")
    assert unknown.returncode == 2
    assert unknown.stderr == (
        "smoke: --region ap-south-1: the gateway file has no such region (it has eu-west-1, "
        "us-east-1); 'all' checks every region\n"
    )
