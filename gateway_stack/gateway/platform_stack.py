"""``PlatformStack``: what every service of one gateway environment shares."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from gateway_stack.constructs.retention import retention_days
from gateway_stack.gateway.plan import BackendPlan, PlatformPlan, RegionRouting
from gateway_stack.gateway.platform.api_gateway_account import ApiGatewayAccount
from gateway_stack.gateway.platform.authorizer_function import AuthorizerFunction
from gateway_stack.gateway.platform.domain import ApiDomain
from gateway_stack.gateway.platform.health_check import RegionHealthCheck
from gateway_stack.gateway.platform.load_balancer import PrivateBackend
from gateway_stack.gateway.platform.log_encryption import LogEncryptionKey
from gateway_stack.gateway.platform.monitoring import GatewayMonitoring, authorizer_health_alarm
from gateway_stack.gateway.platform.network import GatewayNetwork
from gateway_stack.gateway.platform.usage_plans import UsagePlans
from gateway_stack.gateway.platform.web_acl import GatewayWebAcl


class PlatformStack(Stack):
    """The shared layer: the custom domain, network, backends and their VPC links, the
    authorizer, the usage plans and keys, the web ACL, the log key, and the account-level API
    settings.

    It publishes what service stacks need as SSM parameters (see
    :class:`~gateway_stack.constructs.platform_ref.PlatformRef`) and exports nothing.

    In one region of a multi-region gateway (``platform.routing``) it also holds the region's
    Route 53 health check (:class:`RegionHealthCheck`, with the authorizer's health alarm when
    the plan asks for it), routed records on the gateway's names and the region's own name
    (:class:`ApiDomain`), and the check's row on the gateway dashboard. Nothing in it refers to
    another region's stack (docs/regions-dns.md).

    Args:
        scope: the app.
        construct_id: the stack's id (its name, from :class:`GatewayNames`).
        platform: the platform's part of the gateway plan (its names, the gateway file's
            platform-wide sections, the backends with their ports).
        **kwargs: passed to :class:`aws_cdk.Stack` (``env``, ``description``, ...).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, platform: PlatformPlan, **kwargs: Any
    ):
        super().__init__(scope, construct_id, **kwargs)
        gateway = platform.gateway
        # The zones come from the gateway file: answer the context lookup a VPC would make
        # (which needs AWS credentials) before any construct asks.
        self.node.set_context(
            f"availability-zones:account={gateway.account}:region={gateway.region}",
            list(gateway.availability_zones),
        )
        self.gateway = gateway
        self.names = platform.names

        #: The KMS key of the gateway's log groups, when the gateway file asks for one.
        self.log_key: kms.IKey | None = None
        if gateway.stage.access_log_kms_key == "create":
            self.log_key = LogEncryptionKey(self, "LogKey", alias=self.names.log_key_alias).key
            self._publish("LogKeyParameter", self.names.log_key_parameter, self.log_key.key_arn)
        elif gateway.stage.access_log_kms_key is not None:
            self.log_key = kms.Key.from_key_arn(self, "LogKey", gateway.stage.access_log_kms_key)

        self.network: GatewayNetwork | None = None
        if gateway.network is not None:
            self.network = GatewayNetwork(
                self,
                "Network",
                network=gateway.network,
                availability_zones=gateway.availability_zones,
                log_key=self.log_key,
            )

        if gateway.cloudwatch_role:
            self.api_gateway_account = ApiGatewayAccount(self, "ApiGatewayAccount")

        #: The web ACL every stage is associated with, unless the gateway file turns WAF off.
        self.web_acl: GatewayWebAcl | None = None
        if gateway.waf.enabled:
            self.web_acl = GatewayWebAcl(
                self, "WebAcl", name=self.names.web_acl, settings=gateway.waf
            )
            self._publish("WebAclParameter", self.names.web_acl_parameter, self.web_acl.web_acl_arn)

        #: The region's Route 53 health check, in a multi-region gateway.
        self.health: RegionHealthCheck | None = None
        if platform.routing is not None:
            self.health = self._health_check(platform.routing)
        self.domain = ApiDomain(
            self,
            "Domain",
            domain=gateway.domain,
            routing=platform.routing,
            health_check=self.health.health_check if self.health else None,
        )
        self._publish("DomainNameParameter", self.names.domain_name_parameter, gateway.domain.name)
        ssm.StringListParameter(
            self,
            "DomainNamesParameter",
            parameter_name=self.names.domain_names_parameter,
            string_list_value=self.domain.names,
            description="Every custom domain name of the gateway, main first, for service stacks",
        )
        if gateway.allowlist is not None:
            self._publish(
                "AllowlistParameter",
                self.names.allowlist_parameter,
                gateway.allowlist.model_dump_json(exclude_none=True),
            )

        self.authorizer = AuthorizerFunction(
            self,
            "Authorizer",
            names=self.names,
            auth=gateway.auth,
            api_key_name_prefix=gateway.api_key_name_prefix,
            log_retention=retention_days(gateway.stage.access_log_retention_days),
            log_key=self.log_key,
        )
        self._publish(
            "AuthorizerParameter",
            self.names.authorizer_parameter,
            self.authorizer.function.function_arn,
        )

        self.usage_plans = UsagePlans(
            self,
            "UsagePlans",
            names=self.names,
            tiers=gateway.tiers,
            clients=gateway.clients,
            key_name_prefix=gateway.api_key_name_prefix,
            log_retention=retention_days(gateway.stage.access_log_retention_days),
            log_key=self.log_key,
        )
        for tier, plan in self.usage_plans.plans.items():
            self._publish(
                f"PlanParameter-{tier}", self.names.plan_parameter(tier), plan.usage_plan_id
            )

        # Dashboards and alarms (docs/monitoring.md): nothing here names a service.
        monitoring = gateway.monitoring
        self.monitoring = GatewayMonitoring(
            self,
            "Monitoring",
            names=self.names,
            stage_name=gateway.stage_name,
            alarm_topic_arn=monitoring.alarm_topic_arn,
            authorizer_errors=monitoring.authorizer_alarms.errors,
            authorizer_throttles=monitoring.authorizer_alarms.throttles,
            dashboard=monitoring.dashboards,
        )
        dashboard = self.monitoring.dashboard
        if self.health is not None and platform.routing is not None and dashboard is not None:
            dashboard.add_region_health(self.health, platform.routing.set_identifier)

        self._backends_scope = Construct(self, "Backends")
        self.backends: dict[str, PrivateBackend] = {}
        for backend in platform.backends:
            self.add_backend(backend)

    def _health_check(self, routing: RegionRouting) -> RegionHealthCheck:
        """The region's health check, on the authorizer's health alarm too when asked.

        Raises:
            ValueError: the check would call another name than the region's own.
        """
        plan = routing.health_check
        if plan.fqdn != routing.regional_name.name:
            raise ValueError(
                f"PlatformPlan.routing: the health check calls {plan.fqdn}, not the region's own "
                f"name {routing.regional_name.name} (the only name that reaches this region alone)"
            )
        alarm = (
            authorizer_health_alarm(
                self,
                "AuthorizerHealthAlarm",
                names=self.names,
                errors=self.gateway.monitoring.authorizer_alarms.errors,
            )
            if plan.authorizer_alarm
            else None
        )
        return RegionHealthCheck(
            self,
            "RegionHealth",
            name=f"{self.names.prefix}-{routing.set_identifier}",
            fqdn=plan.fqdn,
            resource_path=plan.path,
            interval_seconds=plan.interval_seconds,
            failure_threshold=plan.failure_threshold,
            alarm=alarm,
        )

    def add_backend(self, plan: BackendPlan) -> PrivateBackend:
        """Add a load balancer with its VPC link, and publish both for the service stacks."""
        name = plan.name
        backend = PrivateBackend(
            self._backends_scope,
            name,
            load_balancer=plan.load_balancer,
            network=self.network,
            ports=plan.ports,
            name_prefix=f"{self.names.prefix}-",
        )
        self.backends[name] = backend
        for attribute, value in (
            ("vpc-link-id", backend.vpc_link.vpc_link_id),
            ("dns-name", backend.dns_name),
        ):
            self._publish(
                f"Parameter-{attribute}",
                self.names.load_balancer_parameter(name, attribute),
                value,
                scope=backend,
            )
        return backend

    def _publish(
        self, construct_id: str, name: str, value: str, *, scope: Construct | None = None
    ) -> ssm.StringParameter:
        """An SSM parameter that service stacks read at deploy time."""
        return ssm.StringParameter(
            scope or self,
            construct_id,
            parameter_name=name,
            string_value=value,
            description="Published by the gateway's platform stack for its service stacks",
        )
