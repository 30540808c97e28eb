"""A service team's document, read from its file: every problem at its JSON pointer and line,
all at once, in one short line each; what API Gateway's import accepts is a warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway_stack.openapi import (
    AuthorizerRef,
    GatewaySettings,
    OpenApiDocumentError,
    PrivateIntegration,
    check_document,
    from_document,
)
from gateway_stack.openapi.document import Document, read_document

SETTINGS = GatewaySettings(integration=PrivateIntegration(port=8080), region="eu-west-1")

HEAD = """\
openapi: 3.0.3
info: {title: Orders, version: "1"}
"""


def written(tmp_path: Path, text: str, name: str = "orders.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def refused(path: Path) -> list[str]:
    with pytest.raises(OpenApiDocumentError) as caught:
        read_document(path)
    return list(caught.value.messages)


def line(path: Path, text: str) -> int:
    """The number of the first line of ``path`` holding ``text``."""
    for number, content in enumerate(path.read_text().splitlines(), start=1):
        if text in content:
            return number
    raise AssertionError(f"{text!r} is not in {path}")


def test_every_problem_is_reported_at_once_with_its_pointer_and_line(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        HEAD
        + """\
paths:
  /files/{id}.json:
    get:
      responses:
        "200": {description: ok}
  /orders:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "shared.yaml#/Order"}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewOrder"}
      responses: {}
components:
  schemas:
    Order_Line: {type: object}
""",
    )
    assert refused(path) == [
        f"{path}: /paths/~1orders/get/responses/200/content/application~1json/schema/$ref: API "
        "Gateway resolves only references inside the document; inline 'shared.yaml#/Order' "
        f"(line {line(path, 'shared.yaml')})",
        f"{path}: /paths/~1orders/post/requestBody/content/application~1json/schema/$ref: "
        "'#/components/schemas/NewOrder' points at nothing in the document; fix the name "
        f"(line {line(path, 'NewOrder')})",
        f"{path}: /paths/~1files~1{{id}}.json: segment '{{id}}.json': a path parameter must be a "
        "whole segment (API Gateway cannot match '{id}.json' or 'v{n}') (line 4)",
        f"{path}: /paths/~1orders/post/responses: {{}} should be non-empty "
        f"(line {line(path, 'responses: {}')})",
        f"{path}: /components/schemas/Order_Line: API Gateway model names are letters and digits "
        f"only; rename the schema (line {line(path, 'Order_Line')})",
    ]


def test_a_list_where_a_schema_goes_is_named_as_yaml_says_it_not_dumped(tmp_path: Path) -> None:
    properties = "\n".join(f"              field{n}: {{type: string}}" for n in range(40))
    path = written(
        tmp_path,
        HEAD
        + """\
paths:
  /orders:
    get:
      responses:
        "200": {description: ok}
components:
  schemas:
    Order:
      type: object
      properties:
        lines:
          type: array
          items:
          - type: object
            properties:
"""
        + properties
        + "\n",
    )
    (message,) = refused(path)
    assert message == (
        f"{path}: /components/schemas/Order/properties/lines/items: "
        "must be a mapping (got a list) (line 15)"
    )


def test_a_default_of_the_wrong_type_is_a_warning_where_it_is_written(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        HEAD
        + """\
paths:
  /orders:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
components:
  schemas:
    Order:
      type: object
      properties:
        paid: {type: boolean, default: "false"}
""",
    )
    document = read_document(path)
    assert [w.render(str(path)) for w in document.warnings] == [
        f'{path}: /components/schemas/Order/properties/paid/default: default "false" is not of '
        "type 'boolean'; API Gateway's import does not check defaults, but clients reading the "
        f"document will (line {line(path, 'paid:')})"
    ]


def test_alternative_security_requirements_are_a_warning_and_the_first_gives_the_scopes(
    tmp_path: Path,
) -> None:
    path = written(
        tmp_path,
        HEAD
        + """\
paths:
  /pets:
    get:
      security:
        - oauth: [pets:read]
        - api_key: []
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    api_key: {type: apiKey, name: api_key, in: header}
    oauth:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://login.example.com/token", scopes: {pets:read: r}}
""",
    )
    document = read_document(path)
    assert [w.render(str(path)) for w in document.warnings] == [
        f"{path}: /paths/~1pets/get/security: 2 alternative security requirements: API Gateway "
        "applies one per method, and the gateway's authorizer and API key replace them; the "
        "route requires the first one's scopes (pets:read) (set 'x-gateway-stack: {scopes: "
        f"[...]}}' to choose) (line {line(path, 'security:')})"
    ]
    definition = from_document(document.data, SETTINGS, checked=True, warnings=document.warnings)
    assert definition.routes[0].options.scopes == ("pets:read",)
    assert len(definition.warnings) == 1


def test_swagger_2_is_refused_with_how_to_convert_it(tmp_path: Path) -> None:
    path = written(tmp_path, 'swagger: "2.0"\ninfo: {title: x, version: "1"}\npaths: {}\n')
    assert refused(path) == [
        f'{path}: /swagger: a Swagger "2.0" document: API Gateway imports Swagger 2.0, but the '
        "gateway writes its integrations, security and validation as OpenAPI 3.0; convert it to "
        "OpenAPI 3.0 (npx swagger2openapi FILE -o FILE.yaml, or https://converter.swagger.io) "
        "and point 'openapi:' at the converted file (line 1)"
    ]


def test_openapi_3_1_is_refused_as_api_gateway_does(tmp_path: Path) -> None:
    path = written(tmp_path, "openapi: 3.1.0\ninfo: {title: x, version: '1'}\nwebhooks: {}\n")
    (message,) = refused(path)
    assert message.startswith(
        f"{path}: /openapi: OpenAPI 3.1.0: API Gateway's REST API import takes OpenAPI 2.0 and "
        "3.0, not 3.1 or later"
    )
    assert message.endswith("(line 1)")


def test_no_paths_is_refused(tmp_path: Path) -> None:
    path = written(tmp_path, HEAD + "paths: {}\n")
    assert refused(path) == [
        f"{path}: /paths: no paths: API Gateway refuses to deploy an API without methods (line 3)"
    ]


def test_a_method_written_twice_is_refused_at_its_second_line(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        HEAD
        + """\
paths:
  /orders:
    get:
      responses: {"200": {description: first}}
    get:
      responses: {"200": {description: second}}
""",
    )
    assert refused(path) == [
        f"{path}: /paths/~1orders/get: key appears twice in the same mapping (first on line 5): "
        "keep one (line 7)"
    ]


def test_unquoted_response_codes_are_read_as_strings(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        HEAD + "paths:\n  /orders:\n    get:\n      responses:\n        200: {description: ok}\n",
    )
    assert read_document(path).data["paths"]["/orders"]["get"]["responses"] == {
        "200": {"description": "ok"}
    }


def test_a_library_users_integer_keys_and_dates_are_read_as_json() -> None:
    import datetime

    document: dict[Any, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "x", "version": "1"},
        "paths": {
            "/orders": {
                "get": {
                    "responses": {
                        200: {
                            "description": "ok",
                            "content": {
                                "application/json": {"example": {"on": datetime.date(1981, 12, 15)}}
                            },
                        }
                    }
                }
            }
        },
    }
    assert check_document(document) == []
    body = from_document(document, SETTINGS).body
    response = body["paths"]["/orders"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["example"] == {"on": "1981-12-15"}


OPERATION = HEAD + "paths:\n  /orders:\n    get:\n      responses: {'200': {description: ok}}\n"


@pytest.mark.parametrize(
    ("extension", "key", "words"),
    [
        ('{mock: "false"}', "mock", 'true or false, not "false"'),
        ("{timeout_ms: 5000.7}", "timeout_ms", "a whole number of milliseconds, not 5000.7"),
        ('{timeout_ms: "5000"}', "timeout_ms", 'a whole number of milliseconds, not "5000"'),
        ("{cache_ttl_seconds: 0}", "cache_ttl_seconds", "0 is outside 1-3600"),
        (
            "{throttle: {rate_limit: -5, burst_limit: 10}}",
            "throttle",
            "rate_limit: Input should be greater than 0",
        ),
    ],
)
def test_x_gateway_stack_values_must_have_their_type(
    tmp_path: Path, extension: str, key: str, words: str
) -> None:
    path = written(tmp_path, OPERATION + f"      x-gateway-stack: {extension}\n")
    (message,) = refused(path)  # with the document's other rules, in the same pass
    assert message.startswith(f"{path}: /paths/~1orders/get/x-gateway-stack/{key}: ")
    assert words in message
    assert message.endswith(f"(line {line(path, 'x-gateway-stack')})")


def test_an_integration_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = written(tmp_path, OPERATION + "      x-amazon-apigateway-integration: mock\n")
    assert refused(path) == [
        f'{path}: /paths/~1orders/get/x-amazon-apigateway-integration: "mock" is not an '
        "integration object; remove it (the gateway writes the integration), or mark the "
        "operation 'x-gateway-stack: {mock: true}' to have a MOCK answer with its example "
        "(line 7)"
    ]


def _define(document: Document, settings: GatewaySettings = SETTINGS) -> Any:
    return from_document(
        document.data,
        settings,
        source=document.source,
        checked=True,
        warnings=document.warnings,
        lines=document.lines,
    )


HEALTH = (
    HEAD
    + """\
paths:
  /orders:
    get:
      responses: {"200": {description: ok}}
  /health:
    get:
      security: []
      responses: {"200": {description: up}}
"""
)
PUBLIC = GatewaySettings(
    integration=PrivateIntegration(port=8080),
    authorizer=AuthorizerRef("arn:aws:lambda:eu-west-1:123456789012:function:authorizer"),
    api_key_required=True,
    region="eu-west-1",
    public_routes=frozenset({"GET /health"}),
    public_routes_origin="gateway.yaml (services[0].public_routes, line 9)",
)


def test_a_listed_public_route_gets_neither_the_authorizer_nor_the_key(tmp_path: Path) -> None:
    definition = _define(read_document(written(tmp_path, HEALTH)), PUBLIC)
    paths = definition.body["paths"]
    assert paths["/health"]["get"]["security"] == []
    assert paths["/orders"]["get"]["security"] == [{"gateway-authorizer": [], "api-key": []}]
    assert [route.key for route in definition.public_routes] == ["GET /health"]


def test_security_none_without_the_platforms_list_is_refused_never_given_the_authorizer(
    tmp_path: Path,
) -> None:
    path = written(tmp_path, HEALTH)
    settings = GatewaySettings(
        integration=PrivateIntegration(port=8080),
        region="eu-west-1",
        public_routes_origin="gateway.yaml (services[0].public_routes)",
    )
    with pytest.raises(OpenApiDocumentError) as caught:
        _define(read_document(path), settings)
    assert caught.value.messages == (
        f"{path}: /paths/~1health/get/security: declares 'security: []' (anyone may call it), "
        "but the gateway gives every route its authorizer and API key unless the platform lists "
        "it as public: ask for 'GET /health' in gateway.yaml (services[0].public_routes), or "
        f"remove 'security: []' (line {line(path, 'security: []')})",
    )


def test_a_listed_route_must_declare_security_none_and_exist(tmp_path: Path) -> None:
    path = written(tmp_path, HEALTH.replace("      security: []\n", ""))
    settings = GatewaySettings(
        integration=PrivateIntegration(port=8080),
        region="eu-west-1",
        public_routes=frozenset({"GET /health", "GET /ping"}),
        public_routes_origin="gateway.yaml (services[0].public_routes, line 9)",
    )
    with pytest.raises(OpenApiDocumentError) as caught:
        _define(read_document(path), settings)
    assert caught.value.messages == (
        f"{path}: /paths/~1health/get: gateway.yaml (services[0].public_routes, line 9) lists "
        "'GET /health' as public, but the operation does not declare it: add 'security: []' to "
        "the operation (or ask for it to be taken off the list) "
        f"(line {line(path, '/health') + 1})",
        f"{path}: /paths: gateway.yaml (services[0].public_routes, line 9) lists 'GET /ping' as "
        "public, but the document has no such operation (line 3)",
    )


def test_the_documents_own_alternative_requirements_are_one_warning(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        HEAD
        + """\
security: [{api_key: []}, {basic: []}]
paths:
  /a: {get: {responses: {"200": {description: ok}}}}
  /b: {get: {responses: {"200": {description: ok}}}}
components:
  securitySchemes:
    api_key: {type: apiKey, name: api_key, in: header}
    basic: {type: http, scheme: basic}
""",
    )
    (warning,) = read_document(path).warnings
    assert warning.render(str(path)) == (
        f"{path}: /security: 2 alternative security requirements: API Gateway applies one per "
        "method, and the gateway's authorizer and API key replace them; routes without their own "
        "require no scope (set 'x-gateway-stack: {scopes: [...]}' to choose) (line 3)"
    )
