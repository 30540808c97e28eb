"""The rules of a gateway in several regions that span sections: ``regions`` and ``routing``
together, the health check's route and service, the services' ``regions``, the domain's zones.

Like :mod:`gateway_stack.gateway.config.references`, these read plain data and tolerate any
shape (the model reports a malformed section itself), so the loader reports them with the
model's errors in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gateway_stack.gateway.config.issues import Issue
from gateway_stack.gateway.config.route_keys import service_of
from gateway_stack.gateway.config.views import added_regions, positions_in
from gateway_stack.models.regions import region_problem
from gateway_stack.openapi.routes import parse_route


def regional_name(domain_name: str, region: str, given: str | None = None) -> str:
    """A region's own name: ``given``, else ``<region>.<domain_name>``."""
    return given or f"{region}.{domain_name}"


def routing_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Every problem of ``regions``, ``routing`` and the services' ``regions``, in file order."""
    regions = data.get("regions")
    routing = data.get("routing")
    home = data.get("region")
    issues: list[Issue] = []
    if routing is not None and regions is None:
        issues.append(
            Issue(
                ("routing",),
                "routing spreads clients over several regions: add 'regions' (the regions "
                "besides the home region, the top-level 'region'), or remove 'routing'",
            )
        )
    if regions is not None and routing is None:
        issues.append(
            Issue(
                ("regions",),
                "a gateway in several regions needs 'routing': how DNS chooses a region "
                "(policy) and how it knows a region is unhealthy (health_check)",
            )
        )
    for region in regions if isinstance(regions, Mapping) else ():
        problem = region_problem(str(region))
        if problem:
            issues.append(Issue(("regions", str(region)), problem))
    if isinstance(regions, Mapping) and home in regions:
        issues.append(
            Issue(
                ("regions", str(home)),
                f"{home} is the home region (the top-level 'region'), which holds the gateway's "
                "top-level settings: list only the other regions here",
            )
        )
    everywhere = (str(home), *added_regions(data)) if isinstance(home, str) else added_regions(data)
    issues += _service_regions(data, everywhere)
    if isinstance(regions, Mapping):
        issues += _domain_zones(data) + _domain_mtls(data)
        issues += _region_entries(data) + _regional_names(data)
    if isinstance(routing, Mapping) and isinstance(regions, Mapping):
        issues += _routing(data, routing, everywhere)
    return issues


def _service_regions(data: Mapping[str, Any], everywhere: tuple[str, ...]) -> list[Issue]:
    issues = []
    for index, service in _items(data.get("services")):
        listed = service.get("regions")
        if not isinstance(listed, Sequence) or isinstance(listed, str):
            continue
        for position, region in enumerate(listed):
            if region not in everywhere:
                issues.append(
                    Issue(
                        ("services", index, "regions", position),
                        f"{region!r} is not one of the gateway's regions: "
                        f"{', '.join(everywhere)} (the top-level 'region' and the keys of "
                        "'regions')",
                    )
                )
        if len(set(map(str, listed))) != len(listed):
            issues.append(Issue(("services", index, "regions"), "lists a region twice"))
    return issues


def _domain_zones(data: Mapping[str, Any]) -> list[Issue]:
    domain = data.get("domain")
    if not isinstance(domain, Mapping):
        return []
    named = [(("domain",), domain)] + [
        (("domain", "aliases", index), alias) for index, alias in _items(domain.get("aliases"))
    ]
    return [
        Issue(
            (*loc, "hosted_zone_id"),
            f"{entry.get('name')}: a gateway in several regions needs the hosted zone's id: "
            "without it, each region's platform stack would create a hosted zone of its own, "
            "and the name's records would be split between them. Create the zone once (or use "
            "an existing one) and give its id",
        )
        for loc, entry in named
        if isinstance(entry, Mapping) and entry.get("hosted_zone_id") is None
    ]


def _domain_mtls(data: Mapping[str, Any]) -> list[Issue]:
    domain = data.get("domain")
    if not isinstance(domain, Mapping) or domain.get("mtls") is None:
        return []
    return [
        Issue(
            ("domain", "mtls"),
            "mutual TLS cannot be used with several regions: Route 53's health checkers "
            "present no client certificate, so each region's health check would always fail "
            "(and a regional name without mutual TLS would be a way around it). Remove 'mtls' "
            "or keep the gateway in one region",
        )
    ]


def _region_entries(data: Mapping[str, Any]) -> list[Issue]:
    """Each added region's entry: the load balancers it replaces, what it must not inherit,
    and that it has services."""
    issues = []
    balancers = data.get("load_balancers")
    declared = {str(n) for n in balancers} if isinstance(balancers, Mapping) else None
    network = data.get("network")
    for region, entry in _entries(data):
        where = ("regions", region)
        for name in entry.get("load_balancers") or {}:
            if declared is not None and str(name) not in declared:
                issues.append(
                    Issue(
                        (*where, "load_balancers", str(name)),
                        f"unknown load balancer {name!r}: a region replaces a load balancer "
                        "declared under the top-level load_balancers; declared there: "
                        f"{', '.join(sorted(declared)) or '(none)'}",
                    )
                )
        if (
            isinstance(network, Mapping)
            and network.get("vpc_id") is not None
            and entry.get("network") is None
        ):
            issues.append(
                Issue(
                    where,
                    f"the top-level network is an existing VPC ({network['vpc_id']}), which is "
                    f"in {data.get('region')}: set network under regions.{region} (a VPC of "
                    f"{region}, or 'create')",
                )
            )
        if not positions_in(data, region):
            issues.append(
                Issue(where, f"no service is in {region}: every service's 'regions' leaves it out")
            )
    return issues


def _regional_names(data: Mapping[str, Any]) -> list[Issue]:
    """Each region's own name (in the main name's zone, a name of no other) and the names its
    certificates are for."""
    domain = data.get("domain")
    domain = domain if isinstance(domain, Mapping) else {}
    main, zone, home = domain.get("name"), domain.get("hosted_zone_name"), data.get("region")
    if not isinstance(main, str):
        return []
    names = [main, *(a.get("name") for _, a in _items(domain.get("aliases")))]
    taken = [*names, regional_name(main, home)] if isinstance(home, str) else list(names)
    issues = []
    for region, entry in _entries(data):
        where = ("regions", region)
        given = entry.get("regional_name")
        name = regional_name(main, region, given)
        loc = (*where, "regional_name") if given is not None else where
        if isinstance(zone, str) and not name.endswith("." + zone):
            issues.append(
                Issue(loc, f"{name!r} is not inside the main name's hosted zone {zone!r}")
            )
        if name in taken:
            issues.append(
                Issue(
                    loc,
                    f"{name!r} is already a name of the gateway (a domain name, or another "
                    "region's own name): give each region a name of its own",
                )
            )
        taken.append(name)
        known = [*names, name]
        for certificate in entry.get("certificate_arns") or {}:
            if certificate not in known:
                issues.append(
                    Issue(
                        (*where, "certificate_arns", str(certificate)),
                        f"{certificate!r} is not a name of this region: the main name, an "
                        f"alias, or the regional name ({', '.join(map(str, known))})",
                    )
                )
    return issues


def _entries(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """Each added region, with its entry when that is a mapping."""
    regions = data["regions"]
    return [
        (region, regions[region])
        for region in added_regions(data)
        if isinstance(regions.get(region), Mapping)
    ]


def _routing(
    data: Mapping[str, Any], routing: Mapping[str, Any], everywhere: tuple[str, ...]
) -> list[Issue]:
    issues = []
    policy = routing.get("policy", "latency")
    primary = routing.get("primary")
    if policy == "failover" and len(everywhere) != 2:
        issues.append(
            Issue(
                ("routing", "policy"),
                f"failover sends clients to a primary region and, when it is unhealthy, to a "
                f"secondary one: it needs exactly two regions, and the gateway has "
                f"{len(everywhere)} ({', '.join(everywhere)}). Use latency, or list one region "
                "under 'regions'",
            )
        )
    if primary is not None and policy != "failover":
        issues.append(
            Issue(("routing", "primary"), "only the failover policy has a primary region")
        )
    elif (
        isinstance(primary, str)
        and primary not in everywhere
        # a misspelt region key is reported at the key; the primary may be its right spelling
        and not any(region_problem(region) for region in everywhere)
    ):
        issues.append(
            Issue(
                ("routing", "primary"),
                f"{primary!r} is not one of the gateway's regions: {', '.join(everywhere)}",
            )
        )
    check = routing.get("health_check")
    route = check.get("route") if isinstance(check, Mapping) else None
    if isinstance(route, str):
        issues += _health_route(data, route, everywhere)
    return issues


def _health_route(data: Mapping[str, Any], route: str, everywhere: tuple[str, ...]) -> list[Issue]:
    loc = ("routing", "health_check", "route")
    name = service_of(route)
    services = _items(data.get("services"))
    found = [(i, s) for i, s in services if s.get("name") == name]
    if not found:
        known = ", ".join(sorted(str(s.get("name")) for _, s in services)) or "(none)"
        return [Issue(loc, f"unknown service {name!r}; services: {known}")]
    index, service = found[0]
    try:
        key = parse_route(route.strip().partition(" ")[2]).key
    except ValueError:
        return []  # the model says why
    public = service.get("public_routes")
    listed = set()
    for text in public if isinstance(public, Sequence) and not isinstance(public, str) else ():
        try:
            listed.add(parse_route(str(text)).key)
        except ValueError:
            continue
    issues = []
    if "{" in key:
        issues.append(
            Issue(
                loc,
                f"{key} has a path parameter: Route 53's checkers request the path as written "
                "(a literal '{...}'), so the check would test a route no client calls. Name a "
                "public route with a fixed path, e.g. GET /health",
            )
        )
    elif key not in listed:
        issues.append(
            Issue(
                loc,
                f"{key} is not in the public routes of service {name!r} "
                f"(services[{index}].public_routes): Route 53's health checkers send no token "
                "and no API key, so the route must be public. Add it there (with 'security: []' "
                "in its OpenAPI document), or name a public route",
            )
        )
    missing = [r for r in everywhere if index not in positions_in(data, r)]
    if missing:
        issues.append(
            Issue(
                loc,
                f"service {name!r} is not in {', '.join(missing)} (services[{index}].regions): "
                "each region's health check calls it on that region's own name, so it must be "
                "in every region",
            )
        )
    return issues


def _items(section: Any) -> list[tuple[int, Mapping[str, Any]]]:
    if not isinstance(section, Sequence) or isinstance(section, str):
        return []
    return [(i, item) for i, item in enumerate(section) if isinstance(item, Mapping)]
