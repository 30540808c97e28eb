"""Protection of every stage: the web ACL, encrypted logs, validation and error responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from gateway_stack.gateway.config import parse_gateway
from tests.gateway.config.test_config import errors_of, write
from tests.gateway.stacks import build, key_with_statement, keys_with_statement, templates

SERVICES = ("orders", "inventory", "billing")
LOGS_STATEMENT = "CloudWatchLogsOfThisAccountAndRegion"
KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def example(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


def variant(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any], **changes: Any
) -> dict[str, Template]:
    gateway_data.update(changes)
    return templates(build(gateway_data, cdk_context))


def the(template: Template, kind: str) -> tuple[str, dict[str, Any]]:
    ((logical_id, resource),) = template.find_resources(kind).items()
    return logical_id, resource


# -- the web ACL --------------------------------------------------------------------------------


def test_platform_has_one_regional_web_acl_with_managed_groups_and_a_rate_rule(
    example: dict[str, Template],
) -> None:
    _, acl = the(example["acme-dev-platform"], "AWS::WAFv2::WebACL")
    properties = acl["Properties"]
    assert properties["Name"] == "acme-dev"
    assert properties["Scope"] == "REGIONAL"
    assert properties["DefaultAction"] == {"Allow": {}}
    rules = properties["Rules"]
    assert [(r["Name"], r["Priority"]) for r in rules] == [
        ("AWSManagedRulesCommonRuleSet", 0),
        ("AWSManagedRulesKnownBadInputsRuleSet", 1),
        ("AWSManagedRulesAmazonIpReputationList", 2),
        ("rate-limit-per-ip", 3),
    ]
    for rule in rules[:3]:
        assert rule["OverrideAction"] == {"None": {}}  # the groups' own actions: block
        statement = rule["Statement"]["ManagedRuleGroupStatement"]
        assert (statement["VendorName"], statement["Name"]) == ("AWS", rule["Name"])
    # The example's billing service takes PDFs over the common rule set's 8 KB body limit.
    assert rules[0]["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"] == [
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
    ]
    assert "RuleActionOverrides" not in rules[1]["Statement"]["ManagedRuleGroupStatement"]
    assert rules[3]["Action"] == {"Block": {}}
    assert rules[3]["Statement"]["RateBasedStatement"] == {
        "Limit": 2000,
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
    }
    metric_names = [r["VisibilityConfig"]["MetricName"] for r in rules]
    assert metric_names == [f"acme-dev-{r['Name']}" for r in rules]
    assert all(r["VisibilityConfig"]["CloudWatchMetricsEnabled"] for r in rules)


def test_platform_publishes_the_web_acl_arn(example: dict[str, Template]) -> None:
    acl_id, _ = the(example["acme-dev-platform"], "AWS::WAFv2::WebACL")
    example["acme-dev-platform"].has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/waf/web-acl-arn",
            "Value": {"Fn::GetAtt": [acl_id, "Arn"]},
        },
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_stage_is_associated_with_the_platforms_web_acl(
    example: dict[str, Template], service: str
) -> None:
    template = example[f"acme-dev-svc-{service}"]
    stage_id, _ = the(template, "AWS::ApiGateway::Stage")
    api_id, _ = the(template, "AWS::ApiGateway::RestApi")
    _, association = the(template, "AWS::WAFv2::WebACLAssociation")
    arn = json.dumps(association["Properties"]["ResourceArn"])
    assert f'{{"Ref": "{api_id}"}}' in arn
    assert f'{{"Ref": "{stage_id}"}}' in arn
    assert "/restapis/" in arn
    assert "/stages/" in arn
    parameter = association["Properties"]["WebACLArn"]["Ref"]
    assert template.to_json()["Parameters"][parameter]["Default"] == (
        "/gateway-stack/acme/dev/waf/web-acl-arn"
    )


def test_counted_rules_rate_limit_and_groups_come_from_the_gateway_file(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    stacks = variant(
        gateway_data,
        cdk_context,
        waf={
            "managed_rule_groups": ["common", "sql_injection"],
            "count_rules": ["common/SizeRestrictions_BODY", "common/NoUserAgent_HEADER"],
            "rate_limit": 500,
            "rate_window_seconds": 60,
        },
    )
    _, acl = the(stacks["acme-dev-platform"], "AWS::WAFv2::WebACL")
    common, sqli, rate = acl["Properties"]["Rules"]
    assert common["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"] == [
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}},
        {"Name": "NoUserAgent_HEADER", "ActionToUse": {"Count": {}}},
    ]
    assert sqli["Name"] == "AWSManagedRulesSQLiRuleSet"
    assert "RuleActionOverrides" not in sqli["Statement"]["ManagedRuleGroupStatement"]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 500
    assert rate["Statement"]["RateBasedStatement"]["EvaluationWindowSec"] == 60


def test_waf_off_means_no_web_acl_no_association_and_an_acknowledged_apig3(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["waf"] = {"enabled": False}
    stacks = build(gateway_data, cdk_context)
    rendered = templates(stacks)
    rendered["acme-dev-platform"].resource_count_is("AWS::WAFv2::WebACL", 0)
    for service in SERVICES:
        rendered[f"acme-dev-svc-{service}"].resource_count_is("AWS::WAFv2::WebACLAssociation", 0)
        stage = stacks.services[service].service_api.stage
        acknowledged = stage.node.metadata
        reasons = [
            entry.data for entry in acknowledged if entry.type == "aws:cdk:acknowledged-rules"
        ]
        assert any("waf.enabled: false" in json.dumps(r) for r in reasons), reasons


@pytest.mark.parametrize(
    ("waf", "message"),
    [
        ({"rate_limit": 5}, "waf.rate_limit"),
        ({"rate_window_seconds": 30}, "waf.rate_window_seconds"),
        ({"managed_rule_groups": ["everything"]}, "waf.managed_rule_groups"),
        ({"count_rules": ["sql_injection/SQLi_BODY"]}, "managed_rule_groups does not list"),
        ({"count_rules": ["SizeRestrictions_BODY"]}, "'<rule group>/<rule name>'"),
        ({"managed_rule_groups": ["common", "common"]}, "lists a group twice"),
    ],
)
def test_bad_waf_settings_name_the_field_and_rule(
    tmp_path: Path, gateway_data: dict[str, Any], waf: dict[str, Any], message: str
) -> None:
    gateway_data["waf"] = waf
    errors = errors_of(write(tmp_path, gateway_data))
    assert any(message in e and "gateway.yaml" in e for e in errors), errors


# -- access logs --------------------------------------------------------------------------------


def test_without_a_log_key_logs_use_cloudwatch_logs_own_encryption(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    del gateway_data["stage"]["access_log_kms_key"]
    stacks = variant(gateway_data, cdk_context)
    for service in SERVICES:
        _, group = the(stacks[f"acme-dev-svc-{service}"], "AWS::Logs::LogGroup")
        assert "KmsKeyId" not in group["Properties"]
        assert group["Properties"]["RetentionInDays"] == 90
        assert group["DeletionPolicy"] == "Retain"
    assert keys_with_statement(stacks["acme-dev-platform"], LOGS_STATEMENT) == []


def test_a_created_log_key_encrypts_every_log_group_of_the_gateway(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["stage"]["access_log_kms_key"] = "create"
    stacks = variant(gateway_data, cdk_context)
    platform = stacks["acme-dev-platform"]
    key_id, key = key_with_statement(platform, LOGS_STATEMENT)
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    logs_statement = next(
        s for s in key["Properties"]["KeyPolicy"]["Statement"] if s.get("Sid") == LOGS_STATEMENT
    )
    assert logs_statement["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
    (condition,) = logs_statement["Condition"]["ArnLike"].values()
    assert list(logs_statement["Condition"]["ArnLike"]) == ["kms:EncryptionContext:aws:logs:arn"]
    assert condition == "arn:aws:logs:eu-west-1:123456789012:log-group:*"
    platform.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/logs/kms-key-arn",
            "Value": {"Fn::GetAtt": [key_id, "Arn"]},
        },
    )
    # The platform's own logs (functions, flow logs) use it...
    for group in platform.find_resources("AWS::Logs::LogGroup").values():
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    # ... and each service's access logs read it from SSM.
    for service in SERVICES:
        template = stacks[f"acme-dev-svc-{service}"]
        _, group = the(template, "AWS::Logs::LogGroup")
        parameter = group["Properties"]["KmsKeyId"]["Ref"]
        assert template.to_json()["Parameters"][parameter]["Default"] == (
            "/gateway-stack/acme/dev/logs/kms-key-arn"
        )


def test_an_existing_log_key_is_used_by_arn_everywhere(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["stage"]["access_log_kms_key"] = KEY_ARN
    stacks = variant(gateway_data, cdk_context)
    assert keys_with_statement(stacks["acme-dev-platform"], LOGS_STATEMENT) == []
    for template in stacks.values():
        for group in template.find_resources("AWS::Logs::LogGroup").values():
            assert group["Properties"]["KmsKeyId"] == KEY_ARN


def test_a_multi_region_log_key_is_accepted(gateway_data: dict[str, Any]) -> None:
    key = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    gateway_data["stage"]["access_log_kms_key"] = key
    assert parse_gateway(gateway_data).stage.access_log_kms_key == key


def test_a_log_key_that_is_neither_create_nor_a_key_arn_is_refused(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["stage"]["access_log_kms_key"] = "alias/logs"
    errors = errors_of(write(tmp_path, gateway_data))
    assert any(
        "stage.access_log_kms_key" in e and "'create', or a KMS key ARN" in e for e in errors
    )


# -- validation and gateway responses in the deployed body ------------------------------------


def test_the_orders_body_validates_new_orders_and_answers_errors_as_json(
    example: dict[str, Template],
) -> None:
    _, api = the(example["acme-dev-svc-orders"], "AWS::ApiGateway::RestApi")
    body = api["Properties"]["Body"]
    assert body["paths"]["/orders"]["post"]["x-amazon-apigateway-request-validator"] == "body"
    assert "x-amazon-apigateway-request-validator" not in body["paths"]["/orders"]["get"]
    assert set(body["x-amazon-apigateway-gateway-responses"]) >= {
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "THROTTLED",
        "DEFAULT_5XX",
    }


def test_cors_from_the_gateway_file_reaches_every_apis_error_responses(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    stacks = variant(gateway_data, cdk_context, cors={"allow_origin": "https://app.example.com"})
    for service in SERVICES:
        _, api = the(stacks[f"acme-dev-svc-{service}"], "AWS::ApiGateway::RestApi")
        responses = api["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
        for response in responses.values():
            headers = response["responseParameters"]
            assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == (
                "'https://app.example.com'"
            )
        for item in api["Properties"]["Body"]["paths"].values():
            assert "security" not in item["options"]


def test_a_cors_origin_with_a_path_is_refused(tmp_path: Path, gateway_data: dict[str, Any]) -> None:
    gateway_data["cors"] = {"allow_origin": "https://app.example.com/login"}
    errors = errors_of(write(tmp_path, gateway_data))
    assert any("cors.allow_origin" in e for e in errors), errors


def test_protection_defaults_when_the_gateway_file_says_nothing(
    gateway_data: dict[str, Any],
) -> None:
    for key in ("waf", "cors"):
        del gateway_data[key]
    del gateway_data["stage"]["access_log_kms_key"]
    gateway = parse_gateway(gateway_data)
    assert gateway.waf.enabled
    assert gateway.waf.managed_rule_groups == ("common", "known_bad_inputs", "ip_reputation")
    assert (gateway.waf.rate_limit, gateway.waf.rate_window_seconds) == (2000, 300)
    assert gateway.waf.count_rules == ()
    assert gateway.cors is None
    assert gateway.stage.access_log_kms_key is None
