"""The Route 53 health check of one region: HTTPS on the region's own name, the authorizer's
health alarm, and the calculated check the records carry."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cw
from aws_cdk.assertions import Match, Template

from gateway_stack.gateway.platform.health_check import RegionHealthCheck, route53_alarm_problem
from gateway_stack.gateway.platform.monitoring import authorizer_health_alarm
from gateway_stack.naming import GatewayNames
from tests.gateway.platform.regions import routed_platform, template

NAMES = GatewayNames("acme", "dev")
ENV = cdk.Environment(account="123456789012", region="eu-west-1")


@pytest.fixture(scope="module")
def with_alarm(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> Template:
    return template(routed_platform(example_data, cdk_context))


@pytest.fixture(scope="module")
def https_only(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> Template:
    return template(
        routed_platform(
            example_data,
            cdk_context,
            authorizer_alarm=False,
            interval_seconds=10,
            failure_threshold=2,
        )
    )


def _checks(platform: Template, kind: str) -> dict[str, Any]:
    return {
        logical_id: check
        for logical_id, check in platform.find_resources("AWS::Route53::HealthCheck").items()
        if check["Properties"]["HealthCheckConfig"]["Type"] == kind
    }


def _name_tag(check: dict[str, Any]) -> str:
    (name,) = [t["Value"] for t in check["Properties"]["HealthCheckTags"] if t["Key"] == "Name"]
    return name


def test_https_check_calls_the_regional_name_with_sni(with_alarm: Template) -> None:
    (https,) = _checks(with_alarm, "HTTPS").values()
    assert https["Properties"]["HealthCheckConfig"] == {
        "Type": "HTTPS",
        "FullyQualifiedDomainName": "eu-west-1.api.example.com",
        "ResourcePath": "/inventory/health",
        "Port": 443,
        "EnableSNI": True,
        "RequestInterval": 30,
        "FailureThreshold": 3,
        "Inverted": False,
        "MeasureLatency": False,
    }
    assert _name_tag(https) == "acme-dev-eu-west-1-https"


def test_alarm_check_watches_the_authorizer_health_alarm_in_the_region(
    with_alarm: Template,
) -> None:
    ((alarm_id, alarm),) = with_alarm.find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"AlarmName": "acme-dev-authorizer-region-health"}}
    ).items()
    # Route 53 accepts one standard-resolution metric with a plain statistic: no metric math.
    assert alarm["Properties"]["Namespace"] == "GatewayStack/acme-dev"
    assert alarm["Properties"]["MetricName"] == "AuthorizerFailures"
    assert alarm["Properties"]["Statistic"] == "Sum"
    assert alarm["Properties"]["Period"] == 300
    assert alarm["Properties"]["Threshold"] == 1
    assert alarm["Properties"]["TreatMissingData"] == "notBreaching"
    assert "Metrics" not in alarm["Properties"]
    (check,) = _checks(with_alarm, "CLOUDWATCH_METRIC").values()
    assert check["Properties"]["HealthCheckConfig"] == {
        "Type": "CLOUDWATCH_METRIC",
        "AlarmIdentifier": {"Name": {"Ref": alarm_id}, "Region": "eu-west-1"},
        "InsufficientDataHealthStatus": "LastKnownStatus",
        "Inverted": False,
    }
    assert _name_tag(check) == "acme-dev-eu-west-1-authorizer-alarm"


def test_calculated_check_is_healthy_only_when_both_are(with_alarm: Template) -> None:
    (https_id,) = _checks(with_alarm, "HTTPS")
    (alarm_id,) = _checks(with_alarm, "CLOUDWATCH_METRIC")
    (calculated,) = _checks(with_alarm, "CALCULATED").values()
    config = calculated["Properties"]["HealthCheckConfig"]
    assert config["HealthThreshold"] == 2
    assert config["Inverted"] is False
    assert sorted(c["Ref"] for c in config["ChildHealthChecks"]) == sorted([https_id, alarm_id])
    assert _name_tag(calculated) == "acme-dev-eu-west-1"


def test_records_carry_the_calculated_check(with_alarm: Template) -> None:
    (calculated_id,) = _checks(with_alarm, "CALCULATED")
    routed = [
        r
        for r in with_alarm.find_resources("AWS::Route53::RecordSet").values()
        if "SetIdentifier" in r["Properties"]
    ]
    assert len(routed) == 4
    for record in routed:
        assert record["Properties"]["HealthCheckId"] == {"Ref": calculated_id}


def test_without_authorizer_alarm_the_records_carry_the_https_check(
    https_only: Template,
) -> None:
    https_only.resource_count_is("AWS::Route53::HealthCheck", 1)
    (https_id, https) = next(iter(_checks(https_only, "HTTPS").items()))
    assert https["Properties"]["HealthCheckConfig"]["RequestInterval"] == 10
    assert https["Properties"]["HealthCheckConfig"]["FailureThreshold"] == 2
    assert not https_only.find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"AlarmName": Match.string_like_regexp("health")}}
    )
    for record in https_only.find_resources("AWS::Route53::RecordSet").values():
        if "SetIdentifier" in record["Properties"]:
            assert record["Properties"]["HealthCheckId"] == {"Ref": https_id}


def test_authorizer_failures_alarm_does_not_qualify_for_route53() -> None:
    """The failures alarm adds two metrics with metric math (and the throttles alarm's metric
    has a label, which CDK writes as a metric query): Route 53 refuses such alarms, which is why
    the health check watches its own alarm on the access logs' count."""
    from gateway_stack.gateway.platform.monitoring import GatewayMonitoring

    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    monitoring = GatewayMonitoring(stack, "M", names=NAMES, stage_name="dev", dashboard=False)
    problem = route53_alarm_problem(monitoring.authorizer_alarms.failures)
    assert problem == (
        "alarm S/M/AuthorizerAlarms/Failures is on metric queries (metric math, or a metric "
        "with a label); Route 53 watches an alarm on one metric named by namespace, name and "
        "statistic"
    )
    assert "metric queries" in (route53_alarm_problem(monitoring.authorizer_alarms.throttles) or "")
    assert route53_alarm_problem(authorizer_health_alarm(stack, "H", names=NAMES)) is None


def _metric_alarm(stack: cdk.Stack, construct_id: str, **metric: Any) -> cw.Alarm:
    return cw.Alarm(
        stack,
        construct_id,
        metric=cw.Metric(namespace="N", metric_name="M", **metric),
        threshold=1,
        evaluation_periods=1,
    )


def test_a_percentile_or_high_resolution_alarm_is_refused() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    p99 = _metric_alarm(stack, "P99", statistic="p99")
    assert route53_alarm_problem(p99) == (
        "alarm S/P99 uses the statistic p99; Route 53 accepts Average, Maximum, Minimum, "
        "SampleCount, Sum only"
    )
    fast = _metric_alarm(stack, "Fast", statistic="Sum", period=cdk.Duration.seconds(10))
    assert route53_alarm_problem(fast) == (
        "alarm S/Fast has a 10-second period (a high-resolution metric); Route 53 accepts "
        "standard-resolution metrics only"
    )
    with pytest.raises(ValueError, match=r"^RegionHealthCheck.alarm: alarm S/P99 uses"):
        RegionHealthCheck(stack, "C", name="n", fqdn="a.example.com", resource_path="/", alarm=p99)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"interval_seconds": 20}, "RegionHealthCheck.interval_seconds: 20 is not 10 or 30"),
        ({"failure_threshold": 11}, "RegionHealthCheck.failure_threshold: 11 is not from 1 to 10"),
        ({"resource_path": "health"}, "RegionHealthCheck.resource_path: 'health' does not start"),
    ],
)
def test_props_are_checked(props: dict[str, Any], message: str) -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    arguments: dict[str, Any] = {"name": "n", "fqdn": "a.example.com", "resource_path": "/h"}
    with pytest.raises(ValueError, match=f"^{message}"):
        RegionHealthCheck(stack, "C", **{**arguments, **props})


def test_alarm_check_needs_the_stacks_region() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    alarm = authorizer_health_alarm(stack, "H", names=NAMES)
    with pytest.raises(ValueError, match=r"RegionHealthCheck\.alarm: the stack has no region"):
        RegionHealthCheck(
            stack, "C", name="n", fqdn="a.example.com", resource_path="/", alarm=alarm
        )
