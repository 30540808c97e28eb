"""Routes: a method and a resource path, with the per-route settings a platform engineer expects.

Routes come from a service team's OpenAPI document (settings in the operation's
``x-gateway-stack`` object), from a short list in the gateway file (``"GET /items/{id}"`` with
options), or, with neither, are the root and a ``{proxy+}`` catch-all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gateway_stack.models.throttle import Throttle

#: HTTP methods API Gateway routes, and ANY (API Gateway's x-amazon-apigateway-any-method).
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY")
#: One path segment: literal characters API Gateway accepts, or a whole-segment parameter.
LITERAL_SEGMENT = re.compile(r"^[A-Za-z0-9._~:,-]+$")
PARAMETER_SEGMENT = re.compile(r"^\{([A-Za-z0-9_.-]+)(\+?)\}$")
MAX_CACHE_TTL_SECONDS = 3600


@dataclass(frozen=True)
class RouteOptions:
    """Per-route settings. Every field defaults to "as the service's defaults say".

    Attributes:
        throttle: a stage throttle for this route alone. Default: the stage's.
        cache_ttl_seconds: cache responses for this many seconds (1-3600); needs the service's
            cache cluster. Default: no caching.
        timeout_ms: integration timeout, 50-29,000 ms. Default: the service's.
        scopes: OAuth scopes a token must all hold to call the route. Default: none.
        mock: the route is not ready: a MOCK integration answers with its example response.
            Default: no.
        example: the response body a mock answers with (route lists; a document's operations
            use their own response examples). Default: none.
        public: anyone may call the route: no authorizer, no API key. Set by the gateway from
            the platform's list of public routes (``GatewaySettings.public_routes``), never by a
            document's ``x-gateway-stack``. Default: no.
    """

    throttle: Throttle | None = None
    cache_ttl_seconds: int | None = None
    timeout_ms: int | None = None
    scopes: tuple[str, ...] = ()
    mock: bool = False
    example: Any = None
    public: bool = False

    def __post_init__(self) -> None:
        ttl = self.cache_ttl_seconds
        if ttl is not None and not 1 <= ttl <= MAX_CACHE_TTL_SECONDS:
            raise ValueError(f"cache_ttl_seconds: {ttl} is outside 1-{MAX_CACHE_TTL_SECONDS}")


@dataclass(frozen=True)
class Route:
    """One route of a service API.

    Attributes:
        method: an HTTP method in upper case, or ANY.
        path: the resource path, e.g. ``/items/{id}`` (parameters are whole segments; a greedy
            ``{name+}`` only as the last one).
        options: the route's settings.
    """

    method: str
    path: str
    options: RouteOptions = field(default_factory=RouteOptions)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"{self.method!r} is not a method; use one of {', '.join(METHODS)}")
        problem = path_problem(self.path)
        if problem:
            raise ValueError(f"path {self.path!r}: {problem}")

    @property
    def key(self) -> str:
        """``GET /items/{id}``."""
        return f"{self.method} {self.path}"

    def matches(self, path: str) -> bool:
        """Whether a request for ``path`` (``/items/42``) reaches this route's path, as API
        Gateway matches it: ``{name}`` takes one segment, a last ``{name+}`` one or more."""
        pattern = [s for s in self.path.split("/") if s]
        segments = [s for s in path.split("/") if s]
        for index, part in enumerate(pattern):
            match = PARAMETER_SEGMENT.match(part)
            if match and match.group(2):  # {name+}: one or more segments, last
                return len(segments) > index
            if index >= len(segments) or (not match and part != segments[index]):
                return False
        return len(segments) == len(pattern)

    @property
    def path_parameters(self) -> tuple[str, ...]:
        """The names of the path's parameters, in order (``proxy`` for ``{proxy+}``)."""
        return tuple(
            match.group(1)
            for segment in self.path.split("/")
            if (match := PARAMETER_SEGMENT.match(segment))
        )


def parse_route(text: str, options: RouteOptions | None = None) -> Route:
    """``"GET /items/{id}"`` -> :class:`Route`.

    Raises:
        ValueError: not ``<METHOD> <path>``, or a method or path API Gateway cannot route.
    """
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not '<METHOD> <path>', e.g. 'GET /items/{{id}}'")
    return Route(parts[0].upper(), parts[1], options or RouteOptions())


def path_problem(path: str) -> str | None:
    """What API Gateway would refuse in a resource path, or None."""
    if not path.startswith("/"):
        return "must start with '/'"
    if path == "/":
        return None
    if path.endswith("/"):
        return "must not end with '/'"
    segments = path[1:].split("/")
    names: list[str] = []
    for index, segment in enumerate(segments):
        match = PARAMETER_SEGMENT.match(segment)
        if match:
            if match.group(2) and index != len(segments) - 1:
                return f"greedy parameter {segment} must be the last segment"
            if match.group(1) in names:
                return f"parameter {{{match.group(1)}}} appears twice"
            names.append(match.group(1))
        elif "{" in segment or "}" in segment:
            return (
                f"segment {segment!r}: a path parameter must be a whole segment "
                "(API Gateway cannot match '{id}.json' or 'v{n}')"
            )
        elif not LITERAL_SEGMENT.match(segment):
            return (
                f"segment {segment!r}: API Gateway allows letters, digits and . _ ~ : , - in "
                "a path segment"
            )
    return None


def resource_paths(paths: list[str]) -> set[str]:
    """Every API Gateway resource the paths create: each path and all of its prefixes."""
    resources = {"/"}
    for path in paths:
        segments = [s for s in path.split("/") if s]
        for end in range(1, len(segments) + 1):
            resources.add("/" + "/".join(segments[:end]))
    return resources
