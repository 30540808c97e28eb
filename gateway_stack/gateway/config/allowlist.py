"""The gateway file's ``allowlist``: what the platform team allows services to register.

Services register base paths and backends; the platform team owns this section (give it its own
code owners) and decides which base paths may exist and which load balancers they may reach.
A service outside it fails synth, naming the rule; the same rules are published for service
teams' own apps (SSM) and enforced before deploy by a CloudFormation Guard policy
(``gateway_stack.tools.policy``).
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from gateway_stack.gateway.config.issues import Issue
from gateway_stack.models.allowlist import base_path_matches


def allowlist_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Services whose base path or backend the allowlist does not allow (raw data, any shape)."""
    allowlist = data.get("allowlist")
    services = data.get("services")
    if not isinstance(allowlist, Mapping) or not isinstance(services, list | tuple):
        return []
    issues = []
    # A section the model refuses (not a list, not a mapping) checks nothing: no cascade.
    listed = isinstance(allowlist.get("base_paths"), list | tuple)
    patterns = _strings(allowlist.get("base_paths")) if listed else None
    backends = allowlist.get("backends")
    balancers = data.get("load_balancers")
    balancers = balancers if isinstance(balancers, Mapping) else {}
    for index, service in enumerate(services):
        if not isinstance(service, Mapping):
            continue
        base_path = service.get("base_path")
        if (
            patterns is not None
            and isinstance(base_path, str)
            and not any(base_path_matches(p, base_path) for p in patterns)
        ):
            issues.append(
                Issue(
                    ("services", index, "base_path"),
                    f"base path {base_path!r} is not allowed by allowlist.base_paths "
                    f"({', '.join(patterns) or 'none'}): ask the platform team to add it",
                )
            )
        backend = service.get("backend")
        name = backend.get("load_balancer") if isinstance(backend, Mapping) else None
        balancer = balancers.get(name) if isinstance(name, str) else None
        if isinstance(backends, Mapping) and isinstance(balancer, Mapping):
            reason = _backend_refusal(backends, balancer, data.get("network"))
            if reason:
                issues.append(
                    Issue(
                        ("services", index, "backend", "load_balancer"),
                        f"load balancer {name!r} is not allowed by allowlist.backends: {reason}",
                    )
                )
    return issues


def _backend_refusal(
    backends: Mapping[str, Any], balancer: Mapping[str, Any], network: Any
) -> str | None:
    """Why the allowlist refuses ``balancer``, or None if one of its lists allows it."""
    if balancer.get("create") is True:
        vpc_id = network.get("vpc_id") if isinstance(network, Mapping) else None
        if vpc_id is None or vpc_id in _strings(backends.get("vpc_ids")):
            return None  # in the VPC the gateway creates, or an allowed one
        return f"it is created in {vpc_id}, which is not in vpc_ids"
    arn, dns_name = balancer.get("arn"), balancer.get("dns_name")
    if not isinstance(arn, str) and not isinstance(dns_name, str):
        return None  # not a load balancer the model takes: it reports that instead
    if isinstance(arn, str) and any(fnmatchcase(arn, p) for p in _strings(backends.get("arns"))):
        return None
    if isinstance(dns_name, str) and any(
        fnmatchcase(dns_name, p) for p in _strings(backends.get("dns_names"))
    ):
        return None
    return f"neither its ARN {arn!r} matches arns nor its DNS name {dns_name!r} dns_names"


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
