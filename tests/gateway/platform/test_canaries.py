"""The canaries of config/canaries.yaml, template by template: one per service, its schedule,
runtime, code, role, artifacts bucket and alarm; none when the gateway file leaves them off."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from gateway_stack.gateway.config.monitoring import Canaries
from gateway_stack.gateway.platform.canaries import ServiceCanary
from gateway_stack.smoke import Check
from tests.gateway.stacks import CONFIG, build, templates

SERVICES = ("orders", "inventory", "billing")
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/dev/canary-client-Ab12Cd"


@pytest.fixture(scope="module")
def canaries(cdk_context: dict[str, Any]) -> dict[str, Template]:
    data = yaml.safe_load((CONFIG / "canaries.yaml").read_text())
    return templates(build(data, cdk_context))


def _policy(template: Template) -> list[dict[str, Any]]:
    (policy,) = template.find_resources(
        "AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": Match.string_like_regexp("Canary")}]}}
    ).values()
    return policy["Properties"]["PolicyDocument"]["Statement"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_stack_has_its_canary_on_the_schedule_and_runtime(
    canaries: dict[str, Template], service: str
) -> None:
    template = canaries[f"acme-dev-svc-{service}"]
    template.resource_count_is("AWS::Synthetics::Canary", 1)
    template.has_resource_properties(
        "AWS::Synthetics::Canary",
        {
            "Name": f"acme-dev-{service}",
            "RuntimeVersion": "syn-python-selenium-7.0",
            "Schedule": {"Expression": "rate(5 minutes)"},
            "StartCanaryAfterCreation": True,
            "Code": {"Handler": "handler.handler", "S3Bucket": Match.any_value()},
            "RunConfig": {
                "EnvironmentVariables": {
                    "CREDENTIALS_SECRET_ARN": SECRET,
                    "TOKEN_URL": "https://login.example.com/oauth2/token",
                    "TOKEN_SCOPES": "orders:read",
                }
            },
            "SuccessRetentionPeriod": 30,
            "FailureRetentionPeriod": 30,
            "ProvisionedResourceCleanup": "AUTOMATIC",
        },
    )


def test_the_platform_stack_has_no_canary(canaries: dict[str, Template]) -> None:
    canaries["acme-dev-platform"].resource_count_is("AWS::Synthetics::Canary", 0)


def test_the_role_reads_the_one_secret_and_writes_only_its_bucket_logs_and_metrics(
    canaries: dict[str, Template],
) -> None:
    template = canaries["acme-dev-svc-orders"]
    statements = {json.dumps(s["Action"], sort_keys=True): s for s in _policy(template)}
    assert set(statements) == {
        '"s3:PutObject"', '"s3:GetBucketLocation"', '"s3:ListAllMyBuckets"',
        '"cloudwatch:PutMetricData"', '"secretsmanager:GetSecretValue"',
        '["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]',
    }  # fmt: skip
    assert all(s["Effect"] == "Allow" for s in statements.values())
    assert statements['"secretsmanager:GetSecretValue"']["Resource"] == SECRET
    (bucket_id,) = template.find_resources("AWS::S3::Bucket")
    assert statements['"s3:PutObject"']["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/*"]]
    }
    assert statements['"s3:GetBucketLocation"']["Resource"] == {"Fn::GetAtt": [bucket_id, "Arn"]}
    assert statements['"cloudwatch:PutMetricData"']["Condition"] == {
        "StringEquals": {"cloudwatch:namespace": "CloudWatchSynthetics"}
    }
    logs = statements['["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]']
    assert logs["Resource"] == (
        "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cwsyn-acme-dev-orders-*"
    )
    (role,) = template.find_resources("AWS::IAM::Role").values()
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }
    assert "ManagedPolicyArns" not in role["Properties"]


def test_the_artifacts_bucket_is_encrypted_private_tls_only_and_expiring(
    canaries: dict[str, Template],
) -> None:
    template = canaries["acme-dev-svc-inventory"]
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "LifecycleConfiguration": {"Rules": [{"ExpirationInDays": 30, "Status": "Enabled"}]},
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_a_failed_or_missing_run_alarms_to_the_platforms_topic(
    canaries: dict[str, Template],
) -> None:
    topic = "arn:aws:sns:eu-west-1:123456789012:acme-dev-alarms"
    (canary_id,) = canaries["acme-dev-svc-billing"].find_resources("AWS::Synthetics::Canary")
    canaries["acme-dev-svc-billing"].has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "acme-dev-billing-canary",
            "Namespace": "CloudWatchSynthetics",
            "MetricName": "SuccessPercent",
            "Dimensions": [{"Name": "CanaryName", "Value": {"Ref": canary_id}}],
            "Statistic": "Average",
            "Period": 600,
            "EvaluationPeriods": 1,
            "Threshold": 100,
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "AlarmActions": [topic],
            "OKActions": [topic],
        },
    )


def test_the_schedule_and_the_alarm_window_follow_rate_minutes(
    cdk_context: dict[str, Any],
) -> None:
    stack = cdk.Stack(
        cdk.App(context=cdk_context),
        "S",
        env=cdk.Environment(account="123456789012", region="eu-west-1"),
    )
    canary = ServiceCanary(
        stack,
        "Canary",
        canary_name="acme-dev-orders",
        checks=[Check(name="orders GET /orders", method="GET", url="https://api.example.com/o")],
        settings=Canaries(
            enabled=True,
            rate_minutes=60,
            credentials_secret_arn=SECRET,
            token_url="https://login.example.com/oauth2/token",
        ),
        topic=sns.Topic(stack, "Topic"),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Synthetics::Canary", {"Schedule": {"Expression": "rate(60 minutes)"}}
    )
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Period": 7200})
    assert canary.success_metric.metric_name == "SuccessPercent"
    assert canary.success_metric.namespace == "CloudWatchSynthetics"


def test_a_canary_needs_checks_a_secret_and_a_token_url() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    topic = sns.Topic(stack, "Topic")
    with pytest.raises(ValueError, match="acme-dev-orders: needs a credentials secret"):
        ServiceCanary(stack, "A", canary_name="acme-dev-orders", checks=[],
                      settings=Canaries(), topic=topic)  # fmt: skip
    settings = Canaries(
        enabled=True, credentials_secret_arn=SECRET, token_url="https://login.example.com/t"
    )
    with pytest.raises(ValueError, match="acme-dev-orders: has no check to run"):
        ServiceCanary(stack, "B", canary_name="acme-dev-orders", checks=[], settings=settings,
                      topic=topic)  # fmt: skip


def test_the_example_without_canaries_has_none(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    for template in templates(build(example_data, cdk_context)).values():
        template.resource_count_is("AWS::Synthetics::Canary", 0)
        template.resource_count_is("AWS::S3::Bucket", 0)
