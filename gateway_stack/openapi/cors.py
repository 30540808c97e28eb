"""CORS for browser clients: preflight answers, and the origin on the gateway's own responses.

A browser asks before a cross-origin call that sends an ``Authorization`` header: an ``OPTIONS``
*preflight* request, without the token. Every operation the gateway writes requires the
authorizer, so without help the preflight is refused with 401 and the browser never makes the
call. With CORS on, the gateway adds to every path an ``OPTIONS`` operation that a MOCK answers
(204, no authorizer, no API key) with the allowed origin, the path's methods, the allowed
headers and how long the browser may cache the answer.

The settings are :class:`~gateway_stack.models.cors.Cors`, the model the gateway file's ``cors``
section holds too. The service's own responses pass through HTTP_PROXY unchanged: the service
sets ``Access-Control-Allow-Origin`` on them. The gateway's error responses (401, 403, 429, ...)
get it from :mod:`~gateway_stack.openapi.gateway_responses`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from gateway_stack.models.cors import HEADER_PATTERN, Cors
from gateway_stack.openapi.document import ANY_METHOD, OPERATIONS, parameters_of, resolve
from gateway_stack.openapi.routes import Route

__all__ = ["ALL_METHODS", "Cors", "add_preflights", "is_preflight", "preflight_operation"]

#: Methods an ``ANY`` operation stands for.
ALL_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
_HEADER = re.compile(HEADER_PATTERN)


def preflight_operation(
    cors: Cors, methods: Iterable[str], headers: Iterable[str] = ()
) -> dict[str, Any]:
    """The ``options`` operation of a path whose operations are ``methods``; ``headers`` are the
    header parameters its operations declare, allowed on top of ``cors.allow_headers``."""
    allowed = sorted(
        {m for method in methods for m in (ALL_METHODS if method == "ANY" else [method])}
    )
    request_headers = list(cors.allow_headers)
    known = {h.lower() for h in request_headers}
    for header in sorted(set(headers)):
        if header.lower() not in known and _HEADER.match(header):
            request_headers.append(header)
            known.add(header.lower())
    headers = {
        **cors.origin_headers(),
        "Access-Control-Allow-Methods": ",".join([*allowed, "OPTIONS"]),
        "Access-Control-Allow-Headers": ",".join(request_headers),
        "Access-Control-Max-Age": str(cors.max_age_seconds),
    }
    return {
        "summary": "CORS preflight, answered by the gateway",
        "responses": {
            "204": {
                "description": "The cross-origin calls this path allows",
                "headers": {name: {"schema": {"type": "string"}} for name in headers},
            }
        },
        "x-amazon-apigateway-integration": {
            "type": "mock",
            "requestTemplates": {"application/json": '{"statusCode": 204}'},
            "passthroughBehavior": "when_no_match",
            "responses": {
                "default": {
                    "statusCode": "204",
                    "responseParameters": {
                        f"method.response.header.{name}": f"'{value}'"
                        for name, value in headers.items()
                    },
                }
            },
        },
    }


def is_preflight(method: str, operation: Any) -> bool:
    """Whether ``operation`` (under ``method``, as in a body) is a preflight the gateway wrote:
    a route table or a review should not count it as one of the service's routes."""
    if method.lower() != "options" or not isinstance(operation, dict) or "security" in operation:
        return False
    integration = operation.get("x-amazon-apigateway-integration", {})
    parameters = integration.get("responses", {}).get("default", {}).get("responseParameters", {})
    return (
        integration.get("type") == "mock"
        and "method.response.header.Access-Control-Allow-Methods" in parameters
    )


def add_preflights(body: dict[str, Any], cors: Cors) -> None:
    """Give every path of ``body`` its preflight ``options`` operation: its methods and declared
    header parameters allowed, and its path parameters declared (as on its other operations)."""
    for path, item in body.get("paths", {}).items():
        keys = [key for key in item if key in OPERATIONS or key == ANY_METHOD]
        headers = [
            str(parameter.get("name"))
            for key in keys
            for parameter in parameters_of(item[key], body, path)
            if parameter.get("in") == "header"
        ]
        methods = ["ANY" if key == ANY_METHOD else key.upper() for key in keys]
        preflight = preflight_operation(cors, methods, headers)
        shared = {
            resolve(p, body).get("name")
            for p in item.get("parameters", [])
            if resolve(p, body).get("in") == "path"
        }
        declared = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in Route("OPTIONS", path).path_parameters
            if name not in shared
        ]
        if declared:
            preflight["parameters"] = declared
        item["options"] = preflight
