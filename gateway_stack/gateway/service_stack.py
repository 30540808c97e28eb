"""``ServiceStack``: one service's API, in a stack of its own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from constructs import Construct

from gateway_stack.constructs.monitoring import ServiceMonitoring
from gateway_stack.constructs.nag import acknowledge
from gateway_stack.constructs.plan_membership import PlanThrottle, UsagePlanMembership, method_key
from gateway_stack.constructs.platform_ref import PlatformRef
from gateway_stack.constructs.retention import retention_days
from gateway_stack.constructs.service_api import ServiceApi, StageConfig
from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.alarm_thresholds import service_alarm_thresholds
from gateway_stack.gateway.config import Gateway, Service
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi import DEFAULT_FORWARDED_CONTEXT, PrivateIntegration
from gateway_stack.openapi.document import operations
from gateway_stack.openapi.routes import Route, parse_route
from gateway_stack.openapi.validation import VALIDATOR


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
            authorizer=self.platform.authorizer(gateway.auth.cache_ttl_seconds),
            stage=StageConfig(
                name=gateway.stage_name,
                throttle=service.throttle or gateway.stage.throttle,
                access_log_retention=retention_days(gateway.stage.access_log_retention_days),
                cache_size_gb=service.cache_size_gb,
                access_log_key=self._log_key(gateway),
            ),
            cors=gateway.cors,
        )
        # The gateway's decisions, not the construct's: a service team's app makes its own.
        acknowledge(
            self.service_api.api, "AwsSolutions-APIG2", _validation_reason(self.service_api)
        )
        if gateway.waf.enabled:
            self.service_api.associate_web_acl(self.platform.web_acl_arn())
        else:
            acknowledge(
                self.service_api.stage,
                "AwsSolutions-APIG3",
                "The gateway file turns AWS WAF off (waf.enabled: false): the stage throttle, "
                "the usage plans and the authorizer are what limit abuse of this stage.",
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
            service_token=self.platform.plan_membership_token(),
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
            alarm_topic_arn=gateway.monitoring.alarm_topic_arn,
            dashboard=gateway.monitoring.dashboards,
            base_paths=[service.base_path],
        )

    def _log_key(self, gateway: Gateway) -> kms.IKey | None:
        setting = gateway.stage.access_log_kms_key
        if setting is None:
            return None
        if setting == "create":
            return self.platform.log_key()
        return kms.Key.from_key_arn(self, "LogKey", setting)


def _validation_reason(api: ServiceApi) -> str:
    """Why cdk-nag's APIG2 finding does not apply: it looks for AWS::ApiGateway::RequestValidator
    resources, and the validators live in the OpenAPI body."""
    validated = sum(1 for _, _, op in operations(api.body) if VALIDATOR in op)
    reason = (
        "cdk-nag looks for AWS::ApiGateway::RequestValidator resources, but this API's "
        "validators are in its OpenAPI body (x-amazon-apigateway-request-validators), where "
        "the body's import keeps them; a separate resource would be reset by the next import. "
    )
    if validated:
        return reason + (
            f"{validated} operation(s) validate their body or required parameters; the others "
            "define nothing to validate against and are forwarded unchanged to the service."
        )
    return reason + (
        "No operation of this API defines a request schema or a required query string or "
        "header, so there is nothing to validate: requests are forwarded to the service."
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
            groups.append(PlanThrottle(service.plan_throttles[tier_name]))
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
            groups.append(PlanThrottle(limit, methods=(method_key(parsed.method, parsed.path),)))
        if groups:
            overrides[tier_name] = groups
    if problems:
        raise GatewayStackError(problems)
    return overrides
