"""``ServiceStack``: one service's API, in a stack of its own."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from constructs import Construct

from gateway_stack.constructs.monitoring import AlarmThresholds, ServiceMonitoring
from gateway_stack.constructs.nag import acknowledge
from gateway_stack.constructs.plan_membership import UsagePlanMembership
from gateway_stack.constructs.platform_ref import PlatformRef
from gateway_stack.constructs.retention import retention_days
from gateway_stack.constructs.service_api import ServiceApi, StageConfig
from gateway_stack.gateway.plan import ServicePlan


class ServiceStack(Stack):
    """A service's REST API and stage, joined to the platform by name only.

    Adding, changing or removing a service changes this stack and no other: what it needs from
    the platform (the VPC link and DNS name of its load balancer) is read from SSM at deploy time.

    Args:
        scope: the app.
        construct_id: the stack's id (its name, from the plan's :class:`StackPlan`).
        service: the service's part of the gateway plan: its definition, stage, mappings,
            plan overrides and alarms, resolved and checked.
        **kwargs: passed to :class:`aws_cdk.Stack` (``env``, ``description``, ...).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, service: ServicePlan, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = service.names
        #: The service's part of the plan.
        self.service = service
        self.platform = PlatformRef(
            self, "Platform", gateway=names.gateway, environment=names.environment
        )
        stage = service.stage
        self.service_api = ServiceApi(
            self,
            "Service",
            service_name=service.name,
            api_name_prefix=f"{names.prefix}-",
            backend=self.platform.backend(service.load_balancer),
            definition=service.definition,
            disable_execute_api_endpoint=True,
            stage=StageConfig(
                name=stage.name,
                rate_limit=stage.rate_limit,
                burst_limit=stage.burst_limit,
                access_log_retention=retention_days(stage.access_log_retention_days),
                cache_size_gb=stage.cache_size_gb,
                access_log_key=self._log_key(stage.access_log_kms_key),
            ),
        )
        # The gateway's decisions, not the construct's: a service team's app makes its own.
        acknowledge(
            self.service_api.api,
            "AwsSolutions-APIG2",
            _validation_reason(service.validated_operations),
        )
        if service.web_acl:
            self.service_api.associate_web_acl(self.platform.web_acl_arn())
        else:
            acknowledge(
                self.service_api.stage,
                "AwsSolutions-APIG3",
                "The gateway file turns AWS WAF off (waf.enabled: false): the stage throttle, "
                "the usage plans and the authorizer are what limit abuse of this stage.",
            )
        for mapping in service.mappings:
            self.service_api.add_api_mapping(mapping.domain_name, mapping.base_path)
        self.service_api.publish_permissions(names.permissions_path)
        plan_ids = {tier: self.platform.plan_id(tier) for tier in service.tiers}
        self.plan_membership = UsagePlanMembership(
            self,
            "UsagePlans",
            api=self.service_api,
            service_token=self.platform.plan_membership_token(),
            plan_ids=list(plan_ids.values()),
            overrides={plan_ids[tier]: groups for tier, groups in service.plan_overrides.items()},
        )
        # Dashboard and alarms (docs/monitoring.md), after the mappings that name the base path.
        alarms = service.alarms
        self.monitoring = ServiceMonitoring(
            self,
            "Monitoring",
            api=self.service_api,
            names=names,
            alarms=AlarmThresholds(**alarms.model_dump(exclude_none=True)) if alarms else None,
            alarm_topic_arn=service.alarm_topic_arn,
            dashboard=service.dashboard,
            base_paths=[service.base_path],
            integration_timeout_ms=service.longest_timeout_ms,
        )

    def _log_key(self, setting: str | None) -> kms.IKey | None:
        if setting is None:
            return None
        if setting == "create":
            return self.platform.log_key()
        return kms.Key.from_key_arn(self, "LogKey", setting)


def _validation_reason(validated: int) -> str:
    """Why cdk-nag's APIG2 finding does not apply: it looks for AWS::ApiGateway::RequestValidator
    resources, and the validators live in the OpenAPI body (``validated`` operations use one)."""
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
