"""The gateway file's backends and services: load balancers, services and their routes."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from gateway_stack.base_paths import validate_base_path
from gateway_stack.error_words import written
from gateway_stack.gateway.config.monitoring import ServiceAlarms
from gateway_stack.models.arns import NETWORK_LOAD_BALANCER, arn_problem
from gateway_stack.models.cors import HEADER_PATTERN
from gateway_stack.models.fields import (
    Port,
    Region,
    Section,
    Slug,
    rule,
)
from gateway_stack.models.media_types import MediaType
from gateway_stack.models.numbers import Switch, Whole
from gateway_stack.models.target import (
    MIN_INTEGRATION_TIMEOUT_MS,
    current_quotas,
    current_target,
)
from gateway_stack.models.throttle import Throttle
from gateway_stack.openapi.routes import Route, RouteOptions, parse_route

# -- backends and services -------------------------------------------------------------------


#: A header the service receives, and the authorizer's context key it carries.
HeaderName = Annotated[
    str, StringConstraints(pattern=rule(HEADER_PATTERN, "a header name: letters, digits and '-'"))
]
ContextKey = Annotated[
    str,
    StringConstraints(
        pattern=rule(r"^[A-Za-z0-9_]+$", "an authorizer context key: letters, digits and '_'")
    ),
]


class LoadBalancer(Section):
    """A service backend: an internal Network Load Balancer, reached through one VPC link.

    Either an existing NLB (``arn`` and ``dns_name``), or ``create: true`` for one the gateway
    creates in ``network`` (for examples and demos: it has listeners but no targets).
    """

    arn: str | None = Field(None, description="ARN of an existing internal NLB.")
    dns_name: str | None = Field(
        None,
        pattern=rule(
            r"^[a-z0-9.-]+\.elb\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$",
            "an NLB DNS name ending in .elb.<region>.amazonaws.com (.com.cn in China)",
        ),
        description="DNS name of the existing NLB.",
    )
    create: Switch = Field(False, description="Create an internal NLB in 'network'. Default: no.")

    @field_validator("arn")
    @classmethod
    def _arn(cls, value: str | None) -> str | None:
        problem = arn_problem(value, NETWORK_LOAD_BALANCER) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("dns_name")
    @classmethod
    def _dns_name_in_region(cls, value: str | None) -> str | None:
        target = current_target()
        region = value.split(".elb.", 1)[1].split(".", 1)[0] if value else None
        if target is not None and target.region and region and region != target.region:
            raise ValueError(
                f"the load balancer's name is in {region}, but the gateway is in "
                f"{target.region}: a REST API VPC link reaches load balancers of its own region "
                "only"
            )
        return value

    @model_validator(mode="after")
    def _one_source(self) -> LoadBalancer:
        existing = self.arn is not None or self.dns_name is not None
        if existing == self.create:
            raise ValueError("set either 'arn' and 'dns_name' (an existing NLB) or 'create: true'")
        if existing and (self.arn is None or self.dns_name is None):
            raise ValueError("an existing NLB needs both 'arn' and 'dns_name'")
        return self


def integration_timeout(value: int) -> int:
    """``value`` if API Gateway takes it as an integration timeout: 50 ms up to the account's
    ceiling (29,000 ms, or ``account_quotas.integration_timeout_ms``)."""
    quotas = current_quotas()
    ceiling = quotas.integration_timeout_ms
    if not MIN_INTEGRATION_TIMEOUT_MS <= value <= ceiling:
        hint = (
            "as account_quotas states it"
            if quotas.declared
            else "API Gateway's default; if AWS raised this account's limit for Regional and "
            "private REST APIs, state it as account_quotas.integration_timeout_ms"
        )
        raise ValueError(
            f"{value:,} ms is outside {MIN_INTEGRATION_TIMEOUT_MS} to {ceiling:,} ms, the "
            f"integration timeouts the account may set ({hint})"
        )
    return value


class Backend(Section):
    """Where a service's traffic goes: a load balancer declared under 'load_balancers', a port."""

    load_balancer: str = Field(description="Name of a load balancer under 'load_balancers'.")
    port: Port


class RouteSpec(Section):
    """One route of a service's route list, with its settings."""

    route: str = Field(description="'<METHOD> <path>', e.g. 'GET /items/{id}'.")
    throttle: Throttle | None = Field(None, description="Stage throttle for this route.")
    cache_ttl_seconds: Whole | None = Field(
        None, ge=1, le=3600, description="Cache responses this long (needs cache_size_gb)."
    )
    timeout_ms: Whole | None = Field(
        None,
        json_schema_extra={"minimum": MIN_INTEGRATION_TIMEOUT_MS},
        description="Integration timeout in ms, 50 to 29,000 (or account_quotas."
        "integration_timeout_ms). Default: the service's.",
    )
    scopes: tuple[str, ...] = Field((), description="Scopes a token needs for this route.")
    mock: Switch = Field(False, description="Not ready: a MOCK answers with 'example'.")
    example: Any = Field(None, description="The mock's JSON response body.")

    @field_validator("route")
    @classmethod
    def _route(cls, value: str) -> str:
        parse_route(value)
        return value

    @field_validator("timeout_ms")
    @classmethod
    def _timeout(cls, value: int | None) -> int | None:
        return None if value is None else integration_timeout(value)

    @model_validator(mode="after")
    def _mock_has_an_example(self) -> RouteSpec:
        if self.mock and self.example is None:
            raise ValueError("a mock route answers with its 'example': give one")
        return self

    def to_route(self) -> Route:
        """The route as the constructs take it."""
        return parse_route(
            self.route,
            RouteOptions(
                throttle=self.throttle,
                cache_ttl_seconds=self.cache_ttl_seconds,
                timeout_ms=self.timeout_ms,
                scopes=self.scopes,
                mock=self.mock,
                example=self.example,
            ),
        )


def _route_entry(value: Any) -> Any:
    """A route list's entry as a :class:`RouteSpec`'s data: ``'GET /items'`` is the route with
    no settings (checked here, so that its error is at the entry, not at a key not written)."""
    if isinstance(value, str):
        parse_route(value)
        return {"route": value}
    if not isinstance(value, Mapping | RouteSpec):
        raise ValueError(
            "a route is 'METHOD /path' (e.g. 'GET /items/{id}') or a mapping with 'route' and "
            f"its settings{written(value)}"
        )
    return value


#: One entry of a service's route list: a route, with or without settings.
RouteEntry = Annotated[RouteSpec, BeforeValidator(_route_entry)]


def _route_list_schema(schema: dict[str, Any]) -> None:
    """The route list's JSON Schema: an entry is a route string or a RouteSpec mapping."""
    for option in schema.get("anyOf", []):
        if option.get("type") == "array":
            option["items"] = {"anyOf": [{"type": "string"}, option["items"]]}


class Service(Section):
    """One private microservice behind the gateway: its own REST API and stack.

    Its routes come from ``openapi`` (the team's document), else ``routes``, else the API
    forwards everything (the root and a ``{proxy+}`` catch-all).
    """

    name: Slug = Field(description="Service name: used in its stack's name and its API's name.")
    base_path: Annotated[str, Field(description="Path under the domain, e.g. orders, billing/v2.")]
    backend: Backend
    openapi: str | None = Field(
        None,
        description="Path of the service's OpenAPI 3.0 document, relative to the gateway file.",
    )
    routes: tuple[RouteEntry, ...] | None = Field(
        None,
        description="Route list: 'GET /items/{id}' or a mapping with 'route' and settings.",
        json_schema_extra=_route_list_schema,
    )
    timeout_ms: Whole = Field(
        29000,
        json_schema_extra={"minimum": MIN_INTEGRATION_TIMEOUT_MS},
        description="Integration timeout in ms, 50 to 29,000 (or account_quotas."
        "integration_timeout_ms). Default: 29000.",
    )
    throttle: Throttle | None = Field(
        None, description="This service's stage throttle. Default: the gateway's stage throttle."
    )
    cache_size_gb: Literal["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] | None = (
        Field(None, description="Stage cache cluster size, for routes that cache. Default: none.")
    )
    binary_media_types: tuple[MediaType, ...] = Field(
        (),
        description="Media types passed through as binary: type/subtype (RFC 6838), type/* "
        "or */*, e.g. application/pdf.",
    )
    plan_throttles: dict[str, Throttle] = Field(
        default_factory=dict,
        description="Per tier, a throttle for this service's stage that replaces the tier's "
        "limits here (e.g. gold: {rate_limit: 50, burst_limit: 100}). Default: none.",
    )
    forward_context: dict[HeaderName, ContextKey] | None = Field(
        None,
        description="Headers the service receives from the authorizer's context: header -> "
        "context key. Default: X-Client-Id: clientId.",
    )
    public_routes: tuple[str, ...] = Field(
        (),
        description="Routes anyone may call, without the authorizer or an API key (e.g. "
        "'GET /health' for health checks): each must be one of the service's routes and, in "
        "its OpenAPI document, declare 'security: []'. Owned by the platform. Default: none.",
    )
    regions: tuple[Region, ...] | None = Field(
        None,
        min_length=1,
        description="The regions this service is in, of a gateway in several regions (the "
        "top-level 'region' and the keys of 'regions'). Default: every region.",
    )
    alarms: ServiceAlarms = Field(
        default_factory=ServiceAlarms,
        description="This service's alarms: thresholds that replace monitoring.alarms, or "
        "enabled: false. Default: the gateway's.",
    )

    @field_validator("base_path")
    @classmethod
    def _base_path(cls, value: str) -> str:
        return validate_base_path(value)

    @field_validator("timeout_ms")
    @classmethod
    def _timeout(cls, value: int) -> int:
        return integration_timeout(value)

    @field_validator("binary_media_types")
    @classmethod
    def _distinct_media_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        lowered = [media_type.lower() for media_type in value]
        repeated = sorted({t for t in lowered if lowered.count(t) > 1})
        if repeated:
            raise ValueError(f"lists {', '.join(repeated)} twice")
        return value

    @field_validator("openapi")
    @classmethod
    def _openapi(cls, value: str | None) -> str | None:
        if value is not None and (PurePosixPath(value).is_absolute() or ".." in value.split("/")):
            raise ValueError("must be a relative path inside the gateway file's folder")
        return value

    @field_validator("routes")
    @classmethod
    def _routes(cls, value: tuple[RouteSpec, ...] | None) -> tuple[RouteSpec, ...] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("list at least one route, or leave 'routes' out")
        keys = [r.route for r in value]
        for text in keys:
            parse_route(text)
        seen = {parse_route(k).key for k in keys}
        if len(seen) != len(keys):
            raise ValueError("a route is listed twice")
        return value

    @field_validator("public_routes")
    @classmethod
    def _public_routes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        keys = [parse_route(text).key for text in value]
        if len(set(keys)) != len(keys):
            raise ValueError("a route is listed twice")
        return tuple(keys)

    @model_validator(mode="after")
    def _one_route_source(self) -> Service:
        if self.openapi is not None and self.routes is not None:
            raise ValueError("give 'openapi' or 'routes', not both")
        return self

    def route_list(self) -> tuple[Route, ...] | None:
        """The route list as the constructs take it, or None."""
        if self.routes is None:
            return None
        return tuple(r.to_route() for r in self.routes)
