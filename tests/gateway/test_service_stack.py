"""Service stacks: a REGIONAL REST API from an OpenAPI body, over a VPC link, well logged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from gateway_stack.constructs.access_log import ACCESS_LOG_FIELDS
from tests.gateway.stacks import build, templates


@pytest.fixture(scope="module")
def all_templates(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


@pytest.fixture(scope="module")
def orders(all_templates: dict[str, Template]) -> Template:
    return all_templates["acme-dev-svc-orders"]


@pytest.fixture(scope="module")
def billing(all_templates: dict[str, Template]) -> Template:
    """The example's proxy service: no document, no route list."""
    return all_templates["acme-dev-svc-billing"]


def the(template: Template, kind: str) -> dict[str, Any]:
    (resource,) = template.find_resources(kind).values()
    return resource


def test_one_stack_per_service_named_after_gateway_environment_and_service(
    all_templates: dict[str, Template],
) -> None:
    assert sorted(all_templates) == [
        "acme-dev-platform",
        "acme-dev-svc-billing",
        "acme-dev-svc-inventory",
        "acme-dev-svc-orders",
    ]


def test_regional_api_defined_by_its_openapi_body(orders: Template) -> None:
    api = the(orders, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["Name"] == "acme-dev-orders"
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert sorted(api["Body"]["paths"]) == [
        "/orders",
        "/orders/{orderId}",
        "/orders/{orderId}/refunds",
    ]
    # Routes are in the body: no resource or method per route.
    orders.resource_count_is("AWS::ApiGateway::Resource", 0)
    orders.resource_count_is("AWS::ApiGateway::Method", 0)


def test_proxy_service_forwards_path_method_and_query_over_the_vpc_link(
    billing: Template,
) -> None:
    paths = the(billing, "AWS::ApiGateway::RestApi")["Properties"]["Body"]["paths"]
    root = paths["/"]["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    proxy_operation = paths["/{proxy+}"]["x-amazon-apigateway-any-method"]
    proxy = proxy_operation["x-amazon-apigateway-integration"]
    for integration in (root, proxy):
        assert integration["type"] == "http_proxy"  # query string and headers pass through
        assert integration["httpMethod"] == "ANY"
        assert integration["connectionType"] == "VPC_LINK"
        assert integration["connectionId"] == "${stageVariables.vpcLinkId}"
    assert root["uri"] == "http://${stageVariables.backendHost}:8443/"
    assert proxy["uri"] == "http://${stageVariables.backendHost}:8443/{proxy}"
    assert proxy["requestParameters"] == {
        "integration.request.path.proxy": "method.request.path.proxy",
        "integration.request.header.X-Client-Id": "context.authorizer.clientId",
    }
    assert proxy_operation["parameters"] == [
        {"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}
    ]


def test_backend_comes_from_the_platforms_ssm_parameters_at_deploy_time(
    orders: Template, all_templates: dict[str, Template]
) -> None:
    parameters = orders.to_json()["Parameters"]
    by_default = {p["Default"]: name for name, p in parameters.items()}
    link = by_default["/gateway-stack/acme/dev/load-balancers/commerce/vpc-link-id"]
    host = by_default["/gateway-stack/acme/dev/load-balancers/commerce/dns-name"]
    assert parameters[link]["Type"] == "AWS::SSM::Parameter::Value<String>"
    stage = the(orders, "AWS::ApiGateway::Stage")["Properties"]
    assert stage["Variables"] == {"vpcLinkId": {"Ref": link}, "backendHost": {"Ref": host}}
    billing = all_templates["acme-dev-svc-billing"].to_json()["Parameters"]
    assert {p["Default"] for p in billing.values()} >= {
        "/gateway-stack/acme/dev/load-balancers/billing/vpc-link-id"
    }


def test_no_cross_stack_exports_or_imports(all_templates: dict[str, Template]) -> None:
    for name, template in all_templates.items():
        text = json.dumps(template.to_json())
        assert "Fn::ImportValue" not in text, name
        assert '"Export"' not in text, name


def test_stage_logs_traces_and_throttles(billing: Template) -> None:
    billing.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "dev",
            "TracingEnabled": True,
            "MethodSettings": [
                {
                    "HttpMethod": "*",
                    "ResourcePath": "/*",
                    "LoggingLevel": "INFO",
                    "MetricsEnabled": True,
                    "DataTraceEnabled": False,
                    "ThrottlingRateLimit": 500,
                    "ThrottlingBurstLimit": 1000,
                }
            ],
            "AccessLogSetting": Match.object_like(
                {
                    "DestinationArn": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:aws:logs:eu-west-1:123456789012:log-group:",
                                {"Ref": Match.string_like_regexp("^ServiceAccessLogs")},
                            ],
                        ]
                    }
                }
            ),
        },
    )


def test_access_log_is_one_json_object_per_request(orders: Template) -> None:
    stage = the(orders, "AWS::ApiGateway::Stage")["Properties"]
    line = json.loads(stage["AccessLogSetting"]["Format"])
    assert line == ACCESS_LOG_FIELDS
    # What operations needs from every line, and the $context variable each comes from.
    expected = {
        "requestId": "$context.requestId",
        "extendedRequestId": "$context.extendedRequestId",
        "ip": "$context.identity.sourceIp",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integration.latency",
        "integrationStatus": "$context.integration.status",
        "clientId": "$context.authorizer.clientId",
        "principalId": "$context.authorizer.principalId",
        "authorizerLatency": "$context.authorizer.latency",
        "authorizerError": "$context.authorizer.error",
        "apiKeyId": "$context.identity.apiKeyId",
        "userAgent": "$context.identity.userAgent",
    }
    assert {field: line[field] for field in expected} == expected
    # Every value is quoted, so "-" (no value) keeps the line valid JSON.
    filled = stage["AccessLogSetting"]["Format"]
    for variable in ACCESS_LOG_FIELDS.values():
        filled = filled.replace(variable, "-")
    assert set(json.loads(filled).values()) == {"-"}


def test_access_logs_are_retained(orders: Template) -> None:
    orders.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {"RetentionInDays": 90},
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_service_apis_never_set_the_account_cloudwatch_role(
    all_templates: dict[str, Template],
) -> None:
    for name, template in all_templates.items():
        if name != "acme-dev-platform":
            template.resource_count_is("AWS::ApiGateway::Account", 0)
            template.resource_count_is("AWS::IAM::Role", 0)


def deployment_ids(data: dict[str, Any], context: dict[str, Any]) -> dict[str, str]:
    result = {}
    for name, template in templates(build(data, context)).items():
        found = template.find_resources("AWS::ApiGateway::Deployment")
        if found:
            (result[name],) = found
    return result


def test_stage_redeploys_exactly_when_the_routes_change(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    before = deployment_ids(gateway_data, cdk_context)
    assert deployment_ids(gateway_data, cdk_context) == before  # same input, same ids

    gateway_data["services"][0]["backend"]["port"] = 9090  # orders' integration changes
    gateway_data["stage"]["throttle"]["rate_limit"] = 50  # a stage setting, not a route
    after = deployment_ids(gateway_data, cdk_context)
    assert after["acme-dev-svc-orders"] != before["acme-dev-svc-orders"]
    assert after["acme-dev-svc-inventory"] == before["acme-dev-svc-inventory"]
    assert after["acme-dev-svc-billing"] == before["acme-dev-svc-billing"]


def test_adding_a_service_changes_no_other_stack(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    before = {n: t.to_json() for n, t in templates(build(gateway_data, cdk_context)).items()}
    gateway_data["services"].append(
        {
            "name": "search",
            "base_path": "billing/v3",  # allowed by the platform's "billing/v*" already
            "backend": {"load_balancer": "billing", "port": 8443},
        }
    )
    after = {n: t.to_json() for n, t in templates(build(gateway_data, cdk_context)).items()}
    assert set(after) - set(before) == {"acme-dev-svc-search"}
    for name, template in before.items():
        assert after[name] == template, f"{name} changed"


def test_the_service_stacks_are_the_team_attachment_without_a_second_allowlist_check(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    from aws_cdk.assertions import Annotations

    from gateway_stack.constructs.platform_attachment import PlatformAttachment

    stacks = build(example_data, cdk_context)
    for stack in stacks.services.values():
        # The attachment service teams get from GatewayService, under the hidden id Default.
        assert isinstance(stack.node.find_child("Default"), PlatformAttachment)
        assert stack.plan_membership is stack.attachment.plan_membership
        # The plan checked the gateway file's allowlist: no "not checked at synth" note.
        notes = Annotations.from_stack(stack).find_info("*", Match.string_like_regexp("allowlist"))
        assert notes == []
