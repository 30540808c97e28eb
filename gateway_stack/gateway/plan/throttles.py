"""Per tier, the limits that replace a tier's own on one service's stage."""

from __future__ import annotations

from collections.abc import Sequence

from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.config.route_keys import parse_service_route
from gateway_stack.gateway.plan.problems import Problems
from gateway_stack.models.plan_throttle import PlanThrottle, method_key
from gateway_stack.openapi import Route


def plan_overrides(
    gateway: Gateway, index: int, routes: Sequence[Route], problems: Problems
) -> dict[str, tuple[PlanThrottle, ...]]:
    """Per tier, the overrides on service ``index``'s stage: its ``plan_throttles`` (the whole
    stage) and the tier's ``route_throttles`` for its routes. A route throttle that names a
    route the service does not have is a problem at that key."""
    service = gateway.services[index]
    keys = {route.key for route in routes}
    overrides: dict[str, tuple[PlanThrottle, ...]] = {}
    for tier_name, tier in gateway.tiers.items():
        groups = []
        if tier_name in service.plan_throttles:
            groups.append(PlanThrottle(service.plan_throttles[tier_name]))
        for key, limit in tier.route_throttles.items():
            named = parse_service_route(key)
            if named.service != service.name:
                continue
            if named.route.key not in keys:
                problems.at(
                    ("tiers", tier_name, "route_throttles", key),
                    f"service {service.name!r} has no route {named.route.key}; its routes: "
                    f"{', '.join(sorted(keys))}. Name one of them, or remove the throttle",
                )
                continue
            groups.append(
                PlanThrottle(limit, methods=(method_key(named.route.method, named.route.path),))
            )
        if groups:
            overrides[tier_name] = tuple(groups)
    return overrides
