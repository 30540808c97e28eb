"""Gateway Stack: one API surface for many private microservices on Amazon API Gateway, in CDK.

The public face: what service teams and platform teams import, by name, from ``gateway_stack``.

Service teams attach a service to a platform from their own CDK app::

    from gateway_stack import GatewayService, PlatformRef, PrivateIntegration, StageConfig

* :class:`GatewayService`: a service's API attached as the platform's policy requires.
* :class:`PlatformRef`: the platform, by its gateway's name and environment (SSM, at deploy).
* :class:`PlatformAttachment`: an API of the team's own making, attached the same way.
* The pieces, for teams that wire them themselves: :class:`ServiceApi`, :class:`StageConfig`,
  :class:`BackendRef`, :class:`UsagePlanMembership`, :class:`PlanThrottle`,
  :class:`ServiceMonitoring`, :class:`AlarmThresholds`.
* What they take: :class:`PrivateIntegration`, :class:`Route`, :class:`RouteOptions`,
  :func:`parse_route`, :class:`Throttle`, :class:`Cors`, :class:`AuthorizerRef`.
* Checks: :func:`add_aws_solutions_checks`, :func:`acknowledge`, :func:`synth_cleanly`,
  :class:`GatewayStackError`.

Platform teams build a whole gateway from a gateway file (``python -m gateway_stack init`` writes
a starter app): :func:`plan_gateway_file` resolves and checks it into a :class:`GatewayPlan`
(the YAML loader loads when it is called), :func:`build_gateway` builds the plan's stacks
(:class:`GatewayStacks`: a :class:`PlatformStack` and a :class:`ServiceStack` per service), and
:func:`build_gateway_from` does both from a loaded model; :class:`GatewayNames` names
everything.

Names load on first use: ``import gateway_stack`` loads no CDK code, and the commands
(``python -m gateway_stack validate``) start without it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway_stack.constructs.backend import BackendRef
    from gateway_stack.constructs.gateway_service import GatewayService
    from gateway_stack.constructs.monitoring import ServiceMonitoring
    from gateway_stack.constructs.nag import acknowledge, add_aws_solutions_checks
    from gateway_stack.constructs.plan_membership import UsagePlanMembership
    from gateway_stack.constructs.platform_attachment import PlatformAttachment
    from gateway_stack.constructs.platform_ref import PlatformRef
    from gateway_stack.constructs.service_api import ServiceApi
    from gateway_stack.constructs.stage import StageConfig
    from gateway_stack.constructs.synth_errors import synth_cleanly
    from gateway_stack.errors import GatewayStackError
    from gateway_stack.gateway.app import GatewayStacks, build_gateway, build_gateway_from
    from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
    from gateway_stack.gateway.platform_stack import PlatformStack
    from gateway_stack.gateway.service_stack import ServiceStack
    from gateway_stack.models.alarms import AlarmThresholds
    from gateway_stack.models.cors import Cors
    from gateway_stack.models.plan_throttle import PlanThrottle
    from gateway_stack.models.throttle import Throttle
    from gateway_stack.naming import GatewayNames
    from gateway_stack.openapi import (
        AuthorizerRef,
        PrivateIntegration,
        Route,
        RouteOptions,
        parse_route,
    )

#: Public name -> the module that defines it.
_PUBLIC: dict[str, str] = {
    # service teams: the construct, the platform, the pieces
    "GatewayService": "gateway_stack.constructs.gateway_service",
    "PlatformRef": "gateway_stack.constructs.platform_ref",
    "PlatformAttachment": "gateway_stack.constructs.platform_attachment",
    "ServiceApi": "gateway_stack.constructs.service_api",
    "BackendRef": "gateway_stack.constructs.backend",
    "StageConfig": "gateway_stack.constructs.stage",
    "UsagePlanMembership": "gateway_stack.constructs.plan_membership",
    "PlanThrottle": "gateway_stack.models.plan_throttle",
    "ServiceMonitoring": "gateway_stack.constructs.monitoring",
    "AlarmThresholds": "gateway_stack.models.alarms",
    # what they take
    "PrivateIntegration": "gateway_stack.openapi",
    "Route": "gateway_stack.openapi",
    "RouteOptions": "gateway_stack.openapi",
    "parse_route": "gateway_stack.openapi",
    "Throttle": "gateway_stack.models.throttle",
    "Cors": "gateway_stack.models.cors",
    "AuthorizerRef": "gateway_stack.openapi",
    # checks
    "add_aws_solutions_checks": "gateway_stack.constructs.nag",
    "acknowledge": "gateway_stack.constructs.nag",
    "synth_cleanly": "gateway_stack.constructs.synth_errors",
    "GatewayStackError": "gateway_stack.errors",
    # platform teams
    "plan_gateway_file": "gateway_stack.gateway.plan",
    "GatewayPlan": "gateway_stack.gateway.plan",
    "build_gateway": "gateway_stack.gateway.app",
    "build_gateway_from": "gateway_stack.gateway.app",
    "GatewayStacks": "gateway_stack.gateway.app",
    "PlatformStack": "gateway_stack.gateway.platform_stack",
    "ServiceStack": "gateway_stack.gateway.service_stack",
    "GatewayNames": "gateway_stack.naming",
}

__all__ = [
    "AlarmThresholds",
    "AuthorizerRef",
    "BackendRef",
    "Cors",
    "GatewayNames",
    "GatewayPlan",
    "GatewayService",
    "GatewayStackError",
    "GatewayStacks",
    "PlanThrottle",
    "PlatformAttachment",
    "PlatformRef",
    "PlatformStack",
    "PrivateIntegration",
    "Route",
    "RouteOptions",
    "ServiceApi",
    "ServiceMonitoring",
    "ServiceStack",
    "StageConfig",
    "Throttle",
    "UsagePlanMembership",
    "acknowledge",
    "add_aws_solutions_checks",
    "build_gateway",
    "build_gateway_from",
    "parse_route",
    "plan_gateway_file",
    "synth_cleanly",
]


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'gateway_stack' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
