"""How DNS reaches each region of a multi-region gateway: its :class:`RegionRouting`."""

from __future__ import annotations

from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.config.domain import DomainName
from gateway_stack.gateway.config.route_keys import parse_service_route
from gateway_stack.gateway.config.routing import regional_name
from gateway_stack.gateway.plan.platform import HealthCheckPlan, RegionRouting


def plan_routing(gateway: Gateway, region: str) -> RegionRouting | None:
    """The routing of ``region`` (one of the gateway's regions), or None for a single-region
    gateway.

    The region's own name is ``regions.<region>.regional_name`` (default
    ``<region>.<domain.name>``; the home region's is always the default), in the main name's
    hosted zone, with the region's certificate for it when ``certificate_arns`` gives one. The
    health check calls the health route on it: ``/<base path><path>``.
    """
    routing = gateway.routing
    if routing is None:
        return None
    domain = gateway.domain
    entry = (gateway.regions or {}).get(region)
    name = regional_name(domain.name, region, entry.regional_name if entry else None)
    check = routing.health_check
    route = parse_service_route(check.route)
    (service,) = (s for s in gateway.services if s.name == route.service)
    primary = routing.primary or gateway.region
    return RegionRouting(
        policy=routing.policy,
        set_identifier=region,
        failover=("PRIMARY" if region == primary else "SECONDARY")
        if routing.policy == "failover"
        else None,
        regional_name=DomainName(
            name=name,
            hosted_zone_name=domain.hosted_zone_name,
            hosted_zone_id=domain.hosted_zone_id,
            certificate_arn=entry.certificate_arns.get(name) if entry else None,
        ),
        health_check=HealthCheckPlan(
            fqdn=name,
            path=f"/{service.base_path}{route.route.path}",
            interval_seconds=check.interval_seconds,
            failure_threshold=check.failure_threshold,
            authorizer_alarm=check.authorizer_alarm,
        ),
        regions=gateway.all_regions,
    )
