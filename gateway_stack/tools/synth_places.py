"""Synth-time refusals of the gateway app, located in the gateway file they come from.

What stops a synth after the plan passed (a construct's own check, a cdk-nag finding, a quota
guard, CloudFormation's template checks) speaks of construct paths and stacks
(``acme-dev-svc-orders/Service/Api``). The gateway app's stacks and constructs come from known
parts of the gateway file, so each message is prefixed with the file, the key path of the part
that made the construct it names, and that key's line::

    config/prod.yaml: services[0] (service 'orders', line 97): [AwsSolutions-APIG3] ...

A message that names no construct of the gateway still names the file; one that starts with a
file already (a service's document, the gateway file) is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from gateway_stack.gateway.config.issues import Location, format_location
from gateway_stack.gateway.plan import GatewayPlan

#: The platform stack's constructs (their ids, under the stack) and the gateway-file keys they
#: are built from; ``Backends/<name>`` is ``load_balancers.<name>``.
PLATFORM_PARTS: Mapping[str, Location] = {
    "Network": ("network",),
    "LogKey": ("stage", "access_log_kms_key"),
    "ApiGatewayAccount": ("stage",),
    "WebAcl": ("waf",),
    "Domain": ("domain",),
    "Authorizer": ("auth",),
    "UsagePlans": ("tiers",),
    "Monitoring": ("monitoring",),
    "Backends": ("load_balancers",),
}


def _lines_of(loc: Location, lines: Mapping[Location, int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


class SynthPlaces:
    """Where in the gateway file each stack and construct of a planned gateway comes from.

    Args:
        plan: the gateway's plan (its stacks, services and file).
        lines: the line of each key path in the gateway file.
    """

    def __init__(self, plan: GatewayPlan, lines: Mapping[Location, int]):
        self.source = plan.source
        self.lines = lines
        self.platform = {d.platform_stack.name for d in plan.deployments}
        self.services = {
            stack.name: stack.service
            for deployment in plan.deployments
            for stack in deployment.service_stacks
            if stack.service is not None
        }
        names = sorted([*self.platform, *self.services], key=len, reverse=True)
        self._stack = re.compile(
            r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?:/([\w.-]+)(?:/([\w.-]+))?)?"
        )

    def locate(self, message: str) -> str:
        """``message`` prefixed with the gateway file and, when it names one of the gateway's
        stacks or constructs, the key path (and line) that made it."""
        named = message.split(": ", 1)[0]
        if named == self.source or Path(named).is_file():  # it names its file already
            return message
        found = self._stack.search(message)
        if found is None:
            return f"{self.source}: {message}"
        stack, part, child = found.groups()
        if stack in self.services:
            service = self.services[stack]
            loc: Location = ("services", service.index)
            what = f"service {service.name!r}"
        else:
            loc = PLATFORM_PARTS.get(part or "", ())
            if loc == ("load_balancers",) and child:
                loc = ("load_balancers", child)
            what = "the platform stack"
        line = _lines_of(loc, self.lines) if loc else None
        where = f"{format_location(loc)} ({what}" if loc else f"({what}"
        where += f", line {line})" if line else ")"
        return f"{self.source}: {where}: {message}"

    def locate_all(self, messages: Sequence[str]) -> list[str]:
        """Every message located (see :meth:`locate`)."""
        return [self.locate(message) for message in messages]
