"""The settings of a service API's stage, and the per-method settings its routes need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from gateway_stack.models.throttle import DEFAULT_STAGE_THROTTLE, Throttle
from gateway_stack.openapi import Route

#: Stage cache cluster sizes API Gateway offers, in GB.
CACHE_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")


@dataclass(frozen=True)
class StageConfig:
    """The settings of a service API's one stage.

    Attributes:
        name: the stage name.
        throttle: the stage's default throttle, for all callers together (routes may have
            their own). Default: :data:`~gateway_stack.models.throttle.DEFAULT_STAGE_THROTTLE`,
            500 requests per second, bursts of 1000.
        access_log_retention: how long access logs are kept. Default: three months.
        tracing: X-Ray tracing of requests. Default: on.
        cache_size_gb: size of the stage's cache cluster, one of :data:`CACHE_SIZES`; needed
            by routes that cache. Default: no cache cluster.
        variables: extra stage variables. Default: none.
        access_log_key: the KMS key that encrypts the access log group; its key policy must let
            CloudWatch Logs use it. Default: none (CloudWatch Logs' own encryption).
    """

    name: str
    throttle: Throttle = DEFAULT_STAGE_THROTTLE
    access_log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS
    tracing: bool = True
    cache_size_gb: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    access_log_key: kms.IKey | None = None

    def __post_init__(self) -> None:
        if self.cache_size_gb is not None and self.cache_size_gb not in CACHE_SIZES:
            raise ValueError(
                f"StageConfig.cache_size_gb: {self.cache_size_gb!r}; use one of "
                + ", ".join(CACHE_SIZES)
            )


def method_options(
    routes: Sequence[Route], stage: StageConfig
) -> dict[str, apigw.MethodDeploymentOptions]:
    """Per-route stage settings: throttle overrides and caching.

    A method's entry replaces the stage-wide one for that method, so it repeats the logging,
    metrics and throttle the stage-wide entry sets, with the route's own values on top.
    """
    options = {}
    for route in routes:
        own, ttl = route.options.throttle, route.options.cache_ttl_seconds
        if own is None and not ttl:
            continue
        throttle = own or stage.throttle
        method = "*" if route.method == "ANY" else route.method
        options[f"{route.path}/{method}"] = apigw.MethodDeploymentOptions(
            logging_level=apigw.MethodLoggingLevel.INFO,
            metrics_enabled=True,
            data_trace_enabled=False,
            throttling_rate_limit=throttle.rate_limit,
            throttling_burst_limit=throttle.burst_limit,
            caching_enabled=bool(ttl),
            cache_ttl=Duration.seconds(ttl) if ttl else None,
            cache_data_encrypted=True if ttl else None,
        )
    return options
