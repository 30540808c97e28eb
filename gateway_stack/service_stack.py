"""``ServiceStack``: one service's API, in a stack of its own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import Stack
from constructs import Construct

from .authorizer_function import authorizer_arn
from .config import Gateway, Service
from .errors import GatewayStackError
from .monitoring import ServiceMonitoring
from .monitoring.gateway_file import alarm_topic_arn, service_alarm_thresholds
from .nag import acknowledge
from .naming import GatewayNames
from .openapi import (
    DEFAULT_FORWARDED_CONTEXT,
    AuthorizerRef,
    MethodThrottle,
    PrivateIntegration,
)
from .openapi.routes import Route, parse_route
from .plan_membership import PlanThrottle, UsagePlanMembership, method_key
from .platform_ref import PlatformRef
from .retention import retention_days
from .service_api import ServiceApi, StageConfig


class ServiceStack(Stack):
    """A service's REST API and stage, joined to the platform by name only.

    Adding, changing or removing a service changes this stack and no other: what it needs from
    the platform (the VPC link and DNS name of its load balancer) is read from SSM at deploy time.

    Args:
        scope: the app.
        construct_id: the stack's id (its name, from :class:`GatewayNames`).
        gateway: the validated gateway file.
        service: this service's entry in it.
        documents: the folder that ``service.openapi`` is relative to (the gateway file's).
            Default: the current folder.
        **kwargs: passed to :class:`aws_cdk.Stack` (``env``, ``description``, ...).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        gateway: Gateway,
        service: Service,
        documents: Path = Path(),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = GatewayNames(gateway.name, gateway.environment)
        self.service = service
        self.platform = PlatformRef(
            self, "Platform", gateway=gateway.name, environment=gateway.environment
        )
        throttle = service.throttle or gateway.stage.throttle
        self.service_api = ServiceApi(
            self,
            "Service",
            service_name=service.name,
            api_name_prefix=f"{names.prefix}-",
            backend=self.platform.backend(service.backend.load_balancer),
            integration=PrivateIntegration(
                port=service.backend.port, timeout_ms=service.timeout_ms
            ),
            openapi=documents / service.openapi if service.openapi else None,
            routes=service.route_list(),
            forwarded_context=service.forward_context or DEFAULT_FORWARDED_CONTEXT,
            binary_media_types=service.binary_media_types,
            disable_execute_api_endpoint=True,
            api_key_required=True,
            authorizer=AuthorizerRef(
                function_arn=authorizer_arn(
                    names, gateway.account, gateway.region, gateway.partition
                ),
                cache_ttl_seconds=gateway.auth.cache_ttl_seconds,
            ),
            stage=StageConfig(
                name=gateway.stage_name,
                rate_limit=throttle.rate_limit,
                burst_limit=throttle.burst_limit,
                access_log_retention=retention_days(gateway.stage.access_log_retention_days),
                cache_size_gb=service.cache_size_gb,
            ),
        )
        # The gateway's decisions, not the construct's: a service team's app makes its own.
        acknowledge(
            self.service_api.api,
            "AwsSolutions-APIG2",
            "Operations are forwarded as HTTP_PROXY: requests reach the service unchanged and "
            "the service validates them. Validation from OpenAPI request models is not built yet.",
        )
        acknowledge(
            self.service_api.stage,
            "AwsSolutions-APIG3",
            "No AWS WAF web ACL is associated yet: web ACLs are not part of the gateway file so "
            "far. Until they are, the stage throttle and the authorizer limit abuse.",
        )
        for name in gateway.domain.names:
            self.service_api.add_api_mapping(name.name, service.base_path)
        self.service_api.publish_permissions(names.permissions_path)
        plan_ids = {tier: self.platform.plan_id(tier) for tier in gateway.tiers}
        overrides = _plan_overrides(gateway, service, self.service_api.routes)
        self.plan_membership = UsagePlanMembership(
            self,
            "UsagePlans",
            api=self.service_api,
            service_token=names.function_arn(
                names.plan_membership_function,
                gateway.account,
                gateway.region,
                gateway.partition,
            ),
            plan_ids=list(plan_ids.values()),
            overrides={plan_ids[tier]: groups for tier, groups in overrides.items()},
        )
        # Dashboard and alarms (docs/monitoring.md), after the mappings that name the base path.
        self.monitoring = ServiceMonitoring(
            self,
            "Monitoring",
            api=self.service_api,
            names=names,
            alarms=service_alarm_thresholds(gateway, service),
            alarm_topic_arn=alarm_topic_arn(gateway),
            dashboard=gateway.monitoring.dashboards,
            base_paths=[service.base_path],
        )


def _plan_overrides(
    gateway: Gateway, service: Service, routes: Sequence[Route]
) -> dict[str, list[PlanThrottle]]:
    """Per tier, the limits that replace the tier's own on this service's stage: the service's
    ``plan_throttles`` (whole stage) and the tier's ``route_throttles`` for its routes.

    Raises:
        GatewayStackError: a tier names a route this service does not have.
    """
    keys = {f"{route.method} {route.path}" for route in routes}
    overrides: dict[str, list[PlanThrottle]] = {}
    problems = []
    for tier_name, tier in gateway.tiers.items():
        groups = []
        if tier_name in service.plan_throttles:
            limit = service.plan_throttles[tier_name]
            groups.append(PlanThrottle(MethodThrottle(limit.rate_limit, limit.burst_limit)))
        for key, limit in tier.route_throttles.items():
            name, _, route = key.partition(" ")
            if name != service.name:
                continue
            parsed = parse_route(route)
            if parsed.key not in keys:
                problems.append(
                    f"tiers.{tier_name}.route_throttles: service {name!r} has no route "
                    f"{parsed.key}; its routes: {', '.join(sorted(keys))}"
                )
                continue
            groups.append(
                PlanThrottle(
                    MethodThrottle(limit.rate_limit, limit.burst_limit),
                    methods=(method_key(parsed.method, parsed.path),),
                )
            )
        if groups:
            overrides[tier_name] = groups
    if problems:
        raise GatewayStackError(problems)
    return overrides
