#!/usr/bin/env python3
"""Synthesis at fleet scale: this library against the hand-written alternative, in one run.

For fleets of 1, 10 and 50 services with 30 routes each, synthesize

* **library**: the gateway app (``build_gateway_from``) from a generated gateway file: routes in
  each API's OpenAPI body, one stack per service;
* **hand-written**: what a user writes without it: per service, an L2 ``RestApi`` with a
  ``Resource`` and a ``Method`` (HTTP_PROXY over a VPC link) per route, same stage settings;

each in a fresh interpreter (so import and jsii start-up count), and print wall time, peak
memory (Python and its Node.js child), resources per stack and template bytes, with the ratios.
Neither variant runs cdk-nag or bundles assets (the library's authorizer function is bundled once
per synth by pip, a cost independent of the fleet's size), so the comparison is construction and
synthesis of the APIs. The library variant also builds its platform stack (domain, certificates,
authorizer, VPC and load balancers), which the hand-written one does not have.

    make bench            # or: .venv/bin/python benchmarks/synth_scale.py [--fleets 1,10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROUTES_PER_SERVICE = 30


def routes() -> list[str]:
    """30 routes over 21 resources: /rN (GET), /rN/{id} (GET, PUT) for N in 0..9."""
    result = []
    for n in range(ROUTES_PER_SERVICE // 3):
        result += [f"GET /r{n}", f"GET /r{n}/{{id}}", f"PUT /r{n}/{{id}}"]
    return result


def gateway_data(services: int) -> dict[str, Any]:
    example = json.loads(json.dumps(_example()))
    example["allowlist"]["base_paths"].append("svc*")
    for tier in example["tiers"].values():  # they name the example's own services' routes
        tier.pop("route_throttles", None)
    example["services"] = [
        {
            "name": f"svc{i}",
            "base_path": f"svc{i}",
            "backend": {"load_balancer": "commerce", "port": 8080},
            "routes": routes(),
        }
        for i in range(services)
    ]
    return example


def _example() -> dict[str, Any]:
    import yaml

    return yaml.safe_load((ROOT / "config" / "example.yaml").read_text())


# -- the two workers (each runs in its own interpreter) ---------------------------------------


def _context() -> dict[str, Any]:
    """cdk.json's context, without asset bundling."""
    return {**json.loads((ROOT / "cdk.json").read_text())["context"], "aws:cdk:bundling-stacks": []}


def work_library(services: int, outdir: str) -> None:
    import aws_cdk as cdk

    from gateway_stack.gateway.app import build_gateway_from
    from gateway_stack.gateway.config import parse_gateway

    context = _context()
    app = cdk.App(outdir=outdir, context=context, stack_traces=False)
    build_gateway_from(app, parse_gateway(gateway_data(services)), nag=False)
    app.synth()


def work_handwritten(services: int, outdir: str) -> None:
    import aws_cdk as cdk
    from aws_cdk import aws_apigateway as apigw
    from aws_cdk import aws_logs as logs

    from gateway_stack.constructs.access_log import access_log_format

    context = _context()
    app = cdk.App(outdir=outdir, context=context, stack_traces=False)
    env = cdk.Environment(account="123456789012", region="eu-west-1")
    for i in range(services):
        stack = cdk.Stack(app, f"hand-svc{i}", env=env)
        link = apigw.VpcLink.from_vpc_link_id(stack, "Link", "abc123")
        logs_group = logs.LogGroup(stack, "AccessLogs", retention=logs.RetentionDays.THREE_MONTHS)
        api = apigw.RestApi(
            stack,
            "Api",
            rest_api_name=f"svc{i}",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="dev",
                access_log_destination=apigw.LogGroupLogDestination(logs_group),
                access_log_format=access_log_format(),  # the same line as the library's
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.INFO,
                metrics_enabled=True,
                throttling_rate_limit=500,
                throttling_burst_limit=1000,
            ),
        )
        for route in routes():
            method, path = route.split()
            resource_ = api.root.resource_for_path(path)
            parameters = {
                f"integration.request.path.{p.strip('{}')}": f"method.request.path.{p.strip('{}')}"
                for p in path.split("/")
                if p.startswith("{")
            }
            resource_.add_method(
                method,
                apigw.Integration(
                    type=apigw.IntegrationType.HTTP_PROXY,
                    integration_http_method="ANY",
                    uri=f"http://internal-x.elb.eu-west-1.amazonaws.com:8080{path}",
                    options=apigw.IntegrationOptions(
                        connection_type=apigw.ConnectionType.VPC_LINK,
                        vpc_link=link,
                        request_parameters=parameters,
                    ),
                ),
                request_parameters={k.replace("integration", "method"): True for k in parameters},
            )
    app.synth()


# -- measuring -------------------------------------------------------------------------------


def measure(variant: str, services: int, repeat: int) -> dict[str, Any]:
    """The median run (by wall time) of ``repeat`` fresh-interpreter runs of one worker."""
    runs = sorted((_measure_once(variant, services) for _ in range(repeat)), key=_wall)
    return runs[len(runs) // 2]


def _wall(row: dict[str, Any]) -> float:
    return float(row["wall_s"])


def _measure_once(variant: str, services: int) -> dict[str, Any]:
    """Run one worker in a fresh interpreter; its figures."""
    with tempfile.TemporaryDirectory() as outdir:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, __file__, "--worker", variant, str(services), outdir],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{variant} x {services} failed:\n{result.stderr[-3000:]}")
        peaks = json.loads(result.stdout.strip().splitlines()[-1])
        stacks = []
        for template in Path(outdir).glob("*.template.json"):
            body = json.loads(template.read_text())
            stacks.append((len(body.get("Resources", {})), template.stat().st_size))
    return {
        "variant": variant,
        "services": services,
        "wall_s": wall,
        "python_peak_mb": peaks["self_kb"] / 1024,
        "node_peak_mb": peaks["children_kb"] / 1024,
        "stacks": len(stacks),
        "max_resources": max(r for r, _ in stacks),
        "max_template_kb": max(b for _, b in stacks) / 1024,
        "total_template_kb": sum(b for _, b in stacks) / 1024,
    }


def worker(variant: str, services: int, outdir: str) -> None:
    {"library": work_library, "hand-written": work_handwritten}[variant](services, outdir)
    print(
        json.dumps(
            {
                "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "children_kb": _children_peak_kb(),
            }
        )
    )


def _children_peak_kb() -> int:
    """Peak resident memory of this process's live children (jsii's Node.js), from /proc."""
    total = 0
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fleets", default="1,10,50", help="fleet sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (the median)")
    parser.add_argument("--worker", nargs=3, metavar=("VARIANT", "SERVICES", "OUTDIR"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args.worker[2])
        return
    fleets = [int(n) for n in args.fleets.split(",")]
    print(
        f"Synthesis of N services x {ROUTES_PER_SERVICE} routes, one stack per service "
        f"({os.cpu_count()} cores). Each cell: the median of {args.repeat} fresh interpreters.\n"
    )
    header = (
        f"{'services':>8} {'variant':<13} {'wall s':>7} {'py MB':>6} {'node MB':>8} "
        f"{'stacks':>6} {'max res':>7} {'max KB':>7} {'total KB':>9}"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    for services in fleets:
        rows = {v: measure(v, services, args.repeat) for v in ("hand-written", "library")}
        for row in rows.values():
            print(
                f"{row['services']:>8} {row['variant']:<13} {row['wall_s']:>7.1f} "
                f"{row['python_peak_mb']:>6.0f} {row['node_peak_mb']:>8.0f} {row['stacks']:>6} "
                f"{row['max_resources']:>7} {row['max_template_kb']:>7.1f} "
                f"{row['total_template_kb']:>9.1f}"
            )
        lib, hand = rows["library"], rows["hand-written"]
        ratios.append((services, lib, hand))
    print("\nlibrary / hand-written:")
    for services, lib, hand in ratios:
        print(
            f"  {services:>3} services: wall {lib['wall_s'] / hand['wall_s']:.2f}x, "
            f"node memory {lib['node_peak_mb'] / hand['node_peak_mb']:.2f}x, "
            f"resources per stack {lib['max_resources']} vs {hand['max_resources']}, "
            f"template bytes {lib['total_template_kb'] / hand['total_template_kb']:.2f}x"
        )
    services, lib, hand = ratios[-1]
    goal = lib["wall_s"] <= 0.5 * hand["wall_s"] and lib["max_resources"] <= 500
    print(
        f"\nGoal (largest fleet, {services} services: wall <= 0.5x hand-written, no stack over "
        f"500 resources): {'met' if goal else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
