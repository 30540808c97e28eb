"""The metrics the dashboards show and the alarms watch, in one place.

* one REST API stage: ``AWS/ApiGateway`` with the dimensions ``ApiName`` and ``Stage``
  (:class:`ApiMetrics`);
* every API of a gateway environment, found by CloudWatch ``SEARCH`` on the API name prefix, so
  the gateway-wide dashboard never lists the services (:class:`GatewaySearch`);
* throttled requests (429), which REST APIs do not publish: a metric filter on each API's JSON
  access log counts them into the gateway's own namespace (:class:`ThrottledRequests`);
* the shared authorizer function: ``AWS/Lambda`` by function name, the 401 answers and internal
  errors it counts itself, and the requests that failed because of it, counted from every API's
  access log (:class:`AuthorizerMetrics`).

Every metric uses 5-minute periods (:data:`PERIOD`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw

#: The period of every metric, dashboard line and alarm.
PERIOD = Duration.minutes(5)
#: Latency percentiles on the dashboards.
PERCENTILES = ("p50", "p90", "p99")
API_GATEWAY = "AWS/ApiGateway"
LAMBDA = "AWS/Lambda"
#: The metric the access-log filter publishes (dimension ``BasePath``).
THROTTLED_REQUESTS = "ThrottledRequests"
#: Requests answered 500 because the authorizer failed, from every API's access log (no
#: dimension: the filters of all services add up into one metric).
AUTHORIZER_FAILURES = "AuthorizerFailures"


@dataclass(frozen=True)
class ApiMetrics:
    """The CloudWatch metrics of one REST API stage.

    Attributes:
        api_name: the REST API's name (``ApiName`` dimension).
        stage: the stage's name (``Stage`` dimension).
    """

    api_name: str
    stage: str

    def metric(self, metric_name: str, statistic: str, label: str | None = None) -> cw.Metric:
        """An ``AWS/ApiGateway`` metric of this stage, over :data:`PERIOD`."""
        return cw.Metric(
            namespace=API_GATEWAY,
            metric_name=metric_name,
            dimensions_map={"ApiName": self.api_name, "Stage": self.stage},
            statistic=statistic,
            period=PERIOD,
            label=label,
        )

    def requests(self) -> cw.Metric:
        """Requests (``Count``, sum)."""
        return self.metric("Count", "Sum", "Requests")

    def client_errors(self) -> cw.Metric:
        """4XX responses (sum)."""
        return self.metric("4XXError", "Sum", "4XX")

    def server_errors(self) -> cw.Metric:
        """5XX responses (sum)."""
        return self.metric("5XXError", "Sum", "5XX")

    def latency(self, statistic: str) -> cw.Metric:
        """Time from request to response, ms (``p50``, ``p99``, ...)."""
        return self.metric("Latency", statistic, f"Latency {statistic}")

    def integration_latency(self, statistic: str) -> cw.Metric:
        """Time the backend took, ms."""
        return self.metric("IntegrationLatency", statistic, f"Integration {statistic}")

    def cache_hits(self) -> cw.Metric:
        """Responses served from the stage cache (sum)."""
        return self.metric("CacheHitCount", "Sum", "Cache hits")

    def cache_misses(self) -> cw.Metric:
        """Cacheable requests the backend served (sum)."""
        return self.metric("CacheMissCount", "Sum", "Cache misses")

    def error_rate(self, errors: cw.Metric, min_requests: int, label: str) -> cw.MathExpression:
        """``errors`` as a % of requests, and 0 in a period with fewer than ``min_requests``.

        The guard keeps a quiet period (1 error in 1 request) from reading as a 100% rate.
        """
        # Ids are per metric: a graph may hold the 4XX and the 5XX rate side by side.
        errors_id = "errors" + "".join(c for c in errors.metric_name.lower() if c.isalnum())
        return cw.MathExpression(
            expression=f"IF(requests >= {min_requests}, 100 * {errors_id} / requests, 0)",
            using_metrics={"requests": self.requests(), errors_id: errors},
            label=label,
            period=PERIOD,
        )

    def when_busy(self, metric: cw.Metric, min_requests: int, label: str) -> cw.MathExpression:
        """``metric`` in periods with at least ``min_requests`` requests, else 0."""
        return cw.MathExpression(
            expression=f"IF(requests >= {min_requests}, value, 0)",
            using_metrics={"requests": self.requests(), "value": metric},
            label=label,
            period=PERIOD,
        )


@dataclass(frozen=True)
class ThrottledRequests:
    """Requests answered 429 (stage, route or usage-plan throttle, or quota), per base path.

    Published by :class:`.ThrottledRequestsFilter` from the
    access log's ``basePath`` field (``-`` for calls that came through no custom domain).

    Attributes:
        namespace: the gateway's metrics namespace (``GatewayNames.metrics_namespace``).
    """

    namespace: str

    def for_base_path(self, base_path: str) -> cw.Metric:
        """The 429s of one base path (sum)."""
        return cw.Metric(
            namespace=self.namespace,
            metric_name=THROTTLED_REQUESTS,
            dimensions_map={"BasePath": base_path},
            statistic="Sum",
            period=PERIOD,
            label=f"429 /{base_path}",
        )

    def by_base_path(self) -> cw.SearchExpression:
        """Every base path's 429s, one line each, found by ``SEARCH``."""
        # The namespace has non-alphanumeric characters: the metric schema quotes it.
        return _search(f'{{"{self.namespace}",BasePath}} MetricName="{THROTTLED_REQUESTS}"', "Sum")


@dataclass(frozen=True)
class GatewaySearch:
    """Metrics of every API of one gateway environment, found by ``SEARCH`` (never listed).

    The search matches ``ApiName`` on the tokens of the prefix in a row (``acme-dev`` finds
    ``acme-dev-orders`` and ``acme-dev-billing``) and ``Stage`` exactly. CloudWatch search has no
    prefix anchor: an API of the same account and region whose name has the same tokens in a row
    and whose stage has the same name (another gateway named ``x-acme-dev`` with stage ``dev``)
    would show too. Alarms cannot use ``SEARCH``: per-API alarms live in each service stack.

    Attributes:
        api_name_prefix: what every API name of the gateway starts with, without the trailing
            hyphen (``GatewayNames.prefix``).
        stage: the stage name every service API deploys to.
    """

    api_name_prefix: str
    stage: str

    def query(self, metric_name: str) -> str:
        """The search term of ``metric_name`` over the gateway's API stages."""
        return (
            f'{{{API_GATEWAY},ApiName,Stage}} MetricName="{metric_name}" '
            f'ApiName={self.api_name_prefix} Stage="{self.stage}"'
        )

    def by_api(self, metric_name: str, statistic: str) -> cw.SearchExpression:
        """One line per API."""
        return _search(self.query(metric_name), statistic)

    def total(self, metric_name: str, label: str) -> cw.MathExpression:
        """The sum over every API."""
        return _over_search("SUM", self.query(metric_name), "Sum", label)

    def slowest(self, metric_name: str, statistic: str, label: str) -> cw.MathExpression:
        """The highest ``statistic`` of any API, period by period (the slowest API's p99)."""
        return _over_search("MAX", self.query(metric_name), statistic, label)


@dataclass(frozen=True)
class AuthorizerMetrics:
    """The shared token authorizer's metrics.

    Lambda counts every ``Exception("Unauthorized")`` the authorizer raises (its 401 answer to a
    bad token) as an error, so ``Errors`` is mostly ordinary 401s. :meth:`failures` counts the
    failures directly instead: the requests API Gateway answered 500 because the authorizer
    failed (``AUTHORIZER_FAILURE`` or ``AUTHORIZER_CONFIGURATION_ERROR`` in the access logs,
    counted by each service's :class:`.AuthorizerFailuresFilter`:
    crashes, timeouts, throttles, invalid answers), plus the bugs the authorizer caught and
    answered 401 (its own ``InternalError`` count).

    Attributes:
        function_name: the function's name (``GatewayNames.authorizer_function``).
        namespace: the namespace of the function's own metrics
            (``GatewayNames.authorizer_metrics_namespace``; dimension ``service`` is the
            function's name).
        gateway_namespace: the gateway's metrics namespace, where the access-log filters
            publish (``GatewayNames.metrics_namespace``).
    """

    function_name: str
    namespace: str
    gateway_namespace: str

    def lambda_metric(self, metric_name: str, statistic: str, label: str) -> cw.Metric:
        """An ``AWS/Lambda`` metric of the function."""
        return cw.Metric(
            namespace=LAMBDA,
            metric_name=metric_name,
            dimensions_map={"FunctionName": self.function_name},
            statistic=statistic,
            period=PERIOD,
            label=label,
        )

    def errors(self) -> cw.Metric:
        """Invocations that raised, 401 answers included (sum)."""
        return self.lambda_metric("Errors", "Sum", "Errors (401s included)")

    def throttles(self) -> cw.Metric:
        """Invocations Lambda refused for concurrency; API Gateway answers them 500 (sum)."""
        return self.lambda_metric("Throttles", "Sum", "Throttles")

    def duration(self, statistic: str) -> cw.Metric:
        """Run time of one invocation, ms."""
        return self.lambda_metric("Duration", statistic, f"Duration {statistic}")

    def unauthorized(self) -> cw.Metric:
        """The authorizer's 401 answers to bad tokens (sum)."""
        return self.own("Unauthorized", "401 answers")

    def own(self, metric_name: str, label: str) -> cw.Metric:
        """A count the authorizer publishes itself (sum)."""
        return cw.Metric(
            namespace=self.namespace,
            metric_name=metric_name,
            dimensions_map={"service": self.function_name},
            statistic="Sum",
            period=PERIOD,
            label=label,
        )

    def internal_errors(self) -> cw.Metric:
        """Bugs the authorizer caught and answered 401 (sum)."""
        return self.own("InternalError", "Internal errors (answered 401)")

    def failed_requests(self) -> cw.Metric:
        """Requests of every API answered 500 because the authorizer failed (sum)."""
        return cw.Metric(
            namespace=self.gateway_namespace,
            metric_name=AUTHORIZER_FAILURES,
            statistic="Sum",
            period=PERIOD,
            label="Requests failed by the authorizer (500)",
        )

    def failures(self) -> cw.MathExpression:
        """Requests the authorizer failed: answered 500 for it, or 401 for one of its bugs."""
        return cw.MathExpression(
            expression="FILL(failed, 0) + FILL(internal, 0)",
            using_metrics={"failed": self.failed_requests(), "internal": self.internal_errors()},
            label="Failures (500s for the authorizer, its bugs)",
            period=PERIOD,
        )


def _search(term: str, statistic: str) -> cw.SearchExpression:
    """One line per metric found, each labelled by CloudWatch with its dimension values."""
    return cw.SearchExpression(expression=_search_text(term, statistic), label="", period=PERIOD)


def _over_search(function: str, term: str, statistic: str, label: str) -> cw.MathExpression:
    """One line: ``function`` (SUM, MAX) of every metric found, period by period."""
    return cw.MathExpression(
        expression=f"{function}({_search_text(term, statistic)})",
        using_metrics={},
        label=label,
        period=PERIOD,
    )


def _search_text(term: str, statistic: str) -> str:
    return f"SEARCH('{term}', '{statistic}', {int(PERIOD.to_seconds())})"
