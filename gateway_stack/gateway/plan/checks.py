"""The checks that run on the plan, before any construct exists: those of one service that need
its resolved routes, and those across services that no single service can see.

Each records its problems with the place they come from (a key of the gateway file, or the
route's operation in the service's document) and says what to do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from gateway_stack.base_paths import find_shadowed_routes
from gateway_stack.gateway.plan.platform import PlatformPlan
from gateway_stack.gateway.plan.problems import FilePlace, Problems
from gateway_stack.gateway.plan.service import ServicePlan
from gateway_stack.limits import (
    MAX_API_MAPPINGS,
    MAX_API_RESOURCES,
    MAX_VPC_LINKS,
    STACK_RESOURCE_BUDGET,
)

#: The platform stack's resources per client: its API key and its key's place in a usage plan.
RESOURCES_PER_CLIENT = 2


def check_service(service: ServicePlan, problems: Problems) -> None:
    """One service: routes that cache on a stage without a cache cluster, and the resources of
    its REST API against API Gateway's quota."""
    if service.stage.cache_size_gb is None:
        for route in service.routes:
            if route.options.cache_ttl_seconds:
                problems.add(
                    service.route_places.get(route.key, FilePlace(("services", service.index))),
                    f"route {route.key} caches responses (cache_ttl_seconds), but service "
                    f"{service.name!r} has no cache cluster: set its cache_size_gb "
                    f"({problems.where(('services', service.index, 'cache_size_gb'))}), or stop "
                    "caching the route",
                )
    count = len(service.resource_paths)
    if count > MAX_API_RESOURCES:
        problems.at(
            ("services", service.index),
            f"service {service.name!r}: its routes make {count} API resources, over API "
            f"Gateway's quota of {MAX_API_RESOURCES} resources per REST API: split a dense base "
            "path into a service of its own (one API per dense base path), or ask AWS to raise "
            "the quota",
        )


def check_services(
    platform: PlatformPlan, services: Sequence[ServicePlan], problems: Problems
) -> None:
    """Across the services of one deployment: base paths that collide on a domain name, routes
    a longer base path shadows, API mappings per domain name, VPC links per account and region,
    and the platform stack's resources that grow with the clients."""
    for shadowed in find_shadowed_routes(
        {service.name: (service.base_path, service.routes) for service in services}
    ):
        (service,) = (s for s in services if s.name == shadowed.service)
        problems.add(
            service.route_places.get(shadowed.route.key, FilePlace(("services", service.index))),
            shadowed.message,
        )
    per_domain = Counter(mapping.domain_name for s in services for mapping in s.mappings)
    for domain, count in per_domain.items():
        if count > MAX_API_MAPPINGS:
            problems.at(
                ("services",),
                f"{count} API mappings on {domain} (one per service): API Gateway allows "
                f"{MAX_API_MAPPINGS} per domain name, and the quota cannot be raised. Serve the "
                "rest under another domain name, i.e. another gateway",
            )
    links = len(platform.backends)  # one VPC link per load balancer
    if links > MAX_VPC_LINKS:
        gateway = platform.gateway
        problems.at(
            ("load_balancers",),
            f"{links} load balancers, each reached through a VPC link of its own: API Gateway "
            f"allows {MAX_VPC_LINKS} REST API VPC links per account and region "
            f"({gateway.account}/{gateway.region}). Put services behind fewer load balancers "
            "(services share a load balancer's VPC link), or ask AWS for a higher quota",
        )
    check_platform_resources(platform, problems)


def check_platform_resources(platform: PlatformPlan, problems: Problems) -> None:
    """The platform stack's resources that the gateway file alone decides, against the stack
    budget: an API key and a usage-plan key per client, a usage plan per tier. The platform's
    other resources add to these, so the quota guard still counts the written template (see
    :mod:`gateway_stack.constructs.guards`); this check refuses what surely breaks the budget
    before anything is synthesized."""
    gateway = platform.gateway
    count = RESOURCES_PER_CLIENT * len(gateway.clients) + len(gateway.tiers)
    if count > STACK_RESOURCE_BUDGET:
        problems.at(
            ("clients",),
            f"{len(gateway.clients)} clients make {count} resources in the platform stack (an "
            f"API key and a usage-plan key each, a usage plan per tier), over the budget of "
            f"{STACK_RESOURCE_BUDGET} that keeps headroom below CloudFormation's 500 per stack, "
            "before the platform's own resources: serve some of the clients from another "
            "gateway",
        )
