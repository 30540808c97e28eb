"""``ServiceStack``: one service's API, in a stack of its own, built from the gateway's plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from gateway_stack.constructs.monitoring import alarm_topic_arn
from gateway_stack.constructs.nag import acknowledge, validation_reason
from gateway_stack.constructs.platform_attachment import PlatformAttachment
from gateway_stack.constructs.platform_ref import PlatformRef
from gateway_stack.constructs.retention import retention_days
from gateway_stack.constructs.service_api import ServiceApi
from gateway_stack.constructs.stage import StageConfig
from gateway_stack.gateway.config.monitoring import Canaries
from gateway_stack.gateway.plan import ServicePlan
from gateway_stack.gateway.platform.canaries import ServiceCanary
from gateway_stack.smoke import Check


class ServiceStack(Stack):
    """A service's REST API and stage, joined to the platform by name only.

    What a service team's own app builds (a :class:`ServiceApi` and its
    :class:`PlatformAttachment`, as :class:`GatewayService` does), fed from the gateway's plan:
    the body, the stage, the mappings on every domain name, the usage plans with their overrides
    and the alarms are resolved and checked there. Adding, changing or removing a service
    changes this stack and no other: what it needs from the platform is read from SSM at deploy
    time.

    Args:
        scope: the app.
        construct_id: the stack's id (its name, from the plan's :class:`StackPlan`).
        service: the service's part of the gateway plan.
        **kwargs: passed to :class:`aws_cdk.Stack` (``env``, ``description``, ...).

    Attributes:
        service: the service's part of the plan.
        platform: the platform, by name.
        service_api: the service's API.
        attachment: the API's attachment to the platform; its ``plan_membership`` and
            ``monitoring`` are this stack's too.
        canary: the service's canary, or ``None`` when canaries are off.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service: ServicePlan,
        canaries: Canaries | None = None,
        canary_checks: Sequence[Check] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        names = service.names
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
                throttle=stage.throttle,
                access_log_retention=retention_days(stage.access_log_retention_days),
                cache_size_gb=stage.cache_size_gb,
                access_log_key=self._log_key(stage.access_log_kms_key),
            ),
        )
        # The gateway's decisions, not the construct's: a service team's app makes its own.
        acknowledge(
            self.service_api.api,
            "AwsSolutions-APIG2",
            validation_reason(self.service_api.definition.validated_operations),
        )
        if not service.web_acl:
            acknowledge(
                self.service_api.stage,
                "AwsSolutions-APIG3",
                "The gateway file turns AWS WAF off (waf.enabled: false): the stage throttle, "
                "the usage plans and the authorizer are what limit abuse of this stage.",
            )
        # "Default": CDK leaves it out of logical ids, so the attachment's resources keep the
        # ids they had as the stack's own children.
        self.attachment = PlatformAttachment(
            self,
            "Default",
            platform=self.platform,
            api=self.service_api,
            base_path=service.base_path,
            domain_names=[mapping.domain_name for mapping in service.mappings],
            tiers=service.tiers,
            plan_overrides=service.plan_overrides,
            web_acl=service.web_acl,
            check_allowlist=False,  # the plan checked the gateway file's allowlist
            alarms=service.alarms,
            alarm_topic_arn=service.alarm_topic_arn,
            dashboard=service.dashboard,
        )
        self.plan_membership = self.attachment.plan_membership
        self.monitoring = self.attachment.monitoring
        dashboard = self.monitoring.dashboard
        if dashboard is not None and service.dashboard_name != self.service_api.api_name:
            # Dashboards are global to an account: an added region's carries the region (the
            # API's name, which the construct gives it, is the same in every region).
            cfn = dashboard.dashboard.node.default_child
            assert isinstance(cfn, cloudwatch.CfnDashboard)
            cfn.dashboard_name = service.dashboard_name
        self.canary: ServiceCanary | None = None
        if canaries is not None and canaries.enabled:
            self.canary = ServiceCanary(
                self,
                "Canary",
                canary_name=f"{names.prefix}-{service.name}",
                checks=canary_checks,
                settings=canaries,
                topic=sns.Topic.from_topic_arn(
                    self,
                    "CanaryAlarmTopic",
                    service.alarm_topic_arn or alarm_topic_arn(names, self),
                ),
            )

    def _log_key(self, setting: str | None) -> kms.IKey | None:
        if setting is None:
            return None
        if setting == "create":
            return self.platform.log_key()
        return kms.Key.from_key_arn(self, "LogKey", setting)
