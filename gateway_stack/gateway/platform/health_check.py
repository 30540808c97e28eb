"""``RegionHealthCheck``: the Route 53 health check that keeps a region in (or out of) DNS.

See docs/regions-dns.md for the design: Route 53's checkers cannot send a JWT or an API key,
and a custom domain routes by Host and SNI, so each region has its own name that reaches it
alone, and the checkers call a public health route on it; the authorizer, which that route
does not pass through, is watched by a CloudWatch alarm instead.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack, Tags, Token
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_route53 as route53
from constructs import Construct

#: Statistics Route 53 accepts on an alarm it watches (no percentiles, no extended statistics).
ROUTE53_STATISTICS = frozenset({"Average", "Minimum", "Maximum", "Sum", "SampleCount"})

#: Where Route 53 publishes its health checks' metrics, whatever region the check serves.
ROUTE53_METRICS_REGION = "us-east-1"

#: Seconds between one checker's requests that Route 53 offers.
INTERVALS = (10, 30)


def route53_alarm_problem(alarm: cw.Alarm) -> str | None:
    """Why Route 53 cannot watch ``alarm`` (None: it can).

    Route 53 accepts alarms on one standard-resolution metric with the statistic Average,
    Minimum, Maximum, Sum or SampleCount (Route 53 API reference, ``AlarmIdentifier``): not
    a percentile. Its view of an alarm (``CloudWatchAlarmConfiguration``) is one metric's
    namespace, name, dimensions and statistic, so an alarm on metric queries (metric math; CDK
    also writes a labelled metric as a query) is refused too. A period under 60 seconds means
    a high-resolution metric.
    """
    cfn = alarm.node.default_child
    name = alarm.node.path
    if not isinstance(cfn, cw.CfnAlarm):
        return f"{name} is not a CloudWatch metric alarm"
    # The L2 alarm renders its metric lazily: resolve what the template will hold.
    resolve = Stack.of(alarm).resolve
    if resolve(cfn.metrics):
        return (
            f"alarm {name} is on metric queries (metric math, or a metric with a label); "
            "Route 53 watches an alarm on one metric named by namespace, name and statistic"
        )
    statistic = resolve(cfn.extended_statistic) or resolve(cfn.statistic)
    if statistic not in ROUTE53_STATISTICS:
        return (
            f"alarm {name} uses the statistic {statistic}; Route 53 accepts "
            f"{', '.join(sorted(ROUTE53_STATISTICS))} only"
        )
    period = resolve(cfn.period)
    if isinstance(period, int | float) and period < 60:
        return (
            f"alarm {name} has a {period:g}-second period (a high-resolution metric); "
            "Route 53 accepts standard-resolution metrics only"
        )
    return None


class RegionHealthCheck(Construct):
    """Whether one region of a multi-region gateway should answer for the gateway's names.

    * **HTTPS**: Route 53's checkers call ``https://<fqdn><resource_path>`` on port 443 with
      SNI (the name as TLS server name and Host), every ``interval_seconds`` from each checker
      location; ``failure_threshold`` consecutive failures (or successes) change its status. A
      checker that connects within 4 seconds and gets a 2xx or 3xx status within 2 more
      counts the region healthy (the certificate is not validated); the region is healthy while
      more than 18% of checkers say so.
    * **Alarm** (with ``alarm``): healthy unless the alarm is in ALARM. While CloudWatch has
      too little data to decide, the check keeps its last known status
      (``insufficient_data``): a gap in the metric neither drains nor restores a region; a new
      check starts healthy.
    * **Calculated** (with ``alarm``): healthy only while both are. It is
      :attr:`health_check`, the one the region's records carry.

    Each check is tagged ``Name`` = ``<name>-https``, ``<name>-authorizer-alarm`` and
    ``<name>`` (the calculated one), as the Route 53 console lists them.

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        name: the checks' name, e.g. ``acme-dev-eu-west-1``.
        fqdn: the region's own name, which reaches this region only.
        resource_path: the public health route's full path on that name, starting with ``/``.
        interval_seconds: seconds between one checker's requests, 10 or 30. Default: 30.
        failure_threshold: consecutive results that change the status, 1 to 10. Default: 3.
        alarm: an alarm of the region that makes it unhealthy while in ALARM; it must qualify
            (:func:`route53_alarm_problem`). Default: none (the HTTPS check alone).
        insufficient_data: the alarm check's status while CloudWatch lacks data. Default:
            the last known status.

    Raises:
        ValueError: a prop breaks its rule (named in the message).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        fqdn: str,
        resource_path: str,
        interval_seconds: int = 30,
        failure_threshold: int = 3,
        alarm: cw.Alarm | None = None,
        insufficient_data: route53.InsufficientDataHealthStatusEnum = (
            route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS
        ),
    ) -> None:
        super().__init__(scope, construct_id)
        if interval_seconds not in INTERVALS:
            raise ValueError(
                f"RegionHealthCheck.interval_seconds: {interval_seconds} is not 10 or 30 "
                "(the intervals Route 53 offers)"
            )
        if not 1 <= failure_threshold <= 10:
            raise ValueError(
                f"RegionHealthCheck.failure_threshold: {failure_threshold} is not from 1 to 10"
            )
        if not resource_path.startswith("/"):
            raise ValueError(
                f"RegionHealthCheck.resource_path: {resource_path!r} does not start with '/'"
            )
        problem = route53_alarm_problem(alarm) if alarm is not None else None
        if problem:
            raise ValueError(f"RegionHealthCheck.alarm: {problem}")
        #: The checks' name (the calculated check's ``Name`` tag).
        self.name = name
        #: The HTTPS check of the region's own name.
        self.endpoint = route53.HealthCheck(
            self,
            "Https",
            type=route53.HealthCheckType.HTTPS,
            fqdn=fqdn,
            port=443,
            resource_path=resource_path,
            enable_sni=True,
            request_interval=Duration.seconds(interval_seconds),
            failure_threshold=failure_threshold,
        )
        Tags.of(self.endpoint).add("Name", f"{name}-https")
        #: The check on ``alarm``, when there is one.
        self.alarm_check: route53.HealthCheck | None = None
        #: The check the region's records carry: the calculated one, or the HTTPS one alone.
        self.health_check: route53.HealthCheck = self.endpoint
        if alarm is not None:
            region = Stack.of(self).region
            if Token.is_unresolved(region):
                raise ValueError(
                    "RegionHealthCheck.alarm: the stack has no region; Route 53 finds an alarm "
                    "by name and region (give the stack an env)"
                )
            self.alarm_check = route53.HealthCheck(
                self,
                "AuthorizerAlarm",
                type=route53.HealthCheckType.CLOUDWATCH_METRIC,
                alarm_identifier=route53.AlarmIdentifier(name=alarm.alarm_name, region=region),
                insufficient_data_health_status=insufficient_data,
            )
            Tags.of(self.alarm_check).add("Name", f"{name}-authorizer-alarm")
            self.health_check = route53.HealthCheck(
                self,
                "Region",
                type=route53.HealthCheckType.CALCULATED,
                child_health_checks=[self.endpoint, self.alarm_check],
                health_threshold=2,
            )
            Tags.of(self.health_check).add("Name", name)
        #: The alarm the alarm check watches, when there is one.
        self.alarm = alarm

    @property
    def checks(self) -> tuple[tuple[str, route53.HealthCheck], ...]:
        """Each check with a label, the one the records carry first."""
        if self.alarm_check is None:
            return (("HTTPS", self.endpoint),)
        return (
            ("Region (HTTPS and alarm)", self.health_check),
            ("HTTPS", self.endpoint),
            ("Authorizer alarm", self.alarm_check),
        )


def health_check_metric(
    check: route53.IHealthCheck, metric_name: str, statistic: str, label: str
) -> cw.Metric:
    """A Route 53 metric of ``check`` (``HealthCheckStatus``: 1 healthy, 0 unhealthy;
    ``HealthCheckPercentageHealthy``), read from us-east-1, where Route 53 publishes it
    whatever region the check serves; one-minute periods."""
    return cw.Metric(
        namespace="AWS/Route53",
        metric_name=metric_name,
        dimensions_map={"HealthCheckId": check.health_check_id},
        statistic=statistic,
        period=Duration.minutes(1),
        region=ROUTE53_METRICS_REGION,
        label=label,
    )
