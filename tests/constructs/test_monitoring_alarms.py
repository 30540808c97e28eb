"""Alarms: per service in its stack (defaults and the gateway file's overrides), the authorizer's
in the platform stack, their actions, and the 429 metric filter they read beside."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from gateway_stack.constructs.access_log import ACCESS_LOG_FIELDS, access_log_format
from gateway_stack.constructs.monitoring.throttles import (
    AUTHORIZER_FAILURE_PATTERN,
    THROTTLED_PATTERN,
)
from tests.gateway.dashboards import alarms, dashboards, expression, inputs, lines, widget
from tests.gateway.stacks import build, key_with_statement, keys_with_statement, templates

TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:acme-dev-alarms"
EXISTING_TOPIC = "arn:aws:sns:eu-west-1:123456789012:ops-pager"


@pytest.fixture(scope="module")
def all_templates(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


def service_alarms(all_templates: dict[str, Template], name: str) -> dict[str, dict[str, Any]]:
    found = alarms(all_templates[f"acme-dev-svc-{name}"])
    prefix = f"acme-dev-{name}"
    assert sorted(found) == [f"{prefix}-4xx-rate", f"{prefix}-5xx-rate", f"{prefix}-latency-p99"]
    return found


def thresholds(found: dict[str, dict[str, Any]]) -> dict[str, float]:
    return {name.split("-", 3)[3]: alarm["Threshold"] for name, alarm in found.items()}


# -- per service ----------------------------------------------------------------------------------


def test_each_service_has_three_alarms_with_the_gateways_default_thresholds(
    all_templates: dict[str, Template],
) -> None:
    # orders: the service's timeout is the default 29,000 ms (a route's 10,000 is shorter).
    assert thresholds(service_alarms(all_templates, "orders")) == {
        "5xx-rate": 5,
        "4xx-rate": 25,
        "latency-p99": 23200,  # 80% of 29,000 ms
    }
    # inventory: timeout_ms 5000.
    assert thresholds(service_alarms(all_templates, "inventory"))["latency-p99"] == 4000


def test_a_service_overrides_the_thresholds_it_names_and_keeps_the_others(
    all_templates: dict[str, Template],
) -> None:
    # billing in the example: server_error_rate_percent 1, latency_p99_ms 10000.
    assert thresholds(service_alarms(all_templates, "billing")) == {
        "5xx-rate": 1,
        "4xx-rate": 25,
        "latency-p99": 10000,
    }


def test_error_rates_are_metric_math_with_a_minimum_traffic_guard(
    all_templates: dict[str, Template],
) -> None:
    found = service_alarms(all_templates, "orders")
    api = {"ApiName": "acme-dev-orders", "Stage": "dev"}
    for name, errors in (("5xx-rate", "5XXError"), ("4xx-rate", "4XXError")):
        alarm = found[f"acme-dev-orders-{name}"]
        errors_id = f"errors{errors.lower()}"
        assert expression(alarm) == f"IF(requests >= 50, 100 * {errors_id} / requests, 0)"
        assert inputs(alarm) == {
            "requests": ("AWS/ApiGateway", "Count", api, "Sum"),
            errors_id: ("AWS/ApiGateway", errors, api, "Sum"),
        }
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
        assert all(m.get("MetricStat", {}).get("Period", 300) == 300 for m in alarm["Metrics"])
    latency = found["acme-dev-orders-latency-p99"]
    assert expression(latency) == "IF(requests >= 50, value, 0)"
    assert inputs(latency)["value"] == ("AWS/ApiGateway", "Latency", api, "p99")
    assert latency["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_alarms_judge_two_of_three_periods_and_treat_an_idle_api_as_healthy(
    all_templates: dict[str, Template],
) -> None:
    for alarm in service_alarms(all_templates, "inventory").values():
        assert alarm["EvaluationPeriods"] == 3
        assert alarm["DatapointsToAlarm"] == 2
        assert alarm["TreatMissingData"] == "notBreaching"


def test_gateway_defaults_and_service_overrides_from_the_gateway_file(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["monitoring"]["alarms"] = {
        "server_error_rate_percent": 2,
        "latency_p99_ms": 3000,
        "min_requests": 200,
        "evaluation_periods": 5,
        "datapoints_to_alarm": 4,
    }
    gateway_data["services"][1]["alarms"] = {"latency_p99_timeout_percent": 50}
    del gateway_data["services"][2]["alarms"]
    built = templates(build(gateway_data, cdk_context))
    orders = service_alarms(built, "orders")
    assert thresholds(orders) == {"5xx-rate": 2, "4xx-rate": 25, "latency-p99": 3000}
    assert expression(orders["acme-dev-orders-5xx-rate"]).startswith("IF(requests >= 200,")
    assert {(a["EvaluationPeriods"], a["DatapointsToAlarm"]) for a in orders.values()} == {(5, 4)}
    # inventory's own share of its timeout replaces the gateway-wide fixed 3,000 ms.
    assert thresholds(service_alarms(built, "inventory"))["latency-p99"] == 2500


def test_a_service_can_switch_its_alarms_off(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["services"][0]["alarms"] = {"enabled": False}
    built = templates(build(gateway_data, cdk_context))
    built["acme-dev-svc-orders"].resource_count_is("AWS::CloudWatch::Alarm", 0)
    assert len(alarms(built["acme-dev-svc-inventory"])) == 3


def test_service_alarms_notify_the_platforms_topic_by_name(
    all_templates: dict[str, Template],
) -> None:
    for name in ("orders", "inventory", "billing"):
        for alarm in service_alarms(all_templates, name).values():
            assert alarm["AlarmActions"] == [TOPIC_ARN]
            assert alarm["OKActions"] == [TOPIC_ARN]
    platform = all_templates["acme-dev-platform"]
    platform.has_resource_properties("AWS::SNS::Topic", {"TopicName": "acme-dev-alarms"})


def test_an_existing_topic_replaces_the_created_one_everywhere(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["monitoring"]["alarm_topic_arn"] = EXISTING_TOPIC
    built = templates(build(gateway_data, cdk_context))
    platform = built["acme-dev-platform"]
    platform.resource_count_is("AWS::SNS::Topic", 0)
    assert keys_with_statement(platform, "CloudWatchAlarmsEncrypt") == []
    for template in built.values():
        for alarm in alarms(template).values():
            assert alarm["AlarmActions"] == [EXISTING_TOPIC]
            assert alarm["OKActions"] == [EXISTING_TOPIC]


# -- the platform's share -----------------------------------------------------------------------


def test_authorizer_alarms_count_failures_not_401_answers(
    all_templates: dict[str, Template],
) -> None:
    platform = all_templates["acme-dev-platform"]
    found = alarms(platform)
    assert sorted(found) == ["acme-dev-authorizer-failures", "acme-dev-authorizer-throttles"]
    failures = found["acme-dev-authorizer-failures"]
    # Direct counts only: Lambda's Errors (mostly ordinary 401s) is not subtracted from.
    assert expression(failures) == "FILL(failed, 0) + FILL(internal, 0)"
    assert inputs(failures) == {
        "failed": ("GatewayStack/acme-dev", "AuthorizerFailures", {}, "Sum"),
        "internal": (
            "GatewayStack/Authorizer",
            "InternalError",
            {"service": "acme-dev-authorizer"},
            "Sum",
        ),
    }
    throttles = found["acme-dev-authorizer-throttles"]
    assert inputs(throttles) == {
        "m1": ("AWS/Lambda", "Throttles", {"FunctionName": "acme-dev-authorizer"}, "Sum")
    }
    for alarm in found.values():
        assert (alarm["Threshold"], alarm["EvaluationPeriods"]) == (1, 1)
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["TreatMissingData"] == "notBreaching"
        (topic,) = platform.find_resources("AWS::SNS::Topic")
        assert alarm["AlarmActions"] == [{"Ref": topic}]


def test_the_authorizer_reports_under_the_names_the_alarms_read(
    all_templates: dict[str, Template],
) -> None:
    all_templates["acme-dev-platform"].has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "acme-dev-authorizer",
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "POWERTOOLS_SERVICE_NAME": "acme-dev-authorizer",
                        "POWERTOOLS_METRICS_NAMESPACE": "GatewayStack/Authorizer",
                    }
                )
            },
        },
    )


def test_authorizer_thresholds_from_the_gateway_file(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["monitoring"]["authorizer_alarms"] = {"errors": 5, "throttles": 10}
    found = alarms(templates(build(gateway_data, cdk_context))["acme-dev-platform"])
    assert found["acme-dev-authorizer-failures"]["Threshold"] == 5
    assert found["acme-dev-authorizer-throttles"]["Threshold"] == 10


def test_the_alarm_topic_is_encrypted_tls_only_and_open_to_this_accounts_alarms(
    all_templates: dict[str, Template],
) -> None:
    platform = all_templates["acme-dev-platform"]
    key_id, _ = key_with_statement(platform, "CloudWatchAlarmsEncrypt")
    platform.has_resource_properties(
        "AWS::KMS::Key",
        {
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "CloudWatchAlarmsEncrypt",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                                "Condition": {
                                    "StringEquals": {"aws:SourceAccount": "123456789012"},
                                    "ArnLike": {
                                        "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:"
                                        "123456789012:alarm:*"
                                    },
                                },
                            }
                        )
                    ]
                )
            },
        },
    )
    platform.has_resource_properties(
        "AWS::SNS::Topic",
        {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}, "TopicName": "acme-dev-alarms"},
    )
    (policy,) = platform.find_resources("AWS::SNS::TopicPolicy").values()
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    publish = statements["CloudWatchAlarmsPublish"]
    assert (publish["Effect"], publish["Action"]) == ("Allow", "sns:Publish")
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert publish["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    (tls,) = [s for s in statements.values() if s["Effect"] == "Deny"]
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# -- the 429 metric ---------------------------------------------------------------------------


def test_throttled_requests_are_counted_from_the_access_log(
    all_templates: dict[str, Template],
) -> None:
    for name, base_path in (("orders", "orders"), ("billing", "billing/v2")):
        template = all_templates[f"acme-dev-svc-{name}"]
        (log_group,) = template.find_resources("AWS::Logs::LogGroup")
        template.has_resource_properties(
            "AWS::Logs::MetricFilter",
            {
                "LogGroupName": {"Ref": log_group},
                "FilterPattern": '{ $.status = "429" }',
                "MetricTransformations": [
                    {
                        "MetricNamespace": "GatewayStack/acme-dev",
                        "MetricName": "ThrottledRequests",
                        "MetricValue": "1",
                        "Unit": "Count",
                        "Dimensions": [{"Key": "BasePath", "Value": "$.basePath"}],
                    }
                ],
            },
        )
        # The service's dashboard reads the metric of its own base path.
        graph = widget(dashboards(template)[f"acme-dev-{name}"], "Throttled requests (429)")
        assert [line["metric"] for line in lines(graph)] == [
            ("GatewayStack/acme-dev", "ThrottledRequests", {"BasePath": base_path})
        ]


def matches(pattern: str, line: dict[str, str]) -> bool:
    """CloudWatch Logs' JSON filter pattern for what these filters use: ``$.field = "value"``
    terms, joined by ``||``, inside braces."""
    terms = re.findall(r'\$\.(\w+) = "([^"]*)"', pattern)
    assert terms, pattern
    return any(line.get(field) == value for field, value in terms)


def access_log_line(**values: str) -> dict[str, str]:
    """One access-log line as API Gateway writes it: the stage's real format, with each
    variable replaced by a value (``-`` where API Gateway has none)."""
    text = access_log_format().to_string()
    for field, variable in ACCESS_LOG_FIELDS.items():
        text = text.replace(f'"{variable}"', json.dumps(values.get(field, "-")))
    return json.loads(text)


def test_the_filters_match_the_access_log_lines_they_count() -> None:
    throttled = access_log_line(status="429", errorType="THROTTLED", basePath="orders")
    quota = access_log_line(status="429", errorType="QUOTA_EXCEEDED", basePath="orders")
    ok = access_log_line(status="200", basePath="orders")
    failed = access_log_line(status="500", errorType="AUTHORIZER_FAILURE")
    misconfigured = access_log_line(status="500", errorType="AUTHORIZER_CONFIGURATION_ERROR")
    bad_token = access_log_line(status="401", errorType="UNAUTHORIZED")
    backend_down = access_log_line(status="504", errorType="INTEGRATION_TIMEOUT")
    assert [matches(THROTTLED_PATTERN, line) for line in (throttled, quota, ok, failed)] == [
        True,
        True,
        False,
        False,
    ]
    assert [
        matches(AUTHORIZER_FAILURE_PATTERN, line)
        for line in (failed, misconfigured, bad_token, backend_down, throttled)
    ] == [True, True, False, False, False]
    assert throttled["basePath"] == "orders"  # the throttle filter's dimension


def test_authorizer_failures_are_counted_from_every_access_log(
    all_templates: dict[str, Template],
) -> None:
    for name in ("orders", "inventory", "billing"):
        template = all_templates[f"acme-dev-svc-{name}"]
        (log_group,) = template.find_resources("AWS::Logs::LogGroup")
        template.has_resource_properties(
            "AWS::Logs::MetricFilter",
            {
                "LogGroupName": {"Ref": log_group},
                "FilterPattern": AUTHORIZER_FAILURE_PATTERN,
                "MetricTransformations": [
                    {
                        "MetricNamespace": "GatewayStack/acme-dev",
                        "MetricName": "AuthorizerFailures",
                        "MetricValue": "1",
                        "DefaultValue": 0,
                        "Unit": "Count",
                    }
                ],
            },
        )


# -- "adding a service touches no other stack" ---------------------------------------------------


def test_a_new_service_with_its_own_alarms_changes_no_other_stack(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    before = {n: t.to_json() for n, t in templates(build(gateway_data, cdk_context)).items()}
    gateway_data["services"].append(
        {
            "name": "search",
            "base_path": "billing/v3",
            "backend": {"load_balancer": "billing", "port": 8443},
            "alarms": {"client_error_rate_percent": 60, "latency_p99_ms": 900},
        }
    )
    after = templates(build(gateway_data, cdk_context))
    assert set(after) - set(before) == {"acme-dev-svc-search"}
    for name, template in before.items():
        assert after[name].to_json() == template, f"{name} changed"
    assert thresholds(service_alarms(after, "search")) == {
        "5xx-rate": 5,
        "4xx-rate": 60,
        "latency-p99": 900,
    }
