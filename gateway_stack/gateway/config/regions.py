"""The gateway file's sections for several regions: ``regions`` (the added regions, each with its
settings) and ``routing`` (how DNS spreads clients over the regions, and the health check).

A region's settings are checked here for their form only. What is right or wrong only in the
region (a zone, an ARN, a quota) is judged by validating the region's single-region view of the
file (:mod:`gateway_stack.gateway.config.views`) under that region's own target, and reported at
``regions.<region>.<key>``. The rules across sections (the home region listed, a failover with
other than two regions, a health route that is not public) are
:mod:`gateway_stack.gateway.config.routing`'s.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic.json_schema import WithJsonSchema

from gateway_stack.gateway.config.account import AccountQuotas
from gateway_stack.gateway.config.monitoring import SECRET_ARN, SNS_TOPIC_ARN
from gateway_stack.gateway.config.network import Network
from gateway_stack.gateway.config.protection import LogKey
from gateway_stack.gateway.config.route_keys import parse_service_route
from gateway_stack.gateway.config.services import LoadBalancer
from gateway_stack.models.arns import CERTIFICATE, SECRET, SNS_TOPIC, ArnKind, arn_problem
from gateway_stack.models.fields import Hostname, Region, Section, Slug
from gateway_stack.models.numbers import Switch, Whole

#: A key of ``regions``: a region code (checked by the routing rules, which say which region
#: was meant, at the key; the JSON Schema has the form).
RegionCode = Annotated[
    str, WithJsonSchema({"type": "string", "pattern": r"^[a-z]{2}(-[a-z]+)+-\d+$"})
]

#: The keys of a region's settings that replace the home region's value in its view, each with
#: the top-level key path it replaces.
OVERRIDES: dict[str, tuple[str, ...]] = {
    "availability_zones": ("availability_zones",),
    "network": ("network",),
    "account_quotas": ("account_quotas",),
    "cloudwatch_role": ("cloudwatch_role",),
    "access_log_kms_key": ("stage", "access_log_kms_key"),
    "alarm_topic_arn": ("monitoring", "alarm_topic_arn"),
    "canary_credentials_secret_arn": ("monitoring", "canaries", "credentials_secret_arn"),
}


class RegionSettings(Section):
    """One added region of the gateway: its availability zones, and what differs from the home
    region. Every key but ``availability_zones`` defaults to the home region's value (the
    top-level one); a value that names a resource of one region (an existing VPC, an NLB ARN, a
    KMS key, an SNS topic, a secret, a certificate) must be given here."""

    availability_zones: tuple[str, ...] = Field(
        min_length=1,
        max_length=6,
        description="The region's availability zones to use: each the region's code and one "
        "letter, e.g. us-east-1a.",
    )
    network: Network | None = Field(
        None,
        description="The region's VPC for created load balancers (as the top-level 'network'; "
        "an existing VPC must be given here). Default: the top-level network (a created VPC "
        "with the same CIDR).",
    )
    load_balancers: dict[Slug, LoadBalancer] = Field(
        default_factory=dict,
        description="Load balancers that differ in this region, by a name declared under the "
        "top-level 'load_balancers' (an existing NLB is regional: give its ARN and DNS name "
        "here). Default: the top-level entries (a created NLB is created in every region).",
    )
    account_quotas: AccountQuotas | None = Field(
        None,
        description="The account's API Gateway quotas in this region, when AWS raised them. "
        "Default: the top-level account_quotas.",
    )
    cloudwatch_role: Switch | None = Field(
        None,
        description="Set API Gateway's CloudWatch Logs role for the account in this region. "
        "Default: the top-level cloudwatch_role.",
    )
    certificate_arns: dict[Hostname, str] = Field(
        default_factory=dict,
        description="Existing ACM certificates in this region, by domain name (the main name, "
        "an alias or the regional name). Default: a certificate is created and validated by DNS "
        "in this region for each name (a name whose top-level entry has a certificate_arn "
        "needs one here).",
    )
    access_log_kms_key: LogKey | None = Field(
        None,
        description="'create', or a KMS key ARN in this region, for the gateway's log groups. "
        "Default: the top-level stage.access_log_kms_key.",
    )
    alarm_topic_arn: str | None = Field(
        None,
        json_schema_extra={"pattern": SNS_TOPIC_ARN},
        description="An SNS topic in this region every alarm notifies. Default: the top-level "
        "monitoring.alarm_topic_arn (a created topic when none).",
    )
    canary_credentials_secret_arn: str | None = Field(
        None,
        json_schema_extra={"pattern": SECRET_ARN},
        description="The canaries' secret in this region. Default: the top-level "
        "monitoring.canaries.credentials_secret_arn.",
    )
    regional_name: Hostname | None = Field(
        None,
        description="This region's own name, which reaches this region only (health checks, "
        "smoke checks, draining): in the main name's hosted zone. Default: "
        "<region>.<domain.name>.",
    )

    @field_validator("certificate_arns")
    @classmethod
    def _certificates(cls, value: dict[str, str]) -> dict[str, str]:
        for arn in value.values():
            _check(arn, CERTIFICATE)
        return value

    @field_validator("alarm_topic_arn")
    @classmethod
    def _topic(cls, value: str | None) -> str | None:
        return _check(value, SNS_TOPIC)

    @field_validator("canary_credentials_secret_arn")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        return _check(value, SECRET)


def _check(arn: str | None, kind: ArnKind) -> str | None:
    """``arn`` when it is a ``kind`` ARN (in the region: judged by the region's view)."""
    problem = arn_problem(arn, kind) if arn is not None else None
    if problem:
        raise ValueError(problem)
    return arn


class HealthCheck(Section):
    """The Route 53 health check of every region: an HTTPS request to the region's own name,
    on a public route (no authorizer, no API key: Route 53's checkers cannot send either)."""

    route: str = Field(
        description="'<service> GET <path>', e.g. 'inventory GET /health': a route listed in "
        "that service's public_routes; the service must be in every region."
    )
    interval_seconds: Literal[10, 30] = Field(
        30,
        description="Seconds between one checker's requests: 10 (billed more) or 30. Default: 30.",
    )
    failure_threshold: Whole = Field(
        3,
        ge=1,
        le=10,
        description="Consecutive failures (or successes) that change the status, 1-10. Default: 3.",
    )
    authorizer_alarm: Switch = Field(
        True,
        description="The region is also unhealthy while its authorizer's error alarm is in "
        "ALARM (the health route has no authorizer, so its check cannot see one). Default: on.",
    )

    @field_validator("route")
    @classmethod
    def _route(cls, value: str) -> str:
        named = parse_service_route(value)
        if named.route.method != "GET":
            raise ValueError(
                f"the health check sends GET requests: name a GET route, not {named.route.key}"
            )
        return f"{named.service} {named.route.key}"


class Routing(Section):
    """How DNS sends clients to the regions of a multi-region gateway."""

    policy: Literal["latency", "failover"] = Field(
        "latency",
        description="latency: each client to its nearest healthy region; failover: the "
        "primary while it is healthy, else the other region (exactly two regions). Default: "
        "latency.",
    )
    primary: Region | None = Field(
        None,
        description="The failover policy's primary region. Default: the home region (the "
        "top-level 'region').",
    )
    health_check: HealthCheck = Field(description="The health check of every region.")
