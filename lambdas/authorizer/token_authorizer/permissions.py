"""Per-API permission maps: their format, parsing, and loading from SSM Parameter Store.

A service stack publishes ``{PERMISSIONS_PARAMETER_PREFIX}/{apiId}`` as a String parameter::

    {"version": 1, "routes": [
        {"method": "GET", "path": "/items/{id}", "scopes": ["items:read"]},
        {"method": "*", "path": "/admin/{proxy+}", "scopes": ["admin"]}]}

``method`` is an HTTP verb or ``*``/``ANY``; ``path`` is an API Gateway resource path template
(``{param}`` is one segment, ``{proxy+}`` one or more, last only); a token must hold every scope
in ``scopes`` (an empty list admits any verified client). The map must list every route of the
API: a route it does not list is forbidden to every token.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from token_authorizer.arn import HTTP_VERBS
from token_authorizer.aws_clients import AwsClients, error_code
from token_authorizer.errors import LookupFailed
from token_authorizer.tokens import SCOPE
from token_authorizer.ttl_cache import FAILURE_CACHE_SECONDS, MAX_STALE_SECONDS, TtlCache

MAX_ROUTES = 1000
MAX_SCOPES_PER_ROUTE = 50
MAX_PATH_CHARS = 1024

LITERAL, PARAM, PROXY = "lit", "param", "proxy"
_LITERAL = re.compile(r"[A-Za-z0-9._~!$&'()+,;=:@%\-]+")
_PARAM = re.compile(r"\{[A-Za-z0-9_.\-]+\}")
_PROXY = re.compile(r"\{[A-Za-z0-9_.\-]+\+\}")


class InvalidPermissionMap(ValueError):
    """The parameter exists but does not hold a valid permission map."""


@dataclass(frozen=True, slots=True)
class RouteRule:
    """One route of the map. ``segments`` hold (kind, literal text or ""): the resource the
    route belongs to (parameter names do not matter to routing)."""

    method: str  # an HTTP verb, or "ANY"
    path: str
    segments: tuple[tuple[str, str], ...]
    scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class PermissionMap:
    routes: tuple[RouteRule, ...]
    fingerprint: str


def parse_path(path: object) -> tuple[tuple[str, str], ...]:
    """Split an API Gateway resource path template; raise ``InvalidPermissionMap``."""
    if not isinstance(path, str) or not path.startswith("/") or len(path) > MAX_PATH_CHARS:
        raise InvalidPermissionMap(f"path {path!r} must be a string starting with '/'")
    if path == "/":
        return ()
    parts = path[1:].split("/")
    segments: list[tuple[str, str]] = []
    for index, part in enumerate(parts):
        if _LITERAL.fullmatch(part):
            segments.append((LITERAL, part))
        elif _PARAM.fullmatch(part):
            segments.append((PARAM, ""))
        elif _PROXY.fullmatch(part) and index == len(parts) - 1:
            segments.append((PROXY, ""))
        else:
            raise InvalidPermissionMap(f"path {path!r}: segment {part!r} is not allowed")
    return tuple(segments)


def parse_permission_map(text: str) -> PermissionMap:
    """Parse and validate the parameter value; raise ``InvalidPermissionMap``."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise InvalidPermissionMap(f"not JSON: {error}") from None
    if not isinstance(document, dict):
        raise InvalidPermissionMap("the map must be a JSON object")
    version = document.get("version")
    if type(version) is not int or version != 1:
        raise InvalidPermissionMap(f"unsupported version {version!r} (expected 1)")
    raw_routes = document.get("routes")
    if not isinstance(raw_routes, list) or len(raw_routes) > MAX_ROUTES:
        raise InvalidPermissionMap(f"'routes' must be a list of at most {MAX_ROUTES} routes")
    routes: list[RouteRule] = []
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for position, raw in enumerate(raw_routes):
        route = _parse_route(raw, position)
        if (route.method, route.segments) in seen:
            raise InvalidPermissionMap(f"routes[{position}]: duplicate route {route.path!r}")
        seen.add((route.method, route.segments))
        routes.append(route)
    canonical = json.dumps(
        [[r.method, r.path, sorted(r.scopes)] for r in routes], separators=(",", ":")
    )
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return PermissionMap(routes=tuple(routes), fingerprint=fingerprint)


def _parse_route(raw: Any, position: int) -> RouteRule:
    where = f"routes[{position}]"
    if not isinstance(raw, dict):
        raise InvalidPermissionMap(f"{where} must be an object")
    method = raw.get("method")
    if not isinstance(method, str):
        raise InvalidPermissionMap(f"{where}.method must be a string")
    method = method.strip().upper()
    if method == "*":
        method = "ANY"
    if method != "ANY" and method not in HTTP_VERBS:
        raise InvalidPermissionMap(f"{where}.method {raw.get('method')!r} is not an HTTP verb")
    path = raw.get("path")
    segments = parse_path(path)
    scopes = raw.get("scopes")
    if not isinstance(scopes, list) or len(scopes) > MAX_SCOPES_PER_ROUTE:
        raise InvalidPermissionMap(f"{where}.scopes must be a list (at most 50)")
    for scope in scopes:
        if not isinstance(scope, str) or not SCOPE.fullmatch(scope):
            raise InvalidPermissionMap(f"{where}.scopes holds an invalid scope {scope!r}")
    return RouteRule(method=method, path=str(path), segments=segments, scopes=frozenset(scopes))


@dataclass(frozen=True, slots=True)
class _Failure:
    reason: str


class PermissionStore:
    """Loads ``{prefix}/{api_id}`` lazily and caches the answer per API id.

    - a valid map: cached ``ttl`` seconds;
    - no parameter (``ParameterNotFound``): the API requires no scopes, cached ``absent_ttl``;
    - invalid content: fail closed (``LookupFailed``), cached ``FAILURE_CACHE_SECONDS``;
    - a read error (access denied, throttling, timeout): the last valid map if its TTL ended at
      most ``MAX_STALE_SECONDS`` ago (up to an hour past its TTL), otherwise fail closed; cached
      ``FAILURE_CACHE_SECONDS``.
    """

    def __init__(
        self,
        prefix: str,
        *,
        ttl: float,
        absent_ttl: float,
        clients: AwsClients,
        cache: TtlCache[PermissionMap | _Failure | None] | None = None,
    ) -> None:
        self._prefix = prefix
        self._ttl = ttl
        self._absent_ttl = absent_ttl
        self._clients = clients
        self._cache: TtlCache[PermissionMap | _Failure | None] = (
            cache if cache is not None else TtlCache(1000)
        )
        self._last_good: TtlCache[PermissionMap] = TtlCache(1000, clock=self._cache.clock)
        self.load_count = 0

    def parameter_name(self, api_id: str) -> str:
        return f"{self._prefix}/{api_id}"

    def get(self, api_id: str) -> PermissionMap | None:
        """The map for ``api_id``, ``None`` when none is published; raise ``LookupFailed``."""
        entry = self._cache.fresh(api_id)
        if entry is None:
            value = self._load(api_id)
            ttl = {PermissionMap: self._ttl, type(None): self._absent_ttl}.get(
                type(value), FAILURE_CACHE_SECONDS
            )
            entry = self._cache.put(api_id, value, ttl)
        if isinstance(entry.value, _Failure):
            raise LookupFailed(entry.value.reason)
        return entry.value

    def _load(self, api_id: str) -> PermissionMap | _Failure | None:
        self.load_count += 1
        try:
            response = self._clients.get("ssm").get_parameter(Name=self.parameter_name(api_id))
        except Exception as error:  # every AWS or SDK failure is handled below
            if error_code(error) == "ParameterNotFound":
                self._last_good.discard(api_id)
                return None
            stale = self._last_good.fresh(api_id)
            if stale is not None:
                return stale.value
            return _Failure(f"permissions_read_failed:{error_code(error)}")
        try:
            permission_map = parse_permission_map(_parameter_value(response))
        except InvalidPermissionMap as error:
            return _Failure(f"permissions_invalid:{str(error)[:200]}")
        self._last_good.put(api_id, permission_map, self._ttl + MAX_STALE_SECONDS)
        return permission_map


def _parameter_value(response: Any) -> str:
    value = response.get("Parameter", {}).get("Value") if isinstance(response, dict) else None
    if not isinstance(value, str):
        raise InvalidPermissionMap("the parameter has no string value")
    return value
