"""What one service's stack needs, resolved: its definition, stage, mappings, plans, alarms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gateway_stack.gateway.plan.problems import Place
from gateway_stack.models.alarms import AlarmThresholds
from gateway_stack.models.plan_throttle import PlanThrottle
from gateway_stack.models.throttle import Throttle
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi import Route, ServiceDefinition


@dataclass(frozen=True)
class StagePlan:
    """The settings of a service API's stage.

    Attributes:
        name: the stage name.
        throttle: the stage's default throttle (the service's, else the gateway's).
        access_log_retention_days: how long access logs are kept, in days.
        cache_size_gb: the stage cache cluster's size, or ``None`` for no cache cluster.
        access_log_kms_key: ``create`` (the platform's log key), an existing key's ARN, or
            ``None`` (CloudWatch Logs' own encryption).
    """

    name: str
    throttle: Throttle
    access_log_retention_days: int
    cache_size_gb: str | None = None
    access_log_kms_key: str | None = None


@dataclass(frozen=True)
class ApiMapping:
    """An API mapping: a base path of a custom domain name, to a service's stage.

    Attributes:
        domain_name: the custom domain name.
        base_path: the mapping's key, e.g. ``billing/v2``.
    """

    domain_name: str
    base_path: str


@dataclass(frozen=True)
class ServicePlan:
    """Everything a service's stack needs, resolved from the gateway file and its document.

    Attributes:
        name: the service's name.
        index: its position under ``services`` in the gateway file (for messages).
        names: the gateway environment's names.
        base_path: its base path on every domain name.
        load_balancer: the name of its load balancer (the platform publishes its VPC link).
        definition: the API's OpenAPI body and routes, with the gateway's extensions written.
        resource_paths: every API Gateway resource the routes create.
        stage: the stage's settings.
        mappings: an API mapping on each custom domain name (and, in a multi-region gateway,
            on the region's own name).
        web_acl: associate the stage with the platform's web ACL.
        tiers: the usage plans (tiers) the stage joins, in file order.
        plan_overrides: per tier, the limits that replace the tier's on this stage (the
            service's ``plan_throttles`` and the tier's ``route_throttles``).
        alarms: the alarm thresholds in force (``monitoring.alarms`` with the service's
            ``alarms`` on top), or ``None`` when the service's alarms are off.
        alarm_topic_arn: the SNS topic the alarms notify, or ``None`` for the platform's.
        dashboard: build the service's dashboard.
        route_places: where each route is defined (``GET /items`` -> a place in the gateway
            file or the document), for messages.
    """

    name: str
    index: int
    names: GatewayNames
    base_path: str
    load_balancer: str
    definition: ServiceDefinition
    resource_paths: frozenset[str]
    stage: StagePlan
    mappings: tuple[ApiMapping, ...]
    web_acl: bool
    tiers: tuple[str, ...]
    plan_overrides: Mapping[str, tuple[PlanThrottle, ...]]
    alarms: AlarmThresholds | None
    alarm_topic_arn: str | None
    dashboard: bool
    route_places: Mapping[str, Place] = field(default_factory=dict)

    @property
    def api_name(self) -> str:
        """The REST API's name: ``<gateway>-<environment>-<service>``."""
        return f"{self.names.prefix}-{self.name}"

    @property
    def dashboard_name(self) -> str:
        """The service's dashboard's name: ``<gateway>-<environment>[-<region>]-<service>``
        (dashboards are global to an account: an added region's names carry the region; the
        home region's is the API's name, as for a single-region gateway)."""
        return f"{self.names.qualified_prefix}-{self.name}"

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every route of the API, with its settings."""
        return self.definition.routes

    @property
    def public_routes(self) -> tuple[Route, ...]:
        """The routes anyone may call (no authorizer, no API key): the gateway file's
        ``public_routes``, e.g. health checks."""
        return self.definition.public_routes
