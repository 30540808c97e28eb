"""What the gateway writes into service teams' documents and route lists (no CDK needed)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway_stack.openapi import (
    AuthorizerRef,
    GatewaySettings,
    OpenApiDocumentError,
    PrivateIntegration,
    RouteOptions,
    from_document,
    from_routes,
    load_document,
    parse_route,
    proxy_routes,
)

ROOT = Path(__file__).resolve().parents[2]
ORDERS = ROOT / "config" / "openapi" / "orders.yaml"
AUTHORIZER = AuthorizerRef(
    function_arn="arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer",
    cache_ttl_seconds=120,
)
SECURED = GatewaySettings(
    integration=PrivateIntegration(port=8080),
    authorizer=AUTHORIZER,
    api_key_required=True,
    forwarded_context={"X-Client-Id": "clientId", "X-Client-Scopes": "scopes"},
    region="eu-west-1",
)
PLAIN = GatewaySettings(integration=PrivateIntegration(port=8080), region="eu-west-1")


@pytest.fixture
def orders() -> dict[str, Any]:
    return yaml.safe_load(ORDERS.read_text())


def operation(body: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return body["paths"][path][method]


def test_every_operation_gets_a_private_integration_with_its_path_parameters(
    orders: dict[str, Any],
) -> None:
    body = from_document(orders, SECURED).body
    integration = operation(body, "/orders/{orderId}", "get")["x-amazon-apigateway-integration"]
    assert integration == {
        "type": "http_proxy",
        "httpMethod": "ANY",
        "uri": "http://${stageVariables.backendHost}:8080/orders/{orderId}",
        "connectionType": "VPC_LINK",
        "connectionId": "${stageVariables.vpcLinkId}",
        "passthroughBehavior": "when_no_match",
        "timeoutInMillis": 29000,
        "requestParameters": {
            "integration.request.path.orderId": "method.request.path.orderId",
            "integration.request.header.X-Client-Id": "context.authorizer.clientId",
            "integration.request.header.X-Client-Scopes": "context.authorizer.scopes",
        },
    }


def test_route_settings_from_x_gateway_stack(orders: dict[str, Any]) -> None:
    definition = from_document(orders, SECURED)
    create = operation(definition.body, "/orders", "post")
    assert create["x-amazon-apigateway-integration"]["timeoutInMillis"] == 10000
    assert "x-gateway-stack" not in create
    routes = {route.key: route.options for route in definition.routes}
    assert routes["GET /orders"].throttle is not None
    assert routes["GET /orders"].throttle.rate_limit == 100
    assert routes["POST /orders/{orderId}/refunds"].mock is True


def test_security_is_the_gateways_authorizer_and_api_key(orders: dict[str, Any]) -> None:
    body = from_document(orders, SECURED).body
    schemes = body["components"]["securitySchemes"]
    assert set(schemes) == {"gateway-authorizer", "api-key"}  # the team's oauth2 is replaced
    authorizer = schemes["gateway-authorizer"]["x-amazon-apigateway-authorizer"]
    assert authorizer == {
        "type": "token",
        "authorizerUri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer/invocations",
        "authorizerResultTtlInSeconds": 120,
        "identityValidationExpression": AUTHORIZER.identity_validation_expression,
    }
    assert schemes["gateway-authorizer"]["name"] == "Authorization"
    assert schemes["api-key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    for path, item in body["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                assert op["security"] == [{"gateway-authorizer": [], "api-key": []}], path
    assert "security" not in body
    assert "servers" not in body


def test_scopes_come_from_the_operations_security_or_the_documents(
    orders: dict[str, Any],
) -> None:
    scopes = {r.key: r.options.scopes for r in from_document(orders, SECURED).routes}
    assert scopes["GET /orders"] == ("orders:read",)  # document-level requirement
    assert scopes["POST /orders"] == ("orders:write",)  # operation-level wins
    assert scopes["POST /orders/{orderId}/refunds"] == ("orders:write", "refunds:create")


def test_no_authorizer_means_no_security_and_no_forwarded_headers(
    orders: dict[str, Any],
) -> None:
    body = from_document(orders, PLAIN).body
    get = operation(body, "/orders/{orderId}", "get")
    assert "security" not in get
    assert "components" in body
    assert "securitySchemes" not in body["components"]
    assert set(get["x-amazon-apigateway-integration"]["requestParameters"]) == {
        "integration.request.path.orderId"
    }


def test_models_parameters_and_examples_are_kept(orders: dict[str, Any]) -> None:
    body = from_document(orders, SECURED).body
    assert body["components"]["schemas"] == orders["components"]["schemas"]
    create = operation(body, "/orders", "post")
    assert create["requestBody"] == orders["paths"]["/orders"]["post"]["requestBody"]
    listing = operation(body, "/orders", "get")
    assert listing["parameters"] == orders["paths"]["/orders"]["get"]["parameters"]


def test_not_ready_operation_answers_its_example_from_a_mock(orders: dict[str, Any]) -> None:
    body = from_document(orders, SECURED).body
    refund = operation(body, "/orders/{orderId}/refunds", "post")
    integration = refund["x-amazon-apigateway-integration"]
    assert integration["type"] == "mock"
    assert integration["requestTemplates"] == {"application/json": '{"statusCode": 202}'}
    assert integration["responses"]["default"] == {
        "statusCode": "202",
        "responseTemplates": {
            "application/json": '{"orderId":"ord_0001","refundId":"rf_0001","status":"pending"}'
        },
    }
    assert refund["security"] == [{"gateway-authorizer": [], "api-key": []}]


def test_a_mock_without_an_example_is_refused_with_its_pointer(orders: dict[str, Any]) -> None:
    del orders["paths"]["/orders/{orderId}/refunds"]["post"]["responses"]["202"]["content"]
    with pytest.raises(OpenApiDocumentError) as caught:
        from_document(orders, SECURED, source="orders.yaml")
    (message,) = caught.value.messages
    assert message.startswith("orders.yaml: /paths/~1orders~1{orderId}~1refunds/post: marked mock")


def test_an_operations_own_mock_integration_is_kept(orders: dict[str, Any]) -> None:
    own = {"type": "mock", "requestTemplates": {"application/json": '{"statusCode": 200}'}}
    orders["paths"]["/orders/{orderId}"]["get"]["x-amazon-apigateway-integration"] = own
    definition = from_document(orders, SECURED)
    get = operation(definition.body, "/orders/{orderId}", "get")
    assert get["x-amazon-apigateway-integration"] == own
    assert {r.key: r.options.mock for r in definition.routes}["GET /orders/{orderId}"] is True


def test_an_operations_own_backend_integration_is_refused(orders: dict[str, Any]) -> None:
    orders["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"] = {
        "type": "http_proxy",
        "uri": "https://elsewhere.example.com/",
    }
    with pytest.raises(OpenApiDocumentError) as caught:
        from_document(orders, SECURED, source="orders.yaml")
    assert caught.value.messages[0].startswith(
        "orders.yaml: /paths/~1orders/get/x-amazon-apigateway-integration: the gateway writes"
    )


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (lambda d: d.update(openapi="3.1.0"), "/openapi", "takes OpenAPI 2.0 and 3.0, not 3.1"),
        (
            lambda d: d["paths"].update({"/files/{name}.json": d["paths"].pop("/orders")}),
            "/paths/~1files~1{name}.json",
            "a path parameter must be a whole segment",
        ),
        (
            lambda d: d["paths"].update({"/files/{rest+}/meta": {}}),
            "/paths/~1files~1{rest+}~1meta",
            "greedy parameter {rest+} must be the last segment",
        ),
        (
            lambda d: d["components"]["schemas"].update({"Order_Line": {"type": "object"}}),
            "/components/schemas/Order_Line",
            "model names are letters and digits only",
        ),
        (
            lambda d: d["paths"]["/orders"]["get"]["responses"]["200"]["content"][
                "application/json"
            ].update(schema={"$ref": "https://schemas.example.com/page.json"}),
            "/paths/~1orders/get/responses/200/content/application~1json/schema/$ref",
            "only references inside the document",
        ),
        (
            lambda d: d.update({"x-amazon-apigateway-api-key-source": "HEADER"}),
            "/x-amazon-apigateway-api-key-source",
            "the gateway's to write",
        ),
        (
            lambda d: d["paths"]["/orders"]["get"].update({"x-gateway-stack": {"cache": 5}}),
            "/paths/~1orders/get/x-gateway-stack",
            "unknown setting cache",
        ),
        (
            lambda d: d["paths"]["/orders"]["get"].update(
                {"x-gateway-stack": {"timeout_ms": 60000}}
            ),
            "/paths/~1orders/get/x-gateway-stack/timeout_ms",
            "outside API Gateway's 50-29000 ms",
        ),
        (
            lambda d: d["paths"]["/orders"]["get"].pop("responses"),
            "/paths/~1orders/get",
            "'responses' is a required property",
        ),
    ],
)
def test_documents_api_gateway_cannot_take_are_refused_with_file_and_pointer(
    orders: dict[str, Any], change: Any, pointer: str, words: str
) -> None:
    change(orders)
    with pytest.raises(OpenApiDocumentError) as caught:
        from_document(orders, SECURED, source="orders.yaml")
    assert any(
        m.startswith(f"orders.yaml: {pointer}: ") and words in m for m in caught.value.messages
    ), caught.value.messages


def test_keywords_api_gateway_drops_are_warnings(orders: dict[str, Any]) -> None:
    orders["components"]["schemas"]["Order"]["properties"]["orderId"]["readOnly"] = True
    definition = from_document(orders, SECURED)
    assert [(w.pointer, w.message) for w in definition.warnings] == [
        ("/components/schemas/Order/properties/orderId", "API Gateway ignores 'readOnly' in models")
    ]


def test_load_document_reports_every_problem_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("openapi: 3.0.3\ninfo: {title: x}\npaths: {/a: {get: {}}}\n")
    with pytest.raises(OpenApiDocumentError) as caught:
        load_document(path)
    assert {m.split(": ")[1] for m in caught.value.messages} == {"/info", "/paths/~1a/get"}


def test_route_list_becomes_a_document_with_the_same_injection() -> None:
    routes = [
        parse_route("GET /items"),
        parse_route("GET /items/{sku}", RouteOptions(cache_ttl_seconds=60)),
        parse_route("POST /items/{sku}/reservations", RouteOptions(scopes=("inventory:reserve",))),
        parse_route("GET /warehouses", RouteOptions(mock=True, example={"warehouses": []})),
    ]
    definition = from_routes(routes, SECURED, "inventory")
    body = definition.body
    assert sorted(body["paths"]) == [
        "/items",
        "/items/{sku}",
        "/items/{sku}/reservations",
        "/warehouses",
    ]
    item = operation(body, "/items/{sku}", "get")
    assert item["parameters"] == [
        {"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert item["x-amazon-apigateway-integration"]["cacheKeyParameters"] == [
        "method.request.path.sku"
    ]
    assert operation(body, "/warehouses", "get")["x-amazon-apigateway-integration"]["type"] == (
        "mock"
    )
    assert [r.options.scopes for r in definition.routes][2] == ("inventory:reserve",)


def test_proxy_routes_forward_everything() -> None:
    body = from_routes(proxy_routes(), PLAIN, "billing").body
    any_method = "x-amazon-apigateway-any-method"
    root = body["paths"]["/"][any_method]["x-amazon-apigateway-integration"]
    proxy = body["paths"]["/{proxy+}"][any_method]["x-amazon-apigateway-integration"]
    assert root["uri"] == "http://${stageVariables.backendHost}:8080/"
    assert proxy["uri"] == "http://${stageVariables.backendHost}:8080/{proxy}"
    assert proxy["requestParameters"] == {
        "integration.request.path.proxy": "method.request.path.proxy"
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("GET", "is not '<METHOD> <path>'"),
        ("FETCH /items", "'FETCH' is not a method"),
        ("GET items", "must start with '/'"),
        ("GET /items/", "must not end with '/'"),
        ("GET /items/{id}.json", "a path parameter must be a whole segment"),
        ("GET /a/{id}/b/{id}", "parameter {id} appears twice"),
        ("GET /a b", "is not '<METHOD> <path>'"),
        ("GET /items/caf\u00e9", "API Gateway allows letters, digits"),
    ],
)
def test_bad_routes_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("{", r"\{")):
        parse_route(text)


def test_binary_media_types_merge_the_documents_and_the_services(
    orders: dict[str, Any],
) -> None:
    orders["x-amazon-apigateway-binary-media-types"] = ["image/png"]
    settings = copy.copy(SECURED)
    object.__setattr__(settings, "binary_media_types", ("application/pdf",))
    body = from_document(orders, settings).body
    assert body["x-amazon-apigateway-binary-media-types"] == ["application/pdf", "image/png"]


def test_forwarded_headers_are_checked() -> None:
    with pytest.raises(ValueError, match="header names are letters, digits and '-'"):
        GatewaySettings(integration=PrivateIntegration(8080), forwarded_context={"X Id": "a"})


def test_cache_keys_include_query_parameters_declared_on_the_path(
    orders: dict[str, Any],
) -> None:
    item = orders["paths"]["/orders/{orderId}"]
    item["parameters"].append({"name": "view", "in": "query", "schema": {"type": "string"}})
    item["get"]["x-gateway-stack"] = {"cache_ttl_seconds": 30}
    get = operation(from_document(orders, SECURED).body, "/orders/{orderId}", "get")
    assert get["x-amazon-apigateway-integration"]["cacheKeyParameters"] == [
        "method.request.path.orderId",
        "method.request.querystring.view",
    ]


def test_a_non_numeric_cache_ttl_is_refused_with_its_pointer(orders: dict[str, Any]) -> None:
    orders["paths"]["/orders"]["get"]["x-gateway-stack"] = {"cache_ttl_seconds": "60"}
    with pytest.raises(OpenApiDocumentError, match="cache_ttl_seconds: a whole number"):
        from_document(orders, SECURED, source="orders.yaml")
