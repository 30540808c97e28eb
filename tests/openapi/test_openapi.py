"""The private integration and mock objects, and that generated documents are valid OpenAPI."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from gateway_stack.openapi import (
    GatewaySettings,
    PrivateIntegration,
    RouteOptions,
    check_document,
    from_routes,
    mock_integration,
    parse_route,
    proxy_routes,
)

SETTINGS = GatewaySettings(integration=PrivateIntegration(port=8080), region="eu-west-1")


def test_generated_documents_are_valid_openapi() -> None:
    validate(from_routes(proxy_routes(), SETTINGS, "billing").body)
    routes = [
        parse_route("GET /items/{sku}"),
        parse_route("GET /health", RouteOptions(mock=True, example={"ok": True})),
    ]
    validate(from_routes(routes, SETTINGS, "inventory").body)


def test_integration_timeout_defaults_to_api_gateways_ceiling() -> None:
    integration = PrivateIntegration(port=8080).for_path("/")
    assert integration["timeoutInMillis"] == 29_000
    assert "requestParameters" not in integration


def test_greedy_parameter_is_mapped_without_its_plus() -> None:
    integration = PrivateIntegration(port=80).for_path("/files/{path+}", ["path"])
    assert integration["uri"] == "http://${stageVariables.backendHost}:80/files/{path}"


def test_mock_keeps_dollar_and_hash_literal() -> None:
    template = mock_integration("200", {"price": "$5", "tag": "#1"})["responses"]["default"][
        "responseTemplates"
    ]["application/json"]
    assert template == '#[[{"price":"$5","tag":"#1"}]]#'


def test_undeclared_path_parameter_is_reported_at_its_operation() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "x", "version": "1"},
        "paths": {"/items/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    (problem,) = check_document(document)
    assert problem.pointer == "/paths/~1items~1{id}/get"
    assert "path parameter {id} is not declared" in problem.message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": 0}, r"PrivateIntegration.port: 0 is not a TCP port \(1-65535\)"),
        ({"port": 80, "timeout_ms": 49}, r"PrivateIntegration.timeout_ms: 49 ms is outside"),
        ({"port": 80, "timeout_ms": 29_001}, r"PrivateIntegration.timeout_ms: 29001 ms is outside"),
    ],
)
def test_bad_integration_settings_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrivateIntegration(**kwargs)


@pytest.mark.parametrize(
    ("route", "path", "matches"),
    [
        ("GET /items", "/items", True),
        ("GET /items", "/items/42", False),
        ("GET /items/{sku}", "/items/42", True),
        ("GET /items/{sku}", "/items", False),
        ("GET /items/{sku}", "/items/42/reservations", False),
        ("GET /files/{path+}", "/files/a/b/c", True),
        ("GET /files/{path+}", "/files", False),
        ("GET /{proxy+}", "/anything/at/all", True),
        ("GET /", "/", True),
        ("GET /", "/items", False),
    ],
)
def test_a_route_matches_a_request_path_as_api_gateway_does(
    route: str, path: str, matches: bool
) -> None:
    assert parse_route(route).matches(path) is matches
