"""``ServiceMonitoring``: a service API's throttle metric, dashboard and alarms, in its stack."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_sns as sns
from constructs import Construct

from gateway_stack.constructs.monitoring.alarms import AlarmThresholds, ApiAlarms
from gateway_stack.constructs.monitoring.metrics import ApiMetrics, AuthorizerMetrics
from gateway_stack.constructs.monitoring.service_dashboard import ServiceDashboard
from gateway_stack.constructs.monitoring.throttles import (
    AuthorizerFailuresFilter,
    ThrottledRequestsFilter,
)
from gateway_stack.constructs.monitoring.topic import alarm_topic_arn as platform_topic_arn
from gateway_stack.constructs.service_api import ServiceApi
from gateway_stack.errors import GatewayStackError
from gateway_stack.naming import GatewayNames


class ServiceMonitoring(Construct):
    """Dashboards and alarms of one service API, in the service's own stack.

    It counts the API's 429s (:class:`ThrottledRequestsFilter`) and the requests its authorizer
    failed (:class:`AuthorizerFailuresFilter`, for the platform's alarm) from its access log,
    builds its dashboard (:class:`ServiceDashboard`, named like the API) and its alarms
    (:class:`ApiAlarms`), which notify the gateway's alarm topic. Everything it needs from the
    platform is known by name: the authorizer function, the metrics namespace and the topic.
    Create it after the API's mappings (``ServiceApi.add_api_mapping``): their base paths name
    the 429 metric.

    Args:
        scope: parent construct (the service's stack).
        construct_id: construct id.
        api: the service's API.
        names: the gateway environment's names (``PlatformRef.names`` in a service team's app).
        alarms: the alarms' thresholds; ``None`` for no alarms. Default: the defaults of
            :class:`AlarmThresholds`.
        alarm_topic_arn: the SNS topic the alarms notify. Default: the topic the platform
            creates (``<gateway>-<environment>-alarms`` in the stack's account and region).
        dashboard: build the dashboard. Default: yes.
        base_paths: the base paths the API is mapped on, as requests name them (the access
            log's ``basePath``). Default: those of the API's mappings so far.
        integration_timeout_ms: the API's longest integration timeout, in ms (the latency
            alarm's reference). Default: the API definition's ``longest_timeout_ms``.

    Raises:
        GatewayStackError: no base path is known, or a threshold does not fit the API's
            integration timeout.

    Attributes:
        metrics: the API stage's metrics (for more widgets or alarms of your own).
        authorizer: the shared authorizer's metrics.
        integration_timeout_ms: the API's longest integration timeout.
        throttles: the 429 metric filter.
        authorizer_failures: the metric filter of requests the authorizer failed.
        alarms: the alarms, or ``None``.
        dashboard: the dashboard, or ``None``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: ServiceApi,
        names: GatewayNames,
        alarms: AlarmThresholds | None = AlarmThresholds(),  # noqa: B008 - frozen, immutable
        alarm_topic_arn: str | None = None,
        dashboard: bool = True,
        base_paths: Sequence[str] | None = None,
        integration_timeout_ms: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        paths = list(dict.fromkeys(base_paths or [path for _, path in api.mappings]))
        if not paths:
            raise GatewayStackError(
                [
                    f"{api.api_name}: ServiceMonitoring needs the API's base paths: create it "
                    "after ServiceApi.add_api_mapping, or give base_paths"
                ]
            )
        self.metrics = ApiMetrics(api.api_name, api.stage_config.name)
        self.authorizer = AuthorizerMetrics(
            names.authorizer_function,
            names.authorizer_metrics_namespace,
            names.metrics_namespace,
        )
        self.integration_timeout_ms = integration_timeout_ms or api.definition.longest_timeout_ms
        self.throttles = ThrottledRequestsFilter(
            self, "Throttled", log_group=api.access_logs, namespace=names.metrics_namespace
        )
        self.authorizer_failures = AuthorizerFailuresFilter(
            self,
            "AuthorizerFailures",
            log_group=api.access_logs,
            namespace=names.metrics_namespace,
        )
        self.alarms: ApiAlarms | None = None
        if alarms is not None:
            topic = sns.Topic.from_topic_arn(
                self, "AlarmTopic", alarm_topic_arn or platform_topic_arn(names, self)
            )
            try:
                self.alarms = ApiAlarms(
                    self,
                    "Alarms",
                    metrics=self.metrics,
                    thresholds=alarms,
                    integration_timeout_ms=self.integration_timeout_ms,
                    topic=topic,
                )
            except ValueError as error:
                raise GatewayStackError([f"{api.api_name}: alarms: {error}"]) from None
        self.dashboard: ServiceDashboard | None = None
        if dashboard:
            self.dashboard = ServiceDashboard(
                self,
                "Dashboard",
                dashboard_name=api.api_name,
                api=self.metrics,
                authorizer=self.authorizer,
                throttled=[self.throttles.metrics.for_base_path(path) for path in paths],
                integration_timeout_ms=self.integration_timeout_ms,
                alarms=self.alarms,
            )
