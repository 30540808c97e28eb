"""A service API's definition: the OpenAPI body with the gateway's extensions written in.

The gateway writes, per operation: the ``x-amazon-apigateway-integration`` (a private HTTP_PROXY
over the VPC link, path parameters mapped, the authorizer's context forwarded as headers, the
route's timeout), or a MOCK answering the operation's example when the operation is not ready;
the security requirement (the token authorizer and the API key); and it records each route's
settings (throttle, cache, scopes) for the stage and the authorizer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gateway_stack.models.cors import HEADER_PATTERN, Cors
from gateway_stack.openapi.cors import add_preflights
from gateway_stack.openapi.document import (
    ANY_METHOD,
    GATEWAY_EXTENSION,
    INTEGRATION,
    OpenApiDocumentError,
    Problem,
    operation_pointer,
    operations,
    parameters_of,
    plain,
    resolve,
    review_document,
)
from gateway_stack.openapi.gateway_responses import GATEWAY_RESPONSES, gateway_responses
from gateway_stack.openapi.integration import (
    MAX_INTEGRATION_TIMEOUT_MS,
    PrivateIntegration,
    mock_integration,
)
from gateway_stack.openapi.options import OptionError, options_extension, route_options
from gateway_stack.openapi.pointers import Location, line_of
from gateway_stack.openapi.routes import Route
from gateway_stack.openapi.security import (
    AuthorizerRef,
    is_public,
    security_requirement,
    security_schemes,
)
from gateway_stack.openapi.validation import (
    VALIDATOR,
    VALIDATORS,
    request_validator,
    validator_declarations,
)

#: Default headers forwarded to the service: header -> authorizer context key.
DEFAULT_FORWARDED_CONTEXT: Mapping[str, str] = {"X-Client-Id": "clientId"}
_HEADER = re.compile(HEADER_PATTERN)
_CONTEXT_KEY = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class GatewaySettings:
    """What the gateway writes into every operation of one service API.

    Attributes:
        integration: the private integration (NLB port, default timeout).
        authorizer: the shared token authorizer. Default: none (no authorizer on the API).
        api_key_required: every operation requires an API key. Default: no.
        forwarded_context: integration request header -> authorizer context key, forwarded to
            the service when there is an authorizer. Default: ``X-Client-Id`` <- ``clientId``.
        binary_media_types: media types passed through as binary. Default: none.
        region: the API's region, for the authorizer's URI (a literal or a token); required
            with an authorizer. Default: none.
        partition: partition of the API. Default: ``aws``.
        validate_requests: validate request bodies and required parameters where the document
            defines them (:mod:`~gateway_stack.openapi.validation`). Default: yes.
        gateway_responses: write the gateway's JSON error responses
            (:mod:`~gateway_stack.openapi.gateway_responses`). Default: yes.
        cors: answer CORS preflight requests on every path, and put the allowed origin on the
            gateway's error responses (:mod:`~gateway_stack.openapi.cors`). Default: none.
        public_routes: route keys (``GET /health``) the platform lets anyone call: their
            operations get neither the authorizer nor the API key. A document's operation must
            declare ``security: []`` to be one, and an operation that declares it must be
            listed (it is never silently given the authorizer). Default: none.
        public_routes_origin: where ``public_routes`` is written, as messages name it.
            Default: ``GatewaySettings.public_routes``.
    """

    integration: PrivateIntegration
    authorizer: AuthorizerRef | None = None
    api_key_required: bool = False
    forwarded_context: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_FORWARDED_CONTEXT)
    )
    binary_media_types: tuple[str, ...] = ()
    region: str = ""
    partition: str = "aws"
    validate_requests: bool = True
    gateway_responses: bool = True
    cors: Cors | None = None
    public_routes: frozenset[str] = frozenset()
    public_routes_origin: str = "GatewaySettings.public_routes"

    def __post_init__(self) -> None:
        if self.authorizer is not None and not self.region:
            raise ValueError("GatewaySettings.region: required with an authorizer (its URI)")
        for header, key in self.forwarded_context.items():
            if not _HEADER.match(header) or not _CONTEXT_KEY.match(key):
                raise ValueError(
                    f"forwarded_context: {header!r} <- {key!r}: header names are letters, "
                    "digits and '-'; context keys are letters, digits and '_'"
                )


@dataclass(frozen=True)
class ServiceDefinition:
    """A service API's body and its routes with their settings.

    Attributes:
        body: the OpenAPI document API Gateway imports.
        routes: every operation, with its settings (``mock`` when a MOCK answers it).
        warnings: what API Gateway will ignore in the document.
        validated_operations: how many operations validate their body or required parameters
            (:mod:`~gateway_stack.openapi.validation`).
        longest_timeout_ms: the longest integration timeout of the routes the private
            integration answers (a route's own ``timeout_ms``, else the integration's); API
            Gateway's 29,000 ms when a MOCK answers every route.
    """

    body: dict[str, Any]
    routes: tuple[Route, ...]
    warnings: tuple[Problem, ...] = ()
    validated_operations: int = 0
    longest_timeout_ms: int = MAX_INTEGRATION_TIMEOUT_MS

    @property
    def public_routes(self) -> tuple[Route, ...]:
        """The routes anyone may call: no authorizer, no API key (``GatewaySettings.
        public_routes``), e.g. for health checks."""
        return tuple(route for route in self.routes if route.options.public)


def from_document(
    document: Mapping[str, Any],
    settings: GatewaySettings,
    source: str = "<document>",
    *,
    checked: bool = False,
    warnings: Sequence[Problem] = (),
    lines: Mapping[Location, int] | None = None,
) -> ServiceDefinition:
    """The definition of a service team's own OpenAPI document.

    Args:
        document: the document (mapping keys of any type are read as strings).
        settings: what the gateway writes into it.
        source: the document's name in errors. Default: ``<document>``.
        checked: the document already passed :func:`~gateway_stack.openapi.document.
            review_document` (``read_document`` does that), so the slow OpenAPI validation is
            not run again. Default: no.
        warnings: the review's warnings, when ``checked``. Default: none.
        lines: the line of each key path in the file, for messages. Default: none.

    Raises:
        OpenApiDocumentError: the document (or an ``x-gateway-stack`` setting) is invalid.
    """
    if not checked:
        review = review_document(document, lines)
        if review.problems:
            raise OpenApiDocumentError(source, list(review.problems))
        warnings = review.warnings
    definition = _define(plain(dict(document)), settings, source, lines or {}, generated=False)
    return replace(definition, warnings=(*warnings, *definition.warnings))


def _define(
    body: dict[str, Any],
    settings: GatewaySettings,
    source: str,
    lines: Mapping[Location, int],
    *,
    generated: bool,
) -> ServiceDefinition:
    """Write the gateway's extensions into ``body`` (a checked document the caller owns)."""
    routes, problems, keys = [], [], set()
    original = plain(body) if lines else body  # line lookups need the document as written
    for path, method, operation in operations(body):
        pointer = operation_pointer(path, method)
        keys.add(f"{method} {path}")
        if method == "OPTIONS" and settings.cors is not None:
            problems.append(
                Problem(pointer, "with CORS on, the gateway answers OPTIONS; remove the operation")
            )
            continue
        try:
            options = route_options(
                operation.pop(GATEWAY_EXTENSION, None), settings.integration.timeout_limit_ms
            )
        except OptionError as error:
            at = f"{pointer}/{GATEWAY_EXTENSION}" + (f"/{error.key}" if error.key else "")
            problems.append(Problem(at, str(error)))
            continue
        if not options.scopes:
            options = replace(options, scopes=_scopes(operation, body))
        try:
            route = Route(method, path, options)
            public = is_public(
                operation, route, settings.public_routes, settings.public_routes_origin, generated
            )
            route = replace(route, options=replace(options, public=public))
            _write_operation(operation, route, settings, body)
        except ValueError as error:
            problems.append(Problem(getattr(error, "pointer", pointer), str(error)))
            continue
        routes.append(replace(route, options=replace(route.options, mock=_is_mock(operation))))
    problems += [
        Problem(
            "/paths",
            f"{settings.public_routes_origin} lists '{key}' as public, but "
            + ("the route list has" if generated else "the document has")
            + " no such operation",
        )
        for key in sorted(settings.public_routes - keys)
    ]
    if problems:
        raise OpenApiDocumentError(
            source,
            [replace(p, line=line_of(original, p.pointer, lines)) for p in problems],
        )
    _write_document(body, settings)
    validated = sum(1 for _, _, operation in operations(body) if VALIDATOR in operation)
    timeouts = [
        route.options.timeout_ms or settings.integration.timeout_ms
        for route in routes
        if not route.options.mock
    ]
    return ServiceDefinition(
        body,
        tuple(routes),
        (),  # a document's warnings come from its review (from_document)
        validated,
        max(timeouts, default=MAX_INTEGRATION_TIMEOUT_MS),
    )


def from_routes(
    routes: Sequence[Route], settings: GatewaySettings, title: str
) -> ServiceDefinition:
    """The definition of a route list (``GET /items/{id}`` and options)."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        key = ANY_METHOD if route.method == "ANY" else route.method.lower()
        if key in paths.get(route.path, {}):
            raise ValueError(f"route {route.key} is listed twice")
        operation: dict[str, Any] = {"responses": {"200": {"description": "OK"}}}
        if route.path_parameters:
            operation["parameters"] = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in route.path_parameters
            ]
        if route.options.mock:
            operation["responses"]["200"]["content"] = {
                "application/json": {"example": route.options.example}
            }
            if route.options.example is None:
                raise ValueError(f"route {route.key} is a mock: give it an 'example' response")
        operation[GATEWAY_EXTENSION] = options_extension(route.options)
        paths.setdefault(route.path, {})[key] = operation
    # Generated from checked routes: valid by construction, so the (slow) OpenAPI validation
    # that service teams' documents go through is not needed here.
    document = {"openapi": "3.0.3", "info": {"title": title, "version": "1.0"}, "paths": paths}
    return _define(document, settings, f"routes of {title}", {}, generated=True)


def proxy_routes() -> tuple[Route, ...]:
    """The root and a ``{proxy+}`` catch-all, any method: everything goes to the service."""
    return (Route("ANY", "/"), Route("ANY", "/{proxy+}"))


# -- one operation ------------------------------------------------------------------------------


def _write_operation(
    operation: dict[str, Any], route: Route, settings: GatewaySettings, body: dict[str, Any]
) -> None:
    existing = operation.get(INTEGRATION)
    if route.options.mock and existing is None:
        status, example = _example(operation, body)
        operation[INTEGRATION] = mock_integration(status, example)
    elif existing is None:
        headers = {}
        if settings.authorizer is not None:
            headers = {
                header: f"context.authorizer.{key}"
                for header, key in settings.forwarded_context.items()
            }
        cache_keys: list[str] = []
        if route.options.cache_ttl_seconds:
            cache_keys = [f"method.request.path.{name}" for name in route.path_parameters]
            cache_keys += [
                f"method.request.querystring.{p['name']}"
                for p in parameters_of(operation, body, route.path)
                if isinstance(p, dict) and p.get("in") == "query"
            ]
        operation[INTEGRATION] = settings.integration.for_path(
            route.path,
            route.path_parameters,
            headers=headers,
            timeout_ms=route.options.timeout_ms,
            cache_key_parameters=cache_keys,
        )
    if settings.validate_requests:
        request_body = (
            resolve(operation["requestBody"], body) if "requestBody" in operation else None
        )
        validator = request_validator(request_body, parameters_of(operation, body, route.path))
        if validator is not None:
            operation[VALIDATOR] = validator
    requirement = security_requirement(_schemes(settings))
    if route.options.public:
        operation["security"] = []  # anyone: neither the authorizer nor the API key
    elif requirement:
        operation["security"] = requirement
    else:
        operation.pop("security", None)


def _write_document(body: dict[str, Any], settings: GatewaySettings) -> None:
    body.pop("servers", None)  # the base path comes from the custom domain's API mapping
    body.pop("security", None)
    schemes = _schemes(settings)
    components = body.setdefault("components", {})
    if schemes:
        components["securitySchemes"] = schemes
    else:
        components.pop("securitySchemes", None)
    if not components:
        body.pop("components")
    if settings.api_key_required and settings.authorizer is not None:
        # The key a request is metered under is the one the authorizer returns
        # (usageIdentifierKey), not one the caller sends.
        body["x-amazon-apigateway-api-key-source"] = "AUTHORIZER"
    validators = {op[VALIDATOR] for _, _, op in operations(body) if VALIDATOR in op}
    if validators:
        body[VALIDATORS] = validator_declarations(validators)
    if settings.gateway_responses:
        body[GATEWAY_RESPONSES] = gateway_responses(settings.cors)
    if settings.cors is not None:
        add_preflights(body, settings.cors)
    media = sorted(
        set(body.get("x-amazon-apigateway-binary-media-types", []))
        | set(settings.binary_media_types)
    )
    if media:
        body["x-amazon-apigateway-binary-media-types"] = media


def _schemes(settings: GatewaySettings) -> dict[str, Any]:
    return security_schemes(
        settings.authorizer,
        api_key=settings.api_key_required,
        region=settings.region,
        partition=settings.partition,
    )


def _is_mock(operation: dict[str, Any]) -> bool:
    integration = operation.get(INTEGRATION)
    return isinstance(integration, dict) and str(integration.get("type", "")).lower() == "mock"


def _scopes(operation: dict[str, Any], body: dict[str, Any]) -> tuple[str, ...]:
    """The scopes of the operation's (or the document's) one security requirement."""
    requirements = operation.get("security", body.get("security")) or []
    return tuple(sorted({s for req in requirements[:1] for v in req.values() for s in v}))


def _example(operation: dict[str, Any], body: dict[str, Any]) -> tuple[str, Any]:
    """The first 2xx response's JSON example: ``(status code, example)``."""
    for status in sorted(operation.get("responses", {})):
        if not status.startswith("2"):
            continue
        response = resolve(operation["responses"][status], body)
        media = response.get("content", {}).get("application/json", {})
        if "example" in media:
            return status, media["example"]
        examples = media.get("examples") or {}
        for named in examples.values():
            example = resolve(named, body)
            if "value" in example:
                return status, example["value"]
        schema = resolve(media.get("schema", {}), body)
        if "example" in schema:
            return status, schema["example"]
    raise ValueError(
        "marked mock (not ready), but no 2xx response has an application/json example to answer "
        "with; add 'example' to the response"
    )
