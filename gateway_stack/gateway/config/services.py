"""The gateway file's backends and services: load balancers, services and their routes."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from gateway_stack.base_paths import validate_base_path
from gateway_stack.gateway.config.monitoring import ServiceAlarms
from gateway_stack.models.cors import HEADER_PATTERN
from gateway_stack.models.fields import (
    NLB_ARN,
    Port,
    Section,
    Slug,
    rule,
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
            r"^[a-z0-9.-]+\.elb\.[a-z0-9-]+\.amazonaws\.com$",
            "an NLB DNS name ending in .elb.<region>.amazonaws.com",
        ),
        description="DNS name of the existing NLB.",
    )
    create: bool = Field(False, description="Create an internal NLB in 'network'. Default: no.")

    @field_validator("arn")
    @classmethod
    def _arn(cls, value: str | None) -> str | None:
        if value is not None and not NLB_ARN.match(value):
            raise ValueError(
                "not a Network Load Balancer ARN: expected arn:aws:elasticloadbalancing:"
                "<region>:<account>:loadbalancer/net/<name>/<16 hex digits>"
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


class Backend(Section):
    """Where a service's traffic goes: a load balancer declared under 'load_balancers', a port."""

    load_balancer: str = Field(description="Name of a load balancer under 'load_balancers'.")
    port: Port


class RouteSpec(Section):
    """One route of a service's route list, with its settings."""

    route: str = Field(description="'<METHOD> <path>', e.g. 'GET /items/{id}'.")
    throttle: Throttle | None = Field(None, description="Stage throttle for this route.")
    cache_ttl_seconds: int | None = Field(
        None, ge=1, le=3600, description="Cache responses this long (needs cache_size_gb)."
    )
    timeout_ms: int | None = Field(
        None, ge=50, le=29000, description="Integration timeout. Default: the service's."
    )
    scopes: tuple[str, ...] = Field((), description="Scopes a token needs for this route.")
    mock: bool = Field(False, description="Not ready: a MOCK answers with 'example'.")
    example: Any = Field(None, description="The mock's JSON response body.")

    @field_validator("route")
    @classmethod
    def _route(cls, value: str) -> str:
        parse_route(value)
        return value

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
    routes: tuple[str | RouteSpec, ...] | None = Field(
        None, description="Route list: 'GET /items/{id}' or a mapping with 'route' and settings."
    )
    timeout_ms: int = Field(
        29000, ge=50, le=29000, description="Integration timeout in ms. Default: 29000."
    )
    throttle: Throttle | None = Field(
        None, description="This service's stage throttle. Default: the gateway's stage throttle."
    )
    cache_size_gb: Literal["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] | None = (
        Field(None, description="Stage cache cluster size, for routes that cache. Default: none.")
    )
    binary_media_types: tuple[str, ...] = Field(
        (), description="Media types passed through as binary, e.g. application/pdf."
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
    alarms: ServiceAlarms = Field(
        default_factory=ServiceAlarms,
        description="This service's alarms: thresholds that replace monitoring.alarms, or "
        "enabled: false. Default: the gateway's.",
    )

    @field_validator("base_path")
    @classmethod
    def _base_path(cls, value: str) -> str:
        return validate_base_path(value)

    @field_validator("openapi")
    @classmethod
    def _openapi(cls, value: str | None) -> str | None:
        if value is not None and (PurePosixPath(value).is_absolute() or ".." in value.split("/")):
            raise ValueError("must be a relative path inside the gateway file's folder")
        return value

    @field_validator("routes")
    @classmethod
    def _routes(
        cls, value: tuple[str | RouteSpec, ...] | None
    ) -> tuple[str | RouteSpec, ...] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("list at least one route, or leave 'routes' out")
        keys = [r if isinstance(r, str) else r.route for r in value]
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
        return tuple(parse_route(r) if isinstance(r, str) else r.to_route() for r in self.routes)
