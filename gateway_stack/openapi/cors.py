"""CORS for browser clients: preflight answers, and the origin on the gateway's own responses.

A browser asks before a cross-origin call that sends an ``Authorization`` header: an ``OPTIONS``
*preflight* request, without the token. Every operation the gateway writes requires the
authorizer, so without help the preflight is refused with 401 and the browser never makes the
call. With CORS on, the gateway adds to every path an ``OPTIONS`` operation that a MOCK answers
(204, no authorizer, no API key) with the allowed origin, the path's methods, the allowed
headers and how long the browser may cache the answer.

The service's own responses pass through HTTP_PROXY unchanged: the service sets
``Access-Control-Allow-Origin`` on them. The gateway's error responses (401, 403, 429, ...) get it
from :mod:`~gateway_stack.openapi.gateway_responses`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gateway_stack.openapi.document import ANY_METHOD, OPERATIONS, parameters_of, resolve
from gateway_stack.openapi.routes import Route

#: Methods an ``ANY`` operation stands for.
ALL_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
#: An allowed origin: ``*``, or scheme, host and optional port (no path).
ORIGIN_PATTERN = r"^(\*|https?://[A-Za-z0-9.-]+(:\d{1,5})?)$"
#: A header name.
HEADER_PATTERN = r"^[A-Za-z0-9-]+$"
#: Browsers may cache a preflight answer for 0 to this many seconds.
MAX_AGE_SECONDS = 86400
_ORIGIN = re.compile(ORIGIN_PATTERN)
_HEADER = re.compile(HEADER_PATTERN)


@dataclass(frozen=True)
class Cors:
    """Cross-origin settings of a service API.

    Attributes:
        allow_origin: the origin browsers may call from (``https://app.example.com``), or
            ``*`` for any.
        allow_headers: request headers a browser may send. Default: ``Authorization``,
            ``Content-Type``.
        max_age_seconds: how long a browser may cache a preflight answer (0-86400).
            Default: 600.
    """

    allow_origin: str
    allow_headers: tuple[str, ...] = ("Authorization", "Content-Type")
    max_age_seconds: int = 600

    def __post_init__(self) -> None:
        if not _ORIGIN.match(self.allow_origin):
            raise ValueError(
                f"Cors.allow_origin: {self.allow_origin!r}; use '*' or an origin such as "
                "https://app.example.com (scheme, host, optional port; no path)"
            )
        bad = [h for h in self.allow_headers if not _HEADER.match(h)]
        if bad or not self.allow_headers:
            raise ValueError(
                f"Cors.allow_headers: {bad or '(empty)'}: header names are letters, digits "
                "and '-', at least one"
            )
        if not 0 <= self.max_age_seconds <= MAX_AGE_SECONDS:
            raise ValueError(f"Cors.max_age_seconds: {self.max_age_seconds}; use 0 to 86400")

    def origin_headers(self) -> dict[str, str]:
        """The headers every cross-origin answer carries: the origin, and ``Vary: Origin`` when
        the answer depends on it (a single origin)."""
        headers = {"Access-Control-Allow-Origin": self.allow_origin}
        if self.allow_origin != "*":
            headers["Vary"] = "Origin"
        return headers


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
