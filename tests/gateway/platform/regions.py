"""A platform stack of one region of a multi-region gateway, built from the example's plan with
``routing`` set (as the plan sets it for each region of a multi-region gateway)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any, Literal

import aws_cdk as cdk
from aws_cdk.assertions import Template

from gateway_stack.gateway.config import parse_gateway
from gateway_stack.gateway.config.domain import DomainName
from gateway_stack.gateway.plan import HealthCheckPlan, RegionRouting, plan_gateway
from gateway_stack.gateway.platform_stack import PlatformStack
from tests.gateway.stacks import CONFIG

#: The example's main name's zone, which the regional names share.
ZONE_ID = "Z0123456789ABCDEFGHIJ"
REGIONS = ("eu-west-1", "us-east-1")


def region_data(example_data: dict[str, Any], region: str) -> dict[str, Any]:
    """The example gateway file's data, moved to ``region`` (zones, allowlist) when it is not
    the example's own: what the plan's single-region view of an added region looks like."""
    data = copy.deepcopy(example_data)
    if region != data["region"]:
        data["region"] = region
        data["availability_zones"] = [f"{region}a", f"{region}b"]
        data["allowlist"]["backends"]["dns_names"] = [f"*.elb.{region}.amazonaws.com"]
    return data


def routed_platform(
    example_data: dict[str, Any],
    context: dict[str, Any],
    *,
    region: str = "eu-west-1",
    policy: Literal["latency", "failover"] = "latency",
    failover: Literal["PRIMARY", "SECONDARY"] | None = None,
    authorizer_alarm: bool = True,
    certificate_arn: str | None = None,
    interval_seconds: int = 30,
    failure_threshold: int = 3,
    outdir: str | None = None,
    data: dict[str, Any] | None = None,
    health_fqdn: str | None = None,
) -> PlatformStack:
    """The platform stack of ``region`` in a two-region gateway made of the example (``data``:
    other gateway file data; ``health_fqdn``: a name for the check other than the region's)."""
    gateway = parse_gateway(data if data is not None else region_data(example_data, region))
    platform = plan_gateway(gateway, CONFIG).deployments[0].platform
    main = gateway.domain
    regional = DomainName(
        name=f"{region}.{main.name}",
        hosted_zone_name=main.hosted_zone_name,
        hosted_zone_id=main.hosted_zone_id,
        certificate_arn=certificate_arn,
    )
    routing = RegionRouting(
        policy=policy,
        set_identifier=region,
        failover=failover,
        regional_name=regional,
        health_check=HealthCheckPlan(
            fqdn=health_fqdn or regional.name,
            path="/inventory/health",
            interval_seconds=interval_seconds,
            failure_threshold=failure_threshold,
            authorizer_alarm=authorizer_alarm,
        ),
        regions=REGIONS,
    )
    # Path metadata, as the CDK CLI asks for it (cfn-lint reads it to know a CDK template).
    app = cdk.App(context={**context, "aws:cdk:enable-path-metadata": True}, outdir=outdir)
    # An added region's stack and dashboard names carry the region, as the plan qualifies them.
    names = platform.names.in_region(None if region == REGIONS[0] else region)
    return PlatformStack(
        app,
        names.platform_stack,
        platform=replace(platform, names=names, routing=routing),
        env=cdk.Environment(account=gateway.account, region=region),
    )


def template(stack: PlatformStack) -> Template:
    """The stack's template."""
    return Template.from_stack(stack)
