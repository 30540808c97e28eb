"""Metrics counted from a REST API's JSON access log (:mod:`.access_log`; every
value a quoted string), which API Gateway does not publish itself.

* ``ThrottledRequestsFilter``: REST APIs publish no metric for throttled requests: a throttled
  request is a ``4XXError`` like any other. The filter counts the 429s: stage and route
  throttles, usage-plan throttles and quotas alike.
* ``AuthorizerFailuresFilter``: the requests API Gateway answered 500 because the authorizer
  failed (it crashed, timed out, was throttled, or answered something invalid).
"""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_logs as logs
from constructs import Construct

from gateway_stack.constructs.monitoring.metrics import (
    AUTHORIZER_FAILURES,
    THROTTLED_REQUESTS,
    ThrottledRequests,
)

#: Matches an access-log line of a throttled request. The log quotes every value.
THROTTLED_PATTERN = '{ $.status = "429" }'
#: Matches an access-log line of a request that failed because the authorizer did.
AUTHORIZER_FAILURE_PATTERN = (
    '{ ($.errorType = "AUTHORIZER_FAILURE") || ($.errorType = "AUTHORIZER_CONFIGURATION_ERROR") }'
)


class ThrottledRequestsFilter(Construct):
    """A metric filter on an access log: one ``ThrottledRequests`` per 429 response, with the
    request's base path (the access log's ``basePath``) as the ``BasePath`` dimension.

    A filter with a dimension publishes nothing for a quiet period (CloudWatch forbids a default
    value there): dashboards show a gap, and alarms on it must treat missing data as not
    breaching.

    Args:
        scope: parent construct (the service's stack).
        construct_id: construct id.
        log_group: the API stage's access log group, in the JSON format of
            :func:`gateway_stack.constructs.access_log.access_log_format`.
        namespace: the metrics namespace (``GatewayNames.metrics_namespace``).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, log_group: logs.ILogGroup, namespace: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.metrics = ThrottledRequests(namespace)
        self.filter = count_lines(
            self,
            log_group,
            THROTTLED_PATTERN,
            namespace=namespace,
            metric_name=THROTTLED_REQUESTS,
            dimensions={"BasePath": "$.basePath"},
        )


class AuthorizerFailuresFilter(Construct):
    """A metric filter on an access log: one ``AuthorizerFailures`` per request API Gateway
    answered 500 because the authorizer failed (``AUTHORIZER_FAILURE``,
    ``AUTHORIZER_CONFIGURATION_ERROR``).

    The metric has no dimension, so the filters of every service add up into one metric, which
    the platform's authorizer alarm watches without listing the services; quiet periods publish
    0.

    Args:
        scope: parent construct (the service's stack).
        construct_id: construct id.
        log_group: the API stage's access log group.
        namespace: the metrics namespace (``GatewayNames.metrics_namespace``).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, log_group: logs.ILogGroup, namespace: str
    ) -> None:
        super().__init__(scope, construct_id)
        self.filter = count_lines(
            self,
            log_group,
            AUTHORIZER_FAILURE_PATTERN,
            namespace=namespace,
            metric_name=AUTHORIZER_FAILURES,
            default_value=0,
        )


def count_lines(
    scope: Construct,
    log_group: logs.ILogGroup,
    pattern: str,
    *,
    namespace: str,
    metric_name: str,
    dimensions: dict[str, str] | None = None,
    default_value: float | None = None,
) -> logs.MetricFilter:
    """A metric filter (id ``Filter``) that counts 1 per log line matching ``pattern``."""
    return logs.MetricFilter(
        scope,
        "Filter",
        log_group=log_group,
        filter_pattern=logs.FilterPattern.literal(pattern),
        metric_namespace=namespace,
        metric_name=metric_name,
        metric_value="1",
        dimensions=dimensions,
        default_value=default_value,
        unit=cw.Unit.COUNT,
    )
