"""What the platform stack of one deployment needs, resolved from the gateway file."""

from __future__ import annotations

from dataclasses import dataclass

from gateway_stack.gateway.config import Gateway, LoadBalancer
from gateway_stack.naming import GatewayNames


@dataclass(frozen=True)
class BackendPlan:
    """A load balancer and the one VPC link that reaches it.

    Attributes:
        name: the load balancer's name under ``load_balancers`` (the VPC link's name suffix).
        load_balancer: its entry in the gateway file.
        ports: the ports its services use (a created NLB's listeners), sorted.
    """

    name: str
    load_balancer: LoadBalancer
    ports: tuple[int, ...]


@dataclass(frozen=True)
class PlatformPlan:
    """The platform stack's part of the plan.

    Attributes:
        names: the gateway environment's names.
        gateway: the gateway file, for its platform-wide sections (network, domain, auth,
            tiers, clients, WAF, stage, monitoring).
        backends: the load balancers, in file order, each with its services' ports.
    """

    names: GatewayNames
    gateway: Gateway
    backends: tuple[BackendPlan, ...]


def plan_platform(gateway: Gateway, names: GatewayNames) -> PlatformPlan:
    """The platform's part of the plan of ``gateway``."""
    return PlatformPlan(
        names=names,
        gateway=gateway,
        backends=tuple(
            BackendPlan(
                name=name,
                load_balancer=balancer,
                ports=tuple(sorted({s.backend.port for s in gateway.services_on(name)})),
            )
            for name, balancer in gateway.load_balancers.items()
        ),
    )
