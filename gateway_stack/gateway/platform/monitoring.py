"""``GatewayMonitoring``: the platform stack's share: the alarm topic, the authorizer's alarms and
the gateway-wide dashboard."""

from __future__ import annotations

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
        self.authorizer_metrics = AuthorizerMetrics(
            names.authorizer_function,
            names.authorizer_metrics_namespace,
            names.metrics_namespace,
        )
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
