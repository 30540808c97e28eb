"""Alarms: a service API's (``ApiAlarms``) and the shared authorizer's (``AuthorizerAlarms``).

Every alarm evaluates 5-minute periods, notifies one SNS topic when it fires and when it
recovers, and treats missing data as not breaching: an idle API or function is healthy, not
unknown. The thresholds are :class:`~gateway_stack.models.alarms.AlarmThresholds`, the model the
gateway file's ``monitoring.alarms`` holds too.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from gateway_stack.constructs.monitoring.metrics import ApiMetrics, AuthorizerMetrics
from gateway_stack.models.alarms import AlarmThresholds

__all__ = ["AlarmThresholds", "ApiAlarms", "AuthorizerAlarms", "notify"]


class ApiAlarms(Construct):
    """A service API stage's alarms: 5XX rate, 4XX rate and p99 latency.

    * **5XX rate**: ``100 * 5XXError / Count`` per period, above ``server_error_rate_percent``.
    * **4XX rate**: the same with ``4XXError``, above ``client_error_rate_percent``: a spike of
      refused or malformed calls (a broken client release, expired credentials, a scan).
    * **p99 latency**: ``Latency`` p99 at or above the latency threshold (a share of the
      integration timeout, or a fixed value): the backend nears the point where API Gateway
      gives up with 504.

    A period with fewer than ``min_requests`` requests reads as 0 for all three, so one slow or
    failed request on a quiet API does not page. Alarm names are ``<api name>-5xx-rate``,
    ``-4xx-rate`` and ``-latency-p99``.

    Args:
        scope: parent construct.
        construct_id: construct id.
        metrics: the API stage's metrics.
        thresholds: the thresholds.
        integration_timeout_ms: the API's longest integration timeout.
        topic: notified when an alarm fires and when it recovers. Default: none (no actions).

    Raises:
        ValueError: the latency threshold is over the integration timeout.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metrics: ApiMetrics,
        thresholds: AlarmThresholds,
        integration_timeout_ms: int,
        topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.thresholds = thresholds
        #: The p99 latency that alarms, in ms.
        self.latency_threshold_ms = thresholds.latency_threshold_ms(integration_timeout_ms)
        guard = thresholds.min_requests
        name = metrics.api_name
        self.server_errors = self._alarm(
            "ServerErrorRate",
            metric=metrics.error_rate(metrics.server_errors(), guard, "5XX %"),
            threshold=thresholds.server_error_rate_percent,
            alarm_name=f"{name}-5xx-rate",
            description=f"{name}: 5XX responses above {thresholds.server_error_rate_percent:g}% "
            f"of requests (periods with at least {guard} requests)",
        )
        self.client_errors = self._alarm(
            "ClientErrorRate",
            metric=metrics.error_rate(metrics.client_errors(), guard, "4XX %"),
            threshold=thresholds.client_error_rate_percent,
            alarm_name=f"{name}-4xx-rate",
            description=f"{name}: 4XX responses above {thresholds.client_error_rate_percent:g}% "
            f"of requests (periods with at least {guard} requests)",
        )
        self.latency = self._alarm(
            "LatencyP99",
            metric=metrics.when_busy(metrics.latency("p99"), guard, "Latency p99"),
            threshold=self.latency_threshold_ms,
            alarm_name=f"{name}-latency-p99",
            description=f"{name}: p99 latency at or above {self.latency_threshold_ms:g} ms "
            f"(integration timeout {integration_timeout_ms} ms; periods with at least {guard} "
            "requests)",
            operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        )
        self.alarms: tuple[cw.Alarm, ...] = (self.server_errors, self.client_errors, self.latency)
        if topic is not None:
            notify(self.alarms, topic)

    def _alarm(
        self,
        construct_id: str,
        *,
        metric: cw.IMetric,
        threshold: float,
        alarm_name: str,
        description: str,
        operator: cw.ComparisonOperator = cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
    ) -> cw.Alarm:
        return cw.Alarm(
            self,
            construct_id,
            alarm_name=alarm_name,
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=operator,
            evaluation_periods=self.thresholds.evaluation_periods,
            datapoints_to_alarm=self.thresholds.datapoints_to_alarm,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )


class AuthorizerAlarms(Construct):
    """The shared authorizer function's alarms, in the platform stack.

    * **failures**: :meth:`AuthorizerMetrics.failures` (requests API Gateway answered 500
      because the authorizer failed - crashed, timed out, was throttled, answered something
      invalid - counted from every API's access log, and the bugs the authorizer caught and
      answered 401) at or above ``errors`` in a period.
    * **throttles**: Lambda throttles at or above ``throttles`` in a period (API Gateway answers
      those requests 500 too).

    Both fire on one breaching 5-minute period: every one of those requests failed. Names:
    ``<function name>-failures`` and ``-throttles``.

    Args:
        scope: parent construct.
        construct_id: construct id.
        metrics: the authorizer's metrics.
        errors: failed invocations per period that alarm. Default: 1.
        throttles: throttled invocations per period that alarm. Default: 1.
        topic: notified when an alarm fires and when it recovers. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metrics: AuthorizerMetrics,
        errors: int = 1,
        throttles: int = 1,
        topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        for name, value in (("errors", errors), ("throttles", throttles)):
            if value < 1:
                raise ValueError(f"AuthorizerAlarms.{name}: {value} is below 1")
        function = metrics.function_name
        self.failures = cw.Alarm(
            self,
            "Failures",
            alarm_name=f"{function}-failures",
            alarm_description=f"{function}: {errors} or more requests failed in 5 minutes "
            "because of the authorizer (answered 500 for it, or 401 for one of its bugs)",
            metric=metrics.failures(),
            threshold=errors,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )
        self.throttles = cw.Alarm(
            self,
            "Throttles",
            alarm_name=f"{function}-throttles",
            alarm_description=f"{function}: {throttles} or more invocations throttled in 5 "
            "minutes; API Gateway answered them 500",
            metric=metrics.throttles(),
            threshold=throttles,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )
        self.alarms: tuple[cw.Alarm, ...] = (self.failures, self.throttles)
        if topic is not None:
            notify(self.alarms, topic)


def notify(alarms: Sequence[cw.Alarm], topic: sns.ITopic) -> None:
    """Have ``topic`` told when each alarm fires and when it recovers."""
    action = actions.SnsAction(topic)
    for alarm in alarms:
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
