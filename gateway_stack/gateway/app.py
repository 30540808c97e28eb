"""Build a whole gateway - the platform stack and one stack per service - from a gateway file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Environment, Stage, Tags

from gateway_stack.base_paths import shadowed_routes
from gateway_stack.constructs.nag import add_aws_solutions_checks
from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.platform_stack import PlatformStack
from gateway_stack.gateway.service_stack import ServiceStack
from gateway_stack.naming import SERVICE_TAG, GatewayNames


@dataclass(frozen=True)
class GatewayStacks:
    """The stacks of one gateway environment."""

    platform: PlatformStack
    services: dict[str, ServiceStack]


def build_gateway(
    scope: Stage, gateway: Gateway, *, documents: Path = Path(), nag: bool = True
) -> GatewayStacks:
    """Add the gateway's stacks to ``scope`` (an App or a Stage).

    Args:
        scope: where the stacks go.
        gateway: the validated gateway file.
        documents: the folder services' ``openapi`` paths are relative to (the gateway file's).
            Default: the current folder.
        nag: check every stack against cdk-nag's AwsSolutions pack during synth (a finding
            fails the synth). Default: on.
    """
    names = GatewayNames(gateway.name, gateway.environment)
    env = Environment(account=gateway.account, region=gateway.region)
    platform = PlatformStack(
        scope,
        names.platform_stack,
        gateway=gateway,
        env=env,
        description=f"Gateway {gateway.name} ({gateway.environment}): shared platform",
    )
    services: dict[str, ServiceStack] = {}
    for service in gateway.services:
        stack = ServiceStack(
            scope,
            names.service_stack(service.name),
            gateway=gateway,
            service=service,
            documents=documents,
            env=env,
            description=f"Gateway {gateway.name} ({gateway.environment}): service {service.name}",
        )
        # Deploy order only (SSM parameters are read at deploy time): no export, no lock.
        stack.add_stack_dependency(platform, "reads the platform's SSM parameters at deploy time")
        Tags.of(stack).add(SERVICE_TAG, service.name)
        services[service.name] = stack
    shadowed = shadowed_routes(
        {
            name: (stack.service.base_path, stack.service_api.routes)
            for name, stack in services.items()
        }
    )
    if shadowed:
        raise GatewayStackError(shadowed)
    for stack in (platform, *services.values()):
        Tags.of(stack).add("gateway-stack:gateway", gateway.name)
        Tags.of(stack).add("gateway-stack:environment", gateway.environment)
    if nag:
        add_aws_solutions_checks(scope)
    return GatewayStacks(platform=platform, services=services)
