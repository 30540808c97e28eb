"""What the plan warns about: settings AWS accepts that probably do not do what they seem to.

A warning never fails ``validate`` or a synth; both print it (to stderr) with the file, the key
path and the line, as errors are printed, after ``warning:``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.config.issues import Issue, Location, render_issue
from gateway_stack.models.throttle import Throttle


def gateway_warnings(
    gateway: Gateway, source: str, lines: Mapping[Location, int]
) -> tuple[str, ...]:
    """Every warning about ``gateway``, rendered ``<file>: <key path>: warning: ... (line N)``,
    in file order."""
    issues = [
        Issue(loc, f"warning: {concern}")
        for loc, throttle in _throttles(gateway)
        if (concern := throttle.concern()) is not None
    ]
    issues.sort(key=lambda issue: lines.get(issue.loc, 0))
    return tuple(render_issue(source, issue, lines) for issue in issues)


def _throttles(gateway: Gateway) -> Iterator[tuple[Location, Throttle]]:
    """Each throttle of the gateway file, with its key path."""
    yield ("stage", "throttle"), gateway.stage.throttle
    for name, tier in gateway.tiers.items():
        yield ("tiers", name), tier
        for key, limit in tier.route_throttles.items():
            yield ("tiers", name, "route_throttles", key), limit
    for index, service in enumerate(gateway.services):
        if service.throttle is not None:
            yield ("services", index, "throttle"), service.throttle
        for tier_name, limit in service.plan_throttles.items():
            yield ("services", index, "plan_throttles", tier_name), limit
        for position, spec in enumerate(service.routes or ()):
            if spec.throttle is not None:
                yield ("services", index, "routes", position, "throttle"), spec.throttle
