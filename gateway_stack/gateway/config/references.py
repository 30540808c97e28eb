"""Cross-references inside a gateway file: names that must be unique, names that must exist.

These checks read plain data (the parsed YAML, or a model dumped to a dict) and tolerate any
shape, so the loader can report them together with the model's own errors in one pass. What
needs the services' resolved routes or their mappings (shadowed routes, mappings per domain
name) is the plan's (:mod:`gateway_stack.gateway.plan.checks`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gateway_stack.gateway.config.allowlist import allowlist_issues
from gateway_stack.gateway.config.issues import Issue
from gateway_stack.gateway.config.monitoring import alarm_issues
from gateway_stack.gateway.config.route_keys import service_of
from gateway_stack.gateway.config.routing import routing_issues
from gateway_stack.limits import MAX_API_KEYS, MAX_USAGE_PLANS

#: pydantic error type of the model's own reference check (the loader reports these itself).
REFERENCE_ERROR = "gateway_references"


def check_references(data: Any) -> list[Issue]:
    """Every uniqueness and reference problem in ``data``, in file order."""
    if not isinstance(data, Mapping):
        return []
    tiers = _names(data.get("tiers"))
    balancers = data.get("load_balancers")
    balancer_names = _names(balancers)
    clients = _items(data.get("clients"))
    services = _items(data.get("services"))

    issues = _duplicates("clients", clients, "id", "client id")
    for index, client in clients:
        tier = client.get("tier")
        if tiers is not None and isinstance(tier, str) and tier not in tiers:
            issues.append(
                Issue(
                    ("clients", index, "tier"),
                    f"unknown tier {tier!r}; declared tiers: {', '.join(sorted(tiers))}",
                )
            )

    raw_tiers = data.get("tiers")
    issues += _plan_issues(
        tiers,
        clients,
        services,
        raw_tiers if isinstance(raw_tiers, Mapping) else None,
        services_listed=_items_listed(data.get("services")),
    )

    issues += _duplicates("services", services, "name", "service name")
    # Every service is mapped on every domain name: one base path, one service.
    issues += _duplicates("services", services, "base_path", "base path")
    for index, service in services:
        backend = service.get("backend")
        name = backend.get("load_balancer") if isinstance(backend, Mapping) else None
        if balancer_names is not None and isinstance(name, str) and name not in balancer_names:
            issues.append(
                Issue(
                    ("services", index, "backend", "load_balancer"),
                    f"unknown load balancer {name!r}; declared under load_balancers: "
                    f"{', '.join(sorted(balancer_names)) or '(none)'}",
                )
            )

    network = data.get("network")
    zones = data.get("availability_zones")
    subnets = network.get("private_subnet_ids") if isinstance(network, Mapping) else None
    if (
        isinstance(subnets, list | tuple)
        and isinstance(zones, list | tuple)
        and subnets
        and len(subnets) != len(zones)
    ):
        issues.append(
            Issue(
                ("network", "private_subnet_ids"),
                f"{len(subnets)} subnets for {len(zones)} availability zones: give one "
                "private subnet per zone, in the order of availability_zones",
            )
        )
    if isinstance(balancers, Mapping) and network is None:
        for name, balancer in balancers.items():
            if isinstance(balancer, Mapping) and balancer.get("create") is True:
                issues.append(
                    Issue(
                        ("load_balancers", str(name), "create"),
                        "a created load balancer needs a 'network' to live in: add a "
                        "'network' section (an existing VPC or 'create')",
                    )
                )
    return issues + allowlist_issues(data) + alarm_issues(data) + routing_issues(data)


def _plan_issues(
    tiers: set[str] | None,
    clients: list[tuple[int, Mapping[str, Any]]],
    services: list[tuple[int, Mapping[str, Any]]],
    data_tiers: Mapping[str, Any] | None = None,
    *,
    services_listed: bool = True,
) -> list[Issue]:
    """Usage-plan quotas, and tiers that per-service overrides name."""
    issues: list[Issue] = []
    if len(clients) > MAX_API_KEYS:
        issues.append(
            Issue(
                ("clients",),
                f"{len(clients)} clients: each has an API key, and API Gateway allows "
                f"{MAX_API_KEYS} per account and region (not raisable)",
            )
        )
    if tiers is not None and len(tiers) > MAX_USAGE_PLANS:
        issues.append(
            Issue(
                ("tiers",),
                f"{len(tiers)} tiers: each is a usage plan, and API Gateway allows "
                f"{MAX_USAGE_PLANS} per account and region: merge tiers or ask AWS to raise it",
            )
        )
    service_names = {s.get("name") for _, s in services}
    # Without a list of services (missing or mistyped), every route would be "unknown": the
    # model reports the services section instead.
    for name, tier in (data_tiers or {}).items() if services_listed else ():
        routes = tier.get("route_throttles") if isinstance(tier, Mapping) else None
        for key in routes if isinstance(routes, Mapping) else ():
            service = service_of(str(key))
            if service not in service_names:
                issues.append(
                    Issue(
                        ("tiers", str(name), "route_throttles", str(key)),
                        f"unknown service {service!r}; services: "
                        f"{', '.join(sorted(str(n) for n in service_names)) or '(none)'}",
                    )
                )
    for index, service in services:
        overrides = service.get("plan_throttles")
        if tiers is not None and isinstance(overrides, Mapping):
            issues += [
                Issue(
                    ("services", index, "plan_throttles", str(tier)),
                    f"unknown tier {tier!r}; declared tiers: {', '.join(sorted(tiers))}",
                )
                for tier in overrides
                if tier not in tiers
            ]
    return issues


def _names(section: Any) -> set[str] | None:
    return {str(key) for key in section} if isinstance(section, Mapping) else None


def _items_listed(section: Any) -> bool:
    return isinstance(section, Sequence) and not isinstance(section, str)


def _items(section: Any) -> list[tuple[int, Mapping[str, Any]]]:
    if not _items_listed(section):
        return []
    return [(i, item) for i, item in enumerate(section) if isinstance(item, Mapping)]


def _duplicates(
    section: str, items: list[tuple[int, Mapping[str, Any]]], key: str, what: str
) -> list[Issue]:
    """An issue at every repeat of a value, naming where it first appeared."""
    first: dict[Any, int] = {}
    issues = []
    for index, item in items:
        value = item.get(key)
        if not isinstance(value, str):
            continue
        if value in first:
            message = f"duplicate {what} {value!r}: {section}[{first[value]}] has it already"
            issues.append(Issue((section, index, key), message))
        else:
            first[value] = index
    return issues
