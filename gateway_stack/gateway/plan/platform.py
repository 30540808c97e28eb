"""What the platform stack of one deployment needs, resolved from the gateway file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gateway_stack.gateway.config import Gateway, LoadBalancer
from gateway_stack.gateway.config.domain import DomainName
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
class HealthCheckPlan:
    """The Route 53 health check of one region (see docs/regions.md).

    Attributes:
        fqdn: the region's own name, which reaches this region only (e.g.
            ``eu-west-1.api.example.com``): the checkers call it over HTTPS, with it as SNI and
            Host.
        path: the public health route's path on that name, base path included (e.g.
            ``/inventory/health``).
        interval_seconds: seconds between one checker's requests (10 or 30).
        failure_threshold: consecutive failures (or successes) that change the status (1-10).
        authorizer_alarm: also unhealthy while the region's authorizer error alarm is in
            ALARM (the health route has no authorizer, so its check cannot see that).
    """

    fqdn: str
    path: str
    interval_seconds: int
    failure_threshold: int
    authorizer_alarm: bool


@dataclass(frozen=True)
class RegionRouting:
    """How DNS sends clients to one region of a multi-region gateway.

    Attributes:
        policy: ``latency`` (each client to its nearest healthy region) or ``failover`` (the
            primary while healthy, else the secondary).
        set_identifier: the records' set identifier (the region's code).
        failover: ``PRIMARY`` or ``SECONDARY`` for the failover policy, else None.
        regional_name: the region's own name (in the main name's hosted zone), with simple
            alias records: what the health check calls, and what an operator or the smoke
            command uses to reach this region alone.
        health_check: this region's health check.
        regions: every region of the gateway, home first.
    """

    policy: Literal["latency", "failover"]
    set_identifier: str
    failover: Literal["PRIMARY", "SECONDARY"] | None
    regional_name: DomainName
    health_check: HealthCheckPlan
    regions: tuple[str, ...]


@dataclass(frozen=True)
class PlatformPlan:
    """The platform stack's part of the plan.

    Attributes:
        names: the gateway environment's names.
        gateway: the gateway file's view of this region (its single-region ``Gateway``,
            :meth:`Gateway.in_region`), for its platform-wide sections (network, domain, auth,
            tiers, clients, WAF, stage, monitoring).
        backends: the load balancers, in file order, each with its services' ports.
        routing: how DNS routes to this region, for a multi-region gateway. Default: none (one
            region: simple alias records, no health check).
    """

    names: GatewayNames
    gateway: Gateway
    backends: tuple[BackendPlan, ...]
    routing: RegionRouting | None = None


def plan_platform(
    gateway: Gateway, names: GatewayNames, routing: RegionRouting | None = None
) -> PlatformPlan:
    """The platform's part of the plan of ``gateway`` (one region's view of the file), with
    how DNS routes to the region (``routing``; default none: a single-region gateway)."""
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
        routing=routing,
    )
