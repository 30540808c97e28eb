"""``GatewayMonitoring``: the platform stack's share: the alarm topic, the authorizer's alarms and
the gateway-wide dashboard."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_sns as sns
from constructs import Construct

from gateway_stack.constructs.monitoring.alarms import AuthorizerAlarms
from gateway_stack.constructs.monitoring.metrics import (
    AuthorizerMetrics,
    GatewaySearch,
    ThrottledRequests,
)
from gateway_stack.constructs.monitoring.topic import AlarmTopic
from gateway_stack.gateway.platform.dashboard import GatewayDashboard
from gateway_stack.naming import GatewayNames


class GatewayMonitoring(Construct):
    """What the platform stack monitors for every service: nothing in it names a service.

    * the alarm topic: created (:class:`AlarmTopic`, ``<gateway>-<environment>-alarms``) unless
      ``alarm_topic_arn`` names an existing one; service stacks find it by name;
    * the authorizer function's alarms (:class:`AuthorizerAlarms`, on the function named
      ``names.authorizer_function``), notifying the topic;
    * the gateway-wide dashboard (:class:`GatewayDashboard`, named ``<gateway>-<environment>``).

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        names: the gateway environment's names.
        stage_name: the stage every service API deploys to.
        alarm_topic_arn: an existing SNS topic for every alarm. Default: a topic is created.
        authorizer_errors: failed authorizer invocations per 5 minutes that alarm. Default: 1.
        authorizer_throttles: throttled authorizer invocations per 5 minutes that alarm.
            Default: 1.
        dashboard: build the gateway-wide dashboard. Default: yes.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: GatewayNames,
        stage_name: str,
        alarm_topic_arn: str | None = None,
        authorizer_errors: int = 1,
        authorizer_throttles: int = 1,
        dashboard: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        self.created_topic: AlarmTopic | None = None
        if alarm_topic_arn is None:
            self.created_topic = AlarmTopic(self, "AlarmTopic", topic_name=names.alarm_topic)
            self.topic: sns.ITopic = self.created_topic.topic
        else:
            self.topic = sns.Topic.from_topic_arn(self, "AlarmTopic", alarm_topic_arn)
        self.authorizer_metrics = authorizer_metrics(names)
        self.authorizer_alarms = AuthorizerAlarms(
            self,
            "AuthorizerAlarms",
            metrics=self.authorizer_metrics,
            errors=authorizer_errors,
            throttles=authorizer_throttles,
            topic=self.topic,
        )
        self.dashboard: GatewayDashboard | None = None
        if dashboard:
            self.dashboard = GatewayDashboard(
                self,
                "Dashboard",
                dashboard_name=names.dashboard,
                apis=GatewaySearch(names.prefix, stage_name),
                throttled=ThrottledRequests(names.metrics_namespace),
                authorizer=self.authorizer_metrics,
                authorizer_alarms=self.authorizer_alarms.alarms,
            )


def authorizer_metrics(names: GatewayNames) -> AuthorizerMetrics:
    """The metrics of the gateway environment's shared authorizer."""
    return AuthorizerMetrics(
        names.authorizer_function,
        names.authorizer_metrics_namespace,
        names.metrics_namespace,
    )


def authorizer_health_alarm(
    scope: Construct, construct_id: str, *, names: GatewayNames, errors: int = 1
) -> cw.Alarm:
    """The authorizer alarm a Route 53 health check watches, named
    ``<authorizer function>-region-health``: requests answered 500 because the authorizer
    failed (crashed, timed out, was throttled, answered something invalid), counted from every
    API's access log, at or above ``errors`` in a 5-minute period.

    :class:`~gateway_stack.constructs.monitoring.alarms.AuthorizerAlarms`' failures alarm adds
    the authorizer's own count of its caught bugs with metric math, which Route 53 does not
    accept; this one watches the single standard-resolution metric, with the statistic Sum.
    It notifies nobody (the failures alarm does); missing data is not breaching (no request, no
    failure).

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        names: the gateway environment's names.
        errors: failed requests per period that alarm. Default: 1 (as the failures alarm).
    """
    if errors < 1:
        raise ValueError(f"authorizer_health_alarm.errors: {errors} is below 1")
    metrics = authorizer_metrics(names)
    function = metrics.function_name
    failed = metrics.failed_requests()
    # No label: CDK would write a labelled metric as a metric query, which Route 53 refuses.
    metric = cw.Metric(
        namespace=failed.namespace,
        metric_name=failed.metric_name,
        statistic=failed.statistic,
        period=failed.period,
    )
    return cw.Alarm(
        scope,
        construct_id,
        alarm_name=f"{function}-region-health",
        alarm_description=f"{function}: {errors} or more requests answered 500 in 5 minutes "
        "because the authorizer failed; Route 53 takes this region out of the gateway's DNS "
        "records while this alarm is in ALARM",
        metric=metric,
        threshold=errors,
        comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=1,
        treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
    )
