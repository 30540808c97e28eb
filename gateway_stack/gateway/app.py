"""Build a whole gateway - in each of its regions, the platform stack and one stack per
service - from its plan; or, selectively, every platform stack and only some services' stacks
(:func:`select_services`, the app's ``services`` context)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from aws_cdk import Environment, Stage, Tags

from gateway_stack.constructs.nag import add_aws_solutions_checks
from gateway_stack.constructs.synth_errors import SynthError, error_messages
from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.plan import Deployment, GatewayPlan, StackRole, plan_gateway
from gateway_stack.gateway.platform_stack import PlatformStack
from gateway_stack.gateway.service_stack import ServiceStack
from gateway_stack.gateway.smoke_checks import checks_for
from gateway_stack.naming import SERVICE_TAG

#: The CDK context key of a selective synth: a comma list of service names (``-c services=a,b``).
SERVICES_CONTEXT = "services"


class SelectionError(GatewayStackError):
    """A selective synth names a service the gateway file does not have (nothing is built)."""


def select_services(plan: GatewayPlan, value: object) -> frozenset[str] | None:
    """The services a synth builds, from the ``services`` context's value.

    Args:
        plan: the gateway's plan (made for the whole file: every check ran).
        value: the context's value: ``None`` or an empty string (every service), a comma list
            (``"orders, billing"``) or a list of names (from ``cdk.json``).

    Returns:
        The named services, or ``None`` for every service (a full synth).

    Raises:
        SelectionError: a name is not one of the gateway's services, or the value is neither
            text nor a list of names (every known service is listed).
    """
    if value is None:
        return None
    if isinstance(value, str):
        names = [name.strip() for name in value.split(",")]
    elif isinstance(value, list | tuple) and all(isinstance(name, str) for name in value):
        names = [name.strip() for name in value]
    else:
        raise SelectionError(
            [
                f"context {SERVICES_CONTEXT}: {value!r} is not a comma list of service names "
                f"(e.g. make synth SERVICES=orders,billing)"
            ]
        )
    names = [name for name in names if name]
    if not names:
        return None
    known = [service.name for service in plan.gateway.services]
    unknown = [name for name in dict.fromkeys(names) if name not in known]
    if unknown:
        listed = ", ".join(unknown)
        raise SelectionError(
            [f"context {SERVICES_CONTEXT}={','.join(names)}: {listed}: not a service of "
             f"{plan.source} (its services: {', '.join(known)})"]
        )  # fmt: skip
    return frozenset(names)


@dataclass(frozen=True)
class GatewayStacks:
    """The stacks of one gateway environment in one region (a deployment of its plan).

    :func:`build_gateway` returns the home region's; a multi-region gateway's other regions
    are its ``others``, and :attr:`deployments` is every region's, home first.

    Attributes:
        platform: the platform stack.
        services: each service's stack, by service name, in file order.
        others: the stacks of the gateway's other regions, in file order. Default: none (one
            region).
    """

    platform: PlatformStack
    services: dict[str, ServiceStack]
    others: tuple[GatewayStacks, ...] = ()

    @property
    def region(self) -> str:
        """The region these stacks deploy to (their platform stack's)."""
        return self.platform.region

    @property
    def deployments(self) -> tuple[GatewayStacks, ...]:
        """The stacks of every region: these (the home region's) first."""
        return (self, *self.others)


def build_gateway(
    scope: Stage,
    plan: GatewayPlan,
    *,
    nag: bool = True,
    services: Collection[str] | None = None,
) -> GatewayStacks:
    """Add the stacks of a gateway's plan to ``scope`` (an App or a Stage).

    Every stack is built from its part of the plan: nothing here checks the gateway file again
    (:func:`~gateway_stack.gateway.plan.plan_gateway` did).

    Args:
        scope: where the stacks go.
        plan: the gateway's plan.
        nag: check every stack against cdk-nag's AwsSolutions pack during synth (a finding
            fails the synth). Default: on.
        services: build only these services' stacks (in every region they are in), with every
            region's platform stack; checked by :func:`select_services` (an empty list is every
            service). Default: ``None``, every service.

    Every deployment of the plan (one per region, home first) is built, each stack with the
    ``env`` of its deployment's account and region. No stack refers to another region's: each
    reads what it needs from the gateway file or its own region's SSM parameters.

    Returns:
        The home region's stacks; with several regions, each other region's are in its
        ``others`` (every region's: ``.deployments``).

    Raises:
        SelectionError: ``services`` names a service the plan does not have; nothing is added.
    """
    selected = None if services is None else select_services(plan, list(services))
    home, *others = [
        _build_deployment(scope, plan, deployment, selected) for deployment in plan.deployments
    ]
    if nag:
        add_aws_solutions_checks(scope)
    return replace(home, others=tuple(others))


def build_gateway_from(
    scope: Stage, gateway: Gateway, *, documents: Path = Path(), nag: bool = True
) -> GatewayStacks:
    """Plan a validated gateway file and build its stacks: :func:`plan_gateway`, then
    :func:`build_gateway`.

    Args:
        scope: where the stacks go.
        gateway: the validated gateway file.
        documents: the folder services' ``openapi`` paths are relative to (the gateway file's).
            Default: the current folder.
        nag: check every stack against cdk-nag's AwsSolutions pack. Default: on.

    Returns:
        The home region's stacks, with the other regions' (see :func:`build_gateway`).

    Raises:
        GatewayPlanError: every problem the plan finds; no stack is added.
    """
    return build_gateway(scope, plan_gateway(gateway, documents), nag=nag)


def _build_deployment(
    scope: Stage, plan: GatewayPlan, deployment: Deployment, selected: frozenset[str] | None
) -> GatewayStacks:
    env = Environment(account=deployment.account, region=deployment.region)
    platform_stack = deployment.platform_stack
    with _building(platform_stack.name):
        platform = PlatformStack(
            scope,
            platform_stack.name,
            platform=deployment.platform,
            env=env,
            description=platform_stack.description,
        )
    services: dict[str, ServiceStack] = {}
    canaries = deployment.platform.gateway.monitoring.canaries
    for stack_plan in deployment.stacks:
        if stack_plan.role is not StackRole.SERVICE or stack_plan.service is None:
            continue
        service = stack_plan.service
        if selected is not None and service.name not in selected:
            continue
        with _building(stack_plan.name):
            stack = ServiceStack(
                scope,
                stack_plan.name,
                service=service,
                canaries=canaries,
                # The smoke command's checks of this service: the canary runs the same ones.
                canary_checks=checks_for(deployment, services=[service.name])
                if canaries.enabled
                else (),
                env=env,
                description=stack_plan.description,
            )
        # Deploy order only (SSM parameters are read at deploy time): no export, no lock.
        stack.add_stack_dependency(platform, "reads the platform's SSM parameters at deploy time")
        Tags.of(stack).add(SERVICE_TAG, service.name)
        services[service.name] = stack
    for stack in (platform, *services.values()):
        Tags.of(stack).add("gateway-stack:gateway", plan.names.gateway)
        Tags.of(stack).add("gateway-stack:environment", deployment.environment)
    return GatewayStacks(platform=platform, services=services)


@contextmanager
def _building(stack: str) -> Iterator[None]:
    """A construct's own check (or the CDK's) failing while ``stack`` is built: the messages say
    which stack, so that the app can name the part of the gateway file it comes from.

    Raises:
        SynthError: each message prefixed with ``<stack>: ``.
    """
    try:
        yield
    except (ValueError, TypeError, RuntimeError) as error:  # jsii's errors carry a JS stack
        raise SynthError([f"{stack}: {message}" for message in error_messages(error)]) from None
