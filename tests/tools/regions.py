"""A two-region gateway plan made from the example, for the tools' tests until the gateway file
plans several regions itself (issue 14): the example's deployment in eu-west-1 (the home) and
the same gateway planned for us-east-1, with the added region's qualified stack names, each
service's mapping on its region's own name, and each deployment's ``routing``.

The added deployment is the example planned again with ``region: us-east-1`` (so every
regional value - the authorizer's ARN in the bodies, the membership function - is that
region's), as the plan's single-region view of a region will be.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.app import build_gateway
from gateway_stack.gateway.config import parse_gateway
from gateway_stack.gateway.config.domain import DomainName
from gateway_stack.gateway.plan import (
    Deployment,
    GatewayPlan,
    HealthCheckPlan,
    RegionRouting,
    StackRole,
    plan_gateway,
)
from gateway_stack.gateway.plan.service import ApiMapping
from gateway_stack.naming import GatewayNames
from tests.gateway.stacks import CONFIG

HOME, ADDED = "eu-west-1", "us-east-1"
#: The regions' own names (``<region>.<domain.name>``).
REGIONAL = {HOME: "eu-west-1.api.example.com", ADDED: "us-east-1.api.example.com"}


def _routing(plan: GatewayPlan, region: str, regions: tuple[str, ...]) -> RegionRouting:
    main = plan.gateway.domain.names[0]
    regional = DomainName(
        name=REGIONAL[region],
        hosted_zone_name=main.hosted_zone_name,
        hosted_zone_id=main.hosted_zone_id,
    )
    return RegionRouting(
        policy="latency",
        set_identifier=region,
        failover=None,
        regional_name=regional,
        health_check=HealthCheckPlan(
            fqdn=REGIONAL[region],
            path="/inventory/health",
            interval_seconds=30,
            failure_threshold=3,
            authorizer_alarm=True,
        ),
        regions=regions,
    )


def _in_region(deployment: Deployment, names: GatewayNames, routing: RegionRouting) -> Deployment:
    """``deployment`` with ``names``' stack names, each service mapped on the region's name too,
    and ``routing``."""
    stacks = []
    for stack in deployment.stacks:
        if stack.role is StackRole.PLATFORM:
            stacks.append(dataclasses.replace(stack, name=names.platform_stack))
            continue
        assert stack.service is not None
        service = dataclasses.replace(
            stack.service,
            names=names,
            mappings=(
                *stack.service.mappings,
                ApiMapping(routing.regional_name.name, stack.service.base_path),
            ),
        )
        stacks.append(
            dataclasses.replace(stack, name=names.service_stack(service.name), service=service)
        )
    platform = dataclasses.replace(deployment.platform, names=names, routing=routing)
    return dataclasses.replace(deployment, platform=platform, stacks=tuple(stacks))


def two_region_plan(
    data: dict[str, Any], *, added_services: Sequence[str] | None = None
) -> GatewayPlan:
    """The gateway of ``data`` in eu-west-1 (its home) and us-east-1.

    Args:
        data: a gateway file's data, with ``region: eu-west-1``.
        added_services: the services in us-east-1. Default: all of them.
    """
    assert data["region"] == HOME
    plan = plan_gateway(parse_gateway(copy.deepcopy(data)), CONFIG)
    added = copy.deepcopy(data)
    added["region"] = ADDED
    added["availability_zones"] = [f"{ADDED}a", f"{ADDED}b"]
    if added_services is not None:
        added["services"] = [s for s in added["services"] if s["name"] in added_services]
    added_plan = plan_gateway(parse_gateway(added), CONFIG)
    regions = (HOME, ADDED)
    (home,) = plan.deployments
    (there,) = added_plan.deployments
    deployments = (
        _in_region(home, plan.names.in_region(None), _routing(plan, HOME, regions)),
        _in_region(there, plan.names.in_region(ADDED), _routing(plan, ADDED, regions)),
    )
    return dataclasses.replace(plan, deployments=deployments)


def synthesize_plan(plan: GatewayPlan, folder: Path, context: dict[str, Any]) -> CloudAssembly:
    """Build every deployment of ``plan`` into an App (construct paths recorded, no bundling,
    no cdk-nag), synthesize it into ``folder`` and read it."""
    app = cdk.App(
        context={**context, "aws:cdk:enable-path-metadata": True},
        outdir=str(folder),
        stack_traces=False,
    )
    build_gateway(app, plan, nag=False)
    app.synth()
    return CloudAssembly.read(folder)
