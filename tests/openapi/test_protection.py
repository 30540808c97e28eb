"""Request validation and the gateway's own responses, written into every service's body."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway_stack.openapi import (
    AuthorizerRef,
    Cors,
    GatewaySettings,
    OpenApiDocumentError,
    PrivateIntegration,
    from_document,
    from_routes,
    parse_route,
    proxy_routes,
)
from gateway_stack.openapi.cors import is_preflight
from gateway_stack.openapi.gateway_responses import (
    ERROR_BODY,
    GATEWAY_RESPONSES,
    gateway_responses,
)
from gateway_stack.openapi.validation import VALIDATOR, VALIDATORS

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = GatewaySettings(integration=PrivateIntegration(port=8080), region="eu-west-1")
AUTHORIZER = AuthorizerRef(
    function_arn="arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer"
)


@pytest.fixture
def orders() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "config" / "openapi" / "orders.yaml").read_text())


def validator_of(body: dict[str, Any], path: str, method: str) -> str | None:
    return body["paths"][path][method].get(VALIDATOR)


# -- request validation ---------------------------------------------------------------------


def test_operations_with_a_body_schema_validate_their_body(orders: dict[str, Any]) -> None:
    body = from_document(orders, SETTINGS).body
    assert validator_of(body, "/orders", "post") == "body"
    # A mock validates too: a bad request to a route not built yet is still a bad request.
    assert validator_of(body, "/orders/{orderId}/refunds", "post") == "body"
    assert body[VALIDATORS] == {
        "body": {"validateRequestBody": True, "validateRequestParameters": False}
    }


def test_operations_with_nothing_to_check_are_not_validated(orders: dict[str, Any]) -> None:
    body = from_document(orders, SETTINGS).body
    # Optional query strings and path parameters give API Gateway nothing to check.
    assert validator_of(body, "/orders", "get") is None
    assert validator_of(body, "/orders/{orderId}", "get") is None
    assert validator_of(body, "/orders/{orderId}", "delete") is None


def test_required_query_strings_and_headers_validate_the_parameters(
    orders: dict[str, Any],
) -> None:
    orders["paths"]["/orders"]["get"]["parameters"].append(
        {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}}
    )
    orders["components"]["parameters"] = {
        "Since": {"name": "since", "in": "query", "required": True, "schema": {"type": "string"}}
    }
    orders["paths"]["/orders/{orderId}"]["parameters"].append(
        {"$ref": "#/components/parameters/Since"}
    )
    orders["paths"]["/orders"]["post"]["parameters"] = [
        {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string"}}
    ]
    body = from_document(orders, SETTINGS).body
    assert validator_of(body, "/orders", "get") == "params"
    # A path item's shared parameter, behind a $ref, counts for each of its operations.
    assert validator_of(body, "/orders/{orderId}", "get") == "params"
    assert validator_of(body, "/orders/{orderId}", "delete") == "params"
    assert validator_of(body, "/orders", "post") == "body-and-params"
    assert body[VALIDATORS] == {
        "body-and-params": {"validateRequestBody": True, "validateRequestParameters": True},
        "body": {"validateRequestBody": True, "validateRequestParameters": False},
        "params": {"validateRequestBody": False, "validateRequestParameters": True},
    }


def test_a_request_body_behind_a_ref_is_followed(orders: dict[str, Any]) -> None:
    post = orders["paths"]["/orders"]["post"]
    orders["components"]["requestBodies"] = {"NewOrder": post["requestBody"]}
    post["requestBody"] = {"$ref": "#/components/requestBodies/NewOrder"}
    assert validator_of(from_document(orders, SETTINGS).body, "/orders", "post") == "body"


@pytest.mark.parametrize(
    ("request_body", "validated"),
    [
        # Required JSON with a schema: validated, whatever the JSON media type.
        ({"required": True, "content": {"application/json": {"schema": {}}}}, True),
        ({"required": True, "content": {"application/merge-patch+json": {"schema": {}}}}, True),
        (
            {"required": True, "content": {"application/json; charset=utf-8": {"schema": {}}}},
            True,
        ),
        # Optional: a missing body would be validated as {} and refused by required properties.
        ({"content": {"application/json": {"schema": {"required": ["items"]}}}}, False),
        ({"required": False, "content": {"application/json": {"schema": {}}}}, False),
        # Not only JSON: a PDF or a form would be checked against a JSON model.
        (
            {
                "required": True,
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            False,
        ),
        (
            {
                "required": True,
                "content": {
                    "application/json": {"schema": {}},
                    "application/x-www-form-urlencoded": {"schema": {}},
                },
            },
            False,
        ),
        # Nothing to validate against.
        ({"required": True, "content": {"application/json": {}}}, False),
        ({"required": True, "content": {}}, False),
    ],
)
def test_only_required_json_bodies_with_a_schema_are_validated(
    orders: dict[str, Any], request_body: dict[str, Any], validated: bool
) -> None:
    orders["paths"]["/orders"]["post"]["requestBody"] = request_body
    body = from_document(orders, SETTINGS).body
    assert (validator_of(body, "/orders", "post") == "body") is validated


def test_validation_can_be_turned_off() -> None:
    document = yaml.safe_load((ROOT / "config" / "openapi" / "orders.yaml").read_text())
    settings = GatewaySettings(
        integration=PrivateIntegration(port=8080), region="eu-west-1", validate_requests=False
    )
    body = from_document(document, settings).body
    assert VALIDATORS not in body
    assert not any(VALIDATOR in op for item in body["paths"].values() for op in item.values())


def test_route_lists_and_proxies_declare_no_validators() -> None:
    for routes in (proxy_routes(), (parse_route("POST /items/{sku}"),)):
        body = from_routes(routes, SETTINGS, "t").body
        assert VALIDATORS not in body


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("document", VALIDATORS),
        ("document", VALIDATOR),
        ("document", GATEWAY_RESPONSES),
        ("operation", VALIDATOR),
    ],
)
def test_a_documents_own_validators_and_responses_are_refused(
    orders: dict[str, Any], where: str, key: str
) -> None:
    target = orders if where == "document" else orders["paths"]["/orders"]["get"]
    target[key] = copy.deepcopy({"all": {"validateRequestBody": True}})
    with pytest.raises(OpenApiDocumentError) as error:
        from_document(orders, SETTINGS)
    pointer = f"/{key}" if where == "document" else f"/paths/~1orders/get/{key}"
    assert any(p.pointer == pointer for p in error.value.problems), error.value.problems


# -- gateway responses ----------------------------------------------------------------------


def test_every_api_answers_its_own_errors_as_json_with_the_request_id(
    orders: dict[str, Any],
) -> None:
    for body in (
        from_document(orders, SETTINGS).body,
        from_routes(proxy_routes(), SETTINGS, "t").body,
    ):
        responses = body[GATEWAY_RESPONSES]
        assert {k: r.get("statusCode") for k, r in responses.items()} == {
            "DEFAULT_4XX": None,
            "DEFAULT_5XX": None,
            "UNAUTHORIZED": "401",
            "ACCESS_DENIED": "403",
            "THROTTLED": "429",
            "QUOTA_EXCEEDED": "429",
            "MISSING_AUTHENTICATION_TOKEN": "404",
        }
        for response in responses.values():
            assert response["responseParameters"] == {
                "gatewayresponse.header.Content-Type": "'application/json'"
            }
            assert "$context.requestId" in response["responseTemplates"]["application/json"]


def test_error_body_is_json_once_api_gateway_fills_in_the_variables() -> None:
    """Substitute values the way API Gateway does ($context.error.messageString is quoted)."""
    message = json.dumps('Say "hi" \\ and go')
    filled = (
        ERROR_BODY.replace("$context.error.messageString", message)
        .replace("$context.error.responseType", "THROTTLED")
        .replace("$context.requestId", "8d2f-4a1c")
    )
    assert json.loads(filled) == {
        "message": 'Say "hi" \\ and go',
        "type": "THROTTLED",
        "requestId": "8d2f-4a1c",
    }
    unknown_route = gateway_responses()["MISSING_AUTHENTICATION_TOKEN"]
    template = unknown_route["responseTemplates"]["application/json"]
    filled = template.replace("$context.error.responseType", "MISSING_AUTHENTICATION_TOKEN")
    filled = filled.replace("$context.requestId", "r-1")
    assert json.loads(filled)["message"] == "No route matches the request's method and path"


def test_cors_origin_goes_on_every_gateway_response() -> None:
    for origin, vary in (("https://app.example.com", True), ("*", False)):
        for response in gateway_responses(Cors(allow_origin=origin)).values():
            headers = response["responseParameters"]
            assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{origin}'"
            assert ("gatewayresponse.header.Vary" in headers) is vary


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"allow_origin": "https://x.example.com' , 'evil"}, r"allow_origin\n.*must be '\*'"),
        ({"allow_origin": "https://app.example.com/login"}, "no path"),
        ({"allow_origin": "*", "allow_headers": ("X-Ok", "Bad Header")}, r"allow_headers\.1\n"),
        ({"allow_origin": "*", "allow_headers": ()}, "at least 1 item"),
        ({"allow_origin": "*", "max_age_seconds": 86401}, r"max_age_seconds\n.*86400"),
    ],
)
def test_cors_settings_that_would_break_a_static_header_are_refused(
    settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Cors(**settings)


# -- CORS preflight ---------------------------------------------------------------------------

CORS = Cors(allow_origin="https://app.example.com", max_age_seconds=300)
WITH_CORS = GatewaySettings(
    integration=PrivateIntegration(port=8080), region="eu-west-1", cors=CORS
)


def preflight_headers(operation: dict[str, Any]) -> dict[str, str]:
    """The headers the preflight's MOCK answers with, as a browser would read them."""
    response = operation["x-amazon-apigateway-integration"]["responses"]["default"]
    assert response["statusCode"] == "204"
    return {
        key.removeprefix("method.response.header."): value.strip("'")
        for key, value in response["responseParameters"].items()
    }


def test_with_cors_every_path_answers_preflight_without_the_authorizer(
    orders: dict[str, Any],
) -> None:
    secured = GatewaySettings(
        integration=PrivateIntegration(port=8080),
        authorizer=AUTHORIZER,
        api_key_required=True,
        region="eu-west-1",
        cors=CORS,
    )
    definition = from_document(orders, secured)
    for path, item in definition.body["paths"].items():
        preflight = item["options"]
        assert "security" not in preflight, path  # browsers send no token on a preflight
        assert preflight["x-amazon-apigateway-integration"]["type"] == "mock"
        # Every header the MOCK sets is declared on the method response (API Gateway needs it).
        assert set(preflight["responses"]["204"]["headers"]) == set(preflight_headers(preflight))
    paths = definition.body["paths"]
    assert preflight_headers(paths["/orders"]["options"]) == {
        "Access-Control-Allow-Origin": "https://app.example.com",
        "Vary": "Origin",
        "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
        "Access-Control-Allow-Headers": "Authorization,Content-Type",
        "Access-Control-Max-Age": "300",
    }
    methods = preflight_headers(paths["/orders/{orderId}"]["options"])
    assert methods["Access-Control-Allow-Methods"] == "DELETE,GET,OPTIONS"
    # Preflight is the gateway's, not a route: no permission-map entry, no throttle, no scopes.
    assert all(route.method != "OPTIONS" for route in definition.routes)


def test_a_preflight_allows_the_header_parameters_the_paths_operations_declare(
    orders: dict[str, Any],
) -> None:
    orders["paths"]["/orders"]["get"]["parameters"].append(
        {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}}
    )
    orders["paths"]["/orders"]["post"]["parameters"] = [
        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
        {"name": "content-type", "in": "header", "schema": {"type": "string"}},  # already in
    ]
    paths = from_document(orders, WITH_CORS).body["paths"]
    headers = preflight_headers(paths["/orders"]["options"])
    assert headers["Access-Control-Allow-Headers"] == (
        "Authorization,Content-Type,Idempotency-Key,X-Tenant"
    )
    other = preflight_headers(paths["/orders/{orderId}"]["options"])
    assert other["Access-Control-Allow-Headers"] == "Authorization,Content-Type"


def test_an_any_route_allows_every_method_in_its_preflight() -> None:
    body = from_routes(proxy_routes(), WITH_CORS, "t").body
    preflight = body["paths"]["/{proxy+}"]["options"]
    headers = preflight_headers(preflight)
    assert headers["Access-Control-Allow-Methods"] == "DELETE,GET,HEAD,PATCH,POST,PUT,OPTIONS"
    # A route list declares path parameters per operation: the preflight declares its own.
    assert preflight["parameters"] == [
        {"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert "parameters" not in body["paths"]["/"]["options"]


def test_a_preflight_relies_on_the_path_items_own_parameters(orders: dict[str, Any]) -> None:
    preflight = from_document(orders, WITH_CORS).body["paths"]["/orders/{orderId}"]["options"]
    assert "parameters" not in preflight  # /orders/{orderId} declares orderId for the path
    # The same when the path item's parameter is a $ref.
    orders["components"]["parameters"] = {
        "OrderId": {"name": "orderId", "in": "path", "required": True, "schema": {"type": "string"}}
    }
    orders["paths"]["/orders/{orderId}"]["parameters"] = [
        {"$ref": "#/components/parameters/OrderId"}
    ]
    preflight = from_document(orders, WITH_CORS).body["paths"]["/orders/{orderId}"]["options"]
    assert "parameters" not in preflight


def test_without_cors_no_preflight_is_written(orders: dict[str, Any]) -> None:
    body = from_document(orders, SETTINGS).body
    assert not any("options" in item for item in body["paths"].values())


def test_with_cors_a_documents_own_options_operation_is_refused(orders: dict[str, Any]) -> None:
    orders["paths"]["/orders"]["options"] = {"responses": {"204": {"description": "ok"}}}
    with pytest.raises(OpenApiDocumentError) as error:
        from_document(orders, WITH_CORS)
    assert [p.pointer for p in error.value.problems] == ["/paths/~1orders/options"]
    assert "the gateway answers OPTIONS" in error.value.problems[0].message


def test_gateway_responses_can_be_turned_off(orders: dict[str, Any]) -> None:
    settings = GatewaySettings(
        integration=PrivateIntegration(port=8080), region="eu-west-1", gateway_responses=False
    )
    assert GATEWAY_RESPONSES not in from_document(orders, settings).body


def test_the_gateways_preflight_is_told_apart_from_a_teams_routes(orders: dict[str, Any]) -> None:
    body = from_document(orders, WITH_CORS).body
    assert is_preflight("options", body["paths"]["/orders"]["options"])
    assert not is_preflight("get", body["paths"]["/orders"]["get"])
    # A team's own OPTIONS mock (CORS off) is one of its routes.
    orders["paths"]["/orders"]["options"] = {
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"example": {}}}}
        },
        "x-gateway-stack": {"mock": True},
    }
    team = from_document(orders, SETTINGS).body["paths"]["/orders"]["options"]
    assert not is_preflight("options", team)
