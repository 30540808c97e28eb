"""The smoke checks of a planned gateway: a few calls per service and public name, and the
answer the gateway file promises for each (docs/smoke.md).

For each service, through each public name it is mapped on (``domain.name`` and its aliases, or
one ``base_url`` instead), at most :data:`MAX_CHECKS_PER_SERVICE` checks. In a multi-region
gateway, a deployment's checks go through its region's own name instead
(``platform.routing.regional_name``, which reaches that region alone: the shared names reach
whichever region DNS picks), so a run and each region's canary test that region:

* **without a token** (up to 2 protected routes, safe methods first): 401 and the gateway's
  JSON error; with CORS on, sent with the allowed ``Origin`` and answered with it;
* **with the token** (up to 2 ``GET``/``HEAD`` routes not named in ``scopes_missing``, routes
  without scopes and without path parameters first): any status the backend may answer a
  client it let in, 200-499 but 401, 403 and 429 (the gateway refusing the client), and never
  the gateway's "no route" 404. The test client is expected to hold the scopes of the routes
  it reads; name those it lacks in ``scopes_missing``;
* **without its scope** (each route named in ``scopes_missing``, up to 2): 403 and the
  gateway's JSON error;
* **an unknown path** under the base path (when one exists: a root ``{proxy+}`` matches all):
  404 and the gateway's JSON error (its ``MISSING_AUTHENTICATION_TOKEN`` response, 404);
* **the CORS preflight** (with CORS on) of the first protected route: 204 with the origin;
* **public routes** (up to 2 ``GET``/``HEAD`` routes of ``public_routes``), without a token:
  2xx.

Only ``GET`` and ``HEAD`` are sent where the request could reach a backend (with the token, and
public routes): a smoke run changes nothing. Calls the gateway refuses before any backend sees
them (no token, a missing scope) may use any method.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.plan import Deployment, GatewayPlan, ServicePlan
from gateway_stack.models.cors import Cors
from gateway_stack.openapi import Route
from gateway_stack.openapi.routes import PARAMETER_SEGMENT
from gateway_stack.smoke import Check

#: The slowest answer that passes, in milliseconds, unless the caller says otherwise.
DEFAULT_MAX_LATENCY_MS = 3000
#: The most checks of one service through one public name (2 without a token, 2 with it, 2
#: without a scope, 1 unknown path, 1 preflight, 2 public routes).
MAX_CHECKS_PER_SERVICE = 10
#: Routes of each kind checked per service and name.
ROUTES_PER_KIND = 2
#: The value of every path parameter in a check's URL.
PARAMETER_VALUE = "gateway-stack-smoke"
#: The segment of the unknown path (repeated when a route would match it).
UNKNOWN_SEGMENT = "gateway-stack-smoke-no-such-route"
#: Statuses that pass with the token: the backend's answer to a client the gateway let in,
#: refusals included (404 for the made-up parameter value, 400 for a missing query), but not
#: the gateway refusing the client (401, 403, 429) and not a server error.
TOKEN_STATUSES = tuple(s for s in range(200, 500) if s not in (401, 403, 429))
#: The gateway's error type for a path or method the API does not have.
NO_ROUTE_TYPE = "MISSING_AUTHENTICATION_TOKEN"
#: Methods that cannot change anything (``ANY`` is called with ``GET``).
SAFE_METHODS = ("GET", "HEAD", "ANY")


@dataclass(frozen=True)
class _Target:
    """Where one service answers: the public name (for check names) and the base URL."""

    name: str
    url: str


def checks_for(
    source: GatewayPlan | Deployment,
    *,
    services: Iterable[str] = (),
    base_url: str | None = None,
    scopes_missing: Iterable[str] = (),
    with_token: bool = True,
    max_latency_ms: int = DEFAULT_MAX_LATENCY_MS,
) -> list[Check]:
    """The smoke checks of a plan (every deployment) or of one deployment.

    Args:
        source: the gateway plan, or one of its deployments.
        services: only these services. Default: all.
        base_url: call every service here (``http://127.0.0.1:8080``, a region's own name)
            instead of through each public name. Default: the public names, over HTTPS; for a
            deployment of a multi-region gateway, its region's own name
            (:func:`regional_name`).
        scopes_missing: routes the test client's token lacks a scope for, as
            ``<service> <METHOD> <path>`` (``inventory POST /items/{sku}/reservations``):
            each is called with the token and must be refused with 403. Default: none.
        with_token: include the checks that need the test client's token (those with the
            token and ``scopes_missing``). Default: yes.
        max_latency_ms: the slowest answer that passes. Default: 3000.

    Raises:
        GatewayStackError: a service or a ``scopes_missing`` route that the plan does not
            have, or a route there that requires no scope.
    """
    deployments = source.deployments if isinstance(source, GatewayPlan) else (source,)
    wanted = set(services)
    known = {s.name for d in deployments for s in d.services}
    problems = [
        f"service {name!r}: the gateway file has no such service "
        f"(it has {', '.join(sorted(known))})"
        for name in sorted(wanted - known)
    ]
    missing = _scopes_missing(deployments, scopes_missing, problems)
    problems += [
        f"--scopes-missing-route for service {name!r}, which the chosen services leave out "
        f"({', '.join(sorted(wanted))}): add it to them, or drop the route"
        for name in sorted(set(missing) - wanted)
        if wanted
    ]
    if problems:
        raise GatewayStackError(problems)
    checks: list[Check] = []
    for deployment in deployments:
        cors = deployment.platform.gateway.cors
        regional = regional_name(deployment) if base_url is None else None
        for service in deployment.services:
            if wanted and service.name not in wanted:
                continue
            for target in _targets(service, base_url, regional):
                checks += _service_checks(
                    service,
                    target,
                    cors=cors,
                    scopes_missing=missing.get(service.name, []) if with_token else [],
                    with_token=with_token,
                    max_latency_ms=max_latency_ms,
                )
    return checks


def _scopes_missing(
    deployments: Iterable[Deployment], keys: Iterable[str], problems: list[str]
) -> dict[str, list[Route]]:
    """The ``scopes_missing`` routes by service; a key the plan lacks is a problem."""
    routes = {
        f"{service.name} {route.key}": (service.name, route)
        for deployment in deployments
        for service in deployment.services
        for route in service.routes
    }
    found: dict[str, list[Route]] = {}
    for key in keys:
        normalized = " ".join(key.split())
        if normalized not in routes:
            problems.append(
                f"--scopes-missing-route {key!r}: no such route; write '<service> <METHOD> "
                "<path>' as the route table names it, e.g. "
                "'inventory POST /items/{sku}/reservations'"
            )
            continue
        service, route = routes[normalized]
        if not route.options.scopes:
            problems.append(
                f"--scopes-missing-route {key!r}: the route requires no scope, so no client "
                "lacks one; name a route with scopes"
            )
        elif route not in found.setdefault(service, []):
            found[service].append(route)
    for service, listed in found.items():
        if len(listed) > ROUTES_PER_KIND:
            problems.append(
                f"--scopes-missing-route: {len(listed)} routes of service {service!r}; a smoke "
                f"run checks at most {ROUTES_PER_KIND} per service"
            )
    return found


def regional_name(deployment: Deployment) -> str | None:
    """The name that reaches ``deployment``'s region alone (``platform.routing.regional_name``)
    in a multi-region gateway; None for a single-region gateway."""
    routing = deployment.platform.routing
    return routing.regional_name.name if routing is not None else None


def _targets(service: ServicePlan, base_url: str | None, regional: str | None) -> list[_Target]:
    if base_url is not None:
        return [_Target(base_url, f"{base_url.rstrip('/')}/{service.base_path}")]
    if regional is not None:  # the service's mapping on the region's name, by its base path
        mapped = next((m for m in service.mappings if m.domain_name == regional), None)
        base_path = mapped.base_path if mapped is not None else service.base_path
        return [_Target(regional, f"https://{regional}/{base_path}")]
    return [
        _Target(mapping.domain_name, f"https://{mapping.domain_name}/{mapping.base_path}")
        for mapping in service.mappings
    ]


def _service_checks(
    service: ServicePlan,
    target: _Target,
    *,
    cors: Cors | None,
    scopes_missing: list[Route],
    with_token: bool,
    max_latency_ms: int,
) -> list[Check]:
    protected = [r for r in service.routes if not r.options.public and r.method != "OPTIONS"]
    safe = sorted(
        (r for r in protected if r.method in SAFE_METHODS and r not in scopes_missing),
        key=lambda r: (bool(r.options.scopes), bool(r.path_parameters)),
    )
    origin = {"Origin": cors.allow_origin} if cors is not None else {}
    expect_origin = cors.allow_origin if cors is not None else None

    def check(route_key: str, kind: str, method: str, path: str, **expect: object) -> Check:
        url = target.url if path == "/" else target.url + path
        return Check(
            name=f"{service.name} {route_key} {kind} ({target.name})",
            method=method,
            url=url,
            max_latency_ms=max_latency_ms,
            **expect,  # type: ignore[arg-type]
        )

    checks: list[Check] = []
    for route in _first(safe + [r for r in protected if r not in safe], ROUTES_PER_KIND):
        checks.append(
            check(
                route.key,
                "without a token",
                _method(route),
                _path(route.path),
                headers=dict(origin),
                expect_status=(401,),
                expect_json_error=True,
                expect_cors_origin=expect_origin,
            )
        )
    if with_token:
        for route in _first(safe, ROUTES_PER_KIND):
            checks.append(
                check(
                    route.key,
                    "with the token",
                    _method(route),
                    _path(route.path),
                    credentials="token",
                    expect_status=TOKEN_STATUSES,
                    reject_error_types=(NO_ROUTE_TYPE,),
                )
            )
    for route in scopes_missing[:ROUTES_PER_KIND]:
        checks.append(
            check(
                route.key,
                "without its scope",
                _method(route),
                _path(route.path),
                headers=dict(origin),
                credentials="token",
                expect_status=(403,),
                expect_json_error=True,
                expect_cors_origin=expect_origin,
            )
        )
    unknown = _unknown_path(service.routes)
    if unknown is not None:
        checks.append(
            check(
                f"GET {unknown}",
                "unknown path",
                "GET",
                unknown,
                headers=dict(origin),
                expect_status=(404,),
                expect_json_error=True,
                expect_cors_origin=expect_origin,
            )
        )
    if cors is not None and protected:
        route = protected[0]
        checks.append(
            check(
                f"OPTIONS {route.path}",
                "CORS preflight",
                "OPTIONS",
                _path(route.path),
                headers={
                    "Origin": cors.allow_origin,
                    "Access-Control-Request-Method": _method(route),
                    "Access-Control-Request-Headers": "authorization",
                },
                expect_status=(204,),
                expect_cors_origin=cors.allow_origin,
            )
        )
    public = [r for r in service.public_routes if r.method in SAFE_METHODS]
    for route in _first(public, ROUTES_PER_KIND):
        checks.append(
            check(
                route.key,
                "public, without a token",
                _method(route),
                _path(route.path),
                expect_status=tuple(range(200, 300)),
            )
        )
    return checks


def _first(routes: list[Route], count: int) -> list[Route]:
    """The first ``count`` routes that make different requests (``ANY /`` and ``GET /`` are
    both ``GET /``)."""
    chosen: list[Route] = []
    requests: set[tuple[str, str]] = set()
    for route in routes:
        request = (_method(route), _path(route.path))
        if request not in requests and len(chosen) < count:
            requests.add(request)
            chosen.append(route)
    return chosen


def _method(route: Route) -> str:
    return "GET" if route.method == "ANY" else route.method


def _path(path: str) -> str:
    """The route's path with each parameter given :data:`PARAMETER_VALUE`."""
    return "/".join(
        PARAMETER_VALUE if PARAMETER_SEGMENT.match(segment) else segment
        for segment in path.split("/")
    )


def _unknown_path(routes: Iterable[Route]) -> str | None:
    """A path no route matches (so API Gateway answers it with its "no route" response), or
    ``None`` when every path has a route (a ``{proxy+}`` at the root)."""
    for depth in range(1, 4):
        candidate = "/" + "/".join([UNKNOWN_SEGMENT] * depth)
        if not any(route.matches(candidate) for route in routes):
            return candidate
    return None
