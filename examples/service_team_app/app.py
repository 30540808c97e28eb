#!/usr/bin/env python3
"""A service team's own CDK app: the catalog service, attached to the acme gateway by name.

The team `pip install`s gateway-stack and writes only this file and its OpenAPI document. It
needs no gateway file and no platform code: what it uses of the platform (the load balancer's
VPC link and DNS name, the custom domain's name, the usage plans, the web ACL) is read from the
platform's SSM parameters at deploy time, and the shared functions are known by name.

    cd examples/service_team_app && cdk synth
"""

from __future__ import annotations

import sys
from pathlib import Path

from aws_cdk import App, Environment, Stack

from gateway_stack import (
    AlarmThresholds,
    GatewayService,
    GatewayStackError,
    PlatformRef,
    PrivateIntegration,
    StageConfig,
    add_aws_solutions_checks,
    synth_cleanly,
)

HERE = Path(__file__).resolve().parent


def build(app: App) -> Stack:
    """The catalog service's stack."""
    stack = Stack(
        app,
        "acme-dev-svc-catalog",
        env=Environment(account="123456789012", region="eu-west-1"),
        description="The catalog team's service API on the acme gateway (dev)",
    )
    platform = PlatformRef(stack, "Platform", gateway="acme", environment="dev")
    GatewayService(
        stack,
        "Catalog",
        platform=platform,
        service_name="catalog",
        base_path="catalog",
        backend="commerce",  # a load balancer the platform publishes (its VPC link, its NLB)
        integration=PrivateIntegration(port=8090, timeout_ms=8000),
        stage=StageConfig(name="dev", rate_limit=200, burst_limit=400),
        openapi=HERE / "openapi.yaml",  # the team's document; x-gateway-stack for settings
        tiers=["bronze", "gold"],  # the usage plans the clients' keys are metered in
        alarms=AlarmThresholds(latency_p99_ms=2000),  # the team's p99 target
    )
    return stack


if __name__ == "__main__":
    app = App()
    try:
        build(app)
        add_aws_solutions_checks(app)  # cdk-nag's AwsSolutions pack, as the platform runs it
        synth_cleanly(app)  # synth, then the quota guards; errors as messages
    except GatewayStackError as error:
        print("\n".join(error.messages), file=sys.stderr)
        sys.exit(1)
