#!/usr/bin/env python3
"""A service team's own CDK app: the catalog service, attached to the acme gateway by name.

The team `pip install`s gateway-stack and writes only this file and its OpenAPI document. It
needs no gateway file and no platform code: what it uses of the platform (the load balancer's
VPC link and DNS name, the custom domain's name) is read from the platform's SSM parameters at
deploy time, and the shared authorizer is known by name.

    cd examples/service_team_app && cdk synth
"""

from __future__ import annotations

import sys
from pathlib import Path

from aws_cdk import App, Environment, Stack

from gateway_stack.constructs.monitoring import AlarmThresholds, ServiceMonitoring
from gateway_stack.constructs.nag import acknowledge, add_aws_solutions_checks
from gateway_stack.constructs.plan_membership import UsagePlanMembership
from gateway_stack.constructs.platform_ref import PlatformRef
from gateway_stack.constructs.service_api import ServiceApi, StageConfig
from gateway_stack.constructs.synth_errors import synth_cleanly
from gateway_stack.errors import GatewayStackError
from gateway_stack.openapi import PrivateIntegration

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
    platform.check_allowlist(base_path="catalog")
    catalog = ServiceApi(
        stack,
        "Catalog",
        service_name="catalog",
        api_name_prefix="acme-dev-",
        backend=platform.backend("commerce"),
        integration=PrivateIntegration(port=8090, timeout_ms=8000),
        stage=StageConfig(name="dev", rate_limit=200, burst_limit=400),
        openapi=HERE / "openapi.yaml",
        authorizer=platform.authorizer(cache_ttl_seconds=300),
        api_key_required=True,  # the key is the client's, given by the authorizer
        disable_execute_api_endpoint=True,
    )
    # cdk-nag findings this team accepts, with its reasons (the construct waives nothing).
    acknowledge(
        catalog.api,
        "AwsSolutions-APIG2",
        "Bodies are validated against the document's models by the validators the gateway "
        "writes into the OpenAPI body, which cdk-nag does not read.",
    )
    catalog.associate_web_acl(platform.web_acl_arn())
    catalog.add_api_mapping(platform.domain_name(), "catalog")
    catalog.publish_permissions(platform.names.permissions_path)
    UsagePlanMembership(
        stack,
        "UsagePlans",
        api=catalog,
        service_token=platform.plan_membership_token(),
        plan_ids=[platform.plan_id(tier) for tier in ("bronze", "gold")],
    )
    # A dashboard named like the API, and alarms that notify the platform's alarm topic (found
    # by its name); after the mapping, whose base path names the 429 metric.
    ServiceMonitoring(
        stack,
        "Monitoring",
        api=catalog,
        names=platform.names,
        alarms=AlarmThresholds(latency_p99_ms=2000),  # the team's p99 target; defaults otherwise
    )
    return stack


if __name__ == "__main__":
    app = App()
    try:
        build(app)
        add_aws_solutions_checks(app)
        synth_cleanly(app)
    except GatewayStackError as error:
        print("\n".join(error.messages), file=sys.stderr)
        sys.exit(1)
