"""The shared authorizer function (platform stack) and each service API's authorizer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from gateway_stack.openapi.security import BEARER_EXPRESSION
from tests.gateway.stacks import build, templates

FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer"


@pytest.fixture(scope="module")
def example(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


def test_function_runtime_architecture_and_environment(example: dict[str, Template]) -> None:
    platform = example["acme-dev-platform"]
    platform.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "acme-dev-authorizer",
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Handler": "handler.handler",
            "Timeout": 10,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": {"LogGroup": {"Ref": Match.string_like_regexp("^AuthorizerLogs")}},
            "Environment": {
                "Variables": {
                    "JWT_ISSUER": "https://login.example.com/",
                    "JWT_AUDIENCE": "https://api.example.com",
                    "JWKS_URI": "https://login.example.com/.well-known/jwks.json",
                    "CLIENT_ID_CLAIM": "client_id",
                    "API_KEY_NAME_PREFIX": "acme-dev-",
                    "PERMISSIONS_PARAMETER_PREFIX": "/gateway-stack/acme/dev/permissions",
                    "POWERTOOLS_SERVICE_NAME": "acme-dev-authorizer",
                    "POWERTOOLS_METRICS_NAMESPACE": "GatewayStack/Authorizer",
                    "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
                }
            },
        },
    )
    platform.has_resource(
        "AWS::Logs::LogGroup",
        {"Properties": {"RetentionInDays": 90}, "DeletionPolicy": "Retain"},
    )


def test_function_may_read_keys_and_permission_maps_and_nothing_else(
    example: dict[str, Template],
) -> None:
    platform = example["acme-dev-platform"]
    policies = [
        p
        for p in platform.find_resources("AWS::IAM::Policy").values()
        if "Authorizer" in json.dumps(p["Properties"]["Roles"])
    ]
    (policy,) = policies
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    granted = {(json.dumps(s["Action"]), json.dumps(s["Resource"])) for s in statements}
    assert granted == {
        (
            json.dumps(["xray:PutTelemetryRecords", "xray:PutTraceSegments"]),
            json.dumps("*"),
        ),
        (json.dumps("apigateway:GET"), json.dumps("arn:aws:apigateway:eu-west-1::/apikeys")),
        (
            json.dumps("ssm:GetParameter"),
            json.dumps(
                "arn:aws:ssm:eu-west-1:123456789012:parameter/gateway-stack/acme/dev/permissions/*"
            ),
        ),
    }


def test_api_gateway_may_invoke_it_for_this_accounts_authorizers(
    example: dict[str, Template],
) -> None:
    example["acme-dev-platform"].has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": "arn:aws:execute-api:eu-west-1:123456789012:*/authorizers/*",
        },
    )


def test_platform_publishes_the_functions_arn(example: dict[str, Template]) -> None:
    example["acme-dev-platform"].has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/authorizer/function-arn",
            "Value": {"Fn::GetAtt": [Match.string_like_regexp("^AuthorizerFunction"), "Arn"]},
        },
    )


@pytest.mark.parametrize("service", ["orders", "inventory", "billing"])
def test_every_api_has_its_own_token_authorizer_on_the_shared_function(
    example: dict[str, Template], service: str
) -> None:
    (api,) = example[f"acme-dev-svc-{service}"].find_resources("AWS::ApiGateway::RestApi").values()
    scheme = api["Properties"]["Body"]["components"]["securitySchemes"]["gateway-authorizer"]
    assert scheme == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
            "type": "token",
            "authorizerUri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
            f"{FUNCTION_ARN}/invocations",
            "authorizerResultTtlInSeconds": 300,
            "identityValidationExpression": BEARER_EXPRESSION,
        },
    }


def test_permission_map_is_published_with_the_routes_that_need_scopes(
    example: dict[str, Template],
) -> None:
    orders = example["acme-dev-svc-orders"]
    (logical_id, parameter) = next(iter(orders.find_resources("AWS::SSM::Parameter").items()))
    name = parameter["Properties"]["Name"]
    assert (
        name
        == {"Fn::Join": ["", ["/gateway-stack/acme/dev/permissions/", {"Ref": Match.any_value()}]]}
        or name["Fn::Join"][1][0] == "/gateway-stack/acme/dev/permissions/"
    )
    document = json.loads(parameter["Properties"]["Value"])
    routes = {(r["method"], r["path"]): r["scopes"] for r in document["routes"]}
    assert document["version"] == 1
    assert routes[("GET", "/orders")] == ["orders:read"]
    assert routes[("POST", "/orders")] == ["orders:write"]
    assert routes[("POST", "/orders/{orderId}/refunds")] == ["orders:write", "refunds:create"]
    (stage,) = orders.find_resources("AWS::ApiGateway::Stage").values()
    assert logical_id in stage["DependsOn"]  # the map changes before the routes go live
    (api,) = orders.find_resources("AWS::ApiGateway::RestApi").values()
    operations = {
        (method.upper(), path)
        for path, item in api["Properties"]["Body"]["paths"].items()
        for method in item
        if method not in ("parameters", "options")  # preflight: no authorizer, no route
    }
    assert set(routes) == operations  # every route, so no wildcard reaches an unlisted one


def test_no_permission_map_where_no_route_needs_a_scope(example: dict[str, Template]) -> None:
    example["acme-dev-svc-billing"].resource_count_is("AWS::SSM::Parameter", 0)
    inventory = example["acme-dev-svc-inventory"]  # one route needs inventory:reserve
    inventory.resource_count_is("AWS::SSM::Parameter", 1)
