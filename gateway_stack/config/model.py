"""The gateway file's typed model.

One frozen pydantic model per section of the gateway file. Every model forbids unknown keys, so a
typo is an error rather than a silently ignored setting. Validators check one field or one
section; names that must be unique or must exist across sections (a client's tier, a service's
load balancer) are checked by ``references.py``, which the loader also runs on the raw file so
that every error of a file is reported at once.

The JSON Schema of the file (``config/gateway.schema.json``) is generated from these models
(``make schema``); a test keeps the two in step.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..openapi.routes import MethodThrottle, Route, RouteOptions, parse_route
from .references import REFERENCE_ERROR, check_references

#: Human-readable rule of every regular expression a field must match (shown in errors).
PATTERN_RULES: dict[str, str] = {}


def rule(pattern: str, description: str) -> str:
    """Register the words for ``pattern`` that an error shows; return the pattern."""
    PATTERN_RULES[pattern] = description
    return pattern


# -- reusable field types ----------------------------------------------------------------------

#: Lower-case DNS-label-like names: used in stack names, SSM paths and resource names.
Slug = Annotated[
    str,
    StringConstraints(
        pattern=rule(
            r"^[a-z]([a-z0-9-]*[a-z0-9])?$",
            "lower-case letters, digits and hyphens; starts with a letter, ends with no hyphen",
        ),
        max_length=32,
    ),
    Field(description="Lower-case letters, digits and hyphens; starts with a letter; 1-32."),
]

AccountId = Annotated[
    str,
    StringConstraints(pattern=rule(r"^\d{12}$", "exactly 12 digits")),
    Field(description="12-digit AWS account id, quoted (account ids may start with 0)."),
]

Region = Annotated[
    str,
    StringConstraints(
        pattern=rule(r"^[a-z]{2}(-[a-z]+)+-\d+$", "an AWS region code such as eu-west-1")
    ),
    Field(description="AWS region code such as eu-west-1."),
]

Port = Annotated[int, Field(ge=1, le=65535, description="TCP port, 1-65535.")]

#: CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip

NLB_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/net/"
    r"[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$"
)
CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]{36}$")
#: One base-path segment: what API Gateway accepts in a custom domain's API mapping key.
BASE_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
BASE_PATH_MAX_LENGTH = 128


class _Model(BaseModel):
    """Base of every section: immutable, no unknown keys, no silent coercion of strings."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=True)


# -- network --------------------------------------------------------------------------------


Cidr = Annotated[
    str,
    StringConstraints(
        pattern=rule(
            r"^(\d{1,3}\.){3}\d{1,3}/(1[6-9]|2[0-8])$", "an IPv4 CIDR block from /16 to /28"
        )
    ),
]


class CreatedVpc(_Model):
    """A VPC the gateway creates: private isolated subnets only (no NAT, no internet gateway)."""

    cidr: Cidr = Field("10.0.0.0/16", description="IPv4 CIDR of the VPC. Default: 10.0.0.0/16.")


class Network(_Model):
    """Where gateway-created load balancers live: an existing VPC, or one the gateway creates.

    Either ``vpc_id`` with ``cidr`` and ``private_subnet_ids`` (one per availability zone, in
    the order of ``availability_zones``), or ``create``.
    """

    vpc_id: str | None = Field(
        None,
        pattern=rule(r"^vpc-[0-9a-f]{8,17}$", "vpc- and 8 to 17 hex digits"),
        description="Existing VPC id (vpc-...).",
    )
    cidr: Cidr | None = Field(
        None, description="The existing VPC's IPv4 CIDR (load balancers admit traffic from it)."
    )
    private_subnet_ids: tuple[
        Annotated[
            str,
            StringConstraints(
                pattern=rule(r"^subnet-[0-9a-f]{8,17}$", "subnet- and 8 to 17 hex digits")
            ),
        ],
        ...,
    ] = Field((), description="Private subnets of the existing VPC, one per availability zone.")
    create: CreatedVpc | None = Field(None, description="Create a VPC with these settings.")

    @model_validator(mode="after")
    def _one_source(self) -> Network:
        if (self.vpc_id is None) == (self.create is None):
            raise ValueError("set exactly one of 'vpc_id' (an existing VPC) or 'create'")
        if self.vpc_id is not None and (self.cidr is None or not self.private_subnet_ids):
            raise ValueError("an existing VPC needs 'cidr' and 'private_subnet_ids' too")
        if self.create is not None and (self.cidr is not None or self.private_subnet_ids):
            raise ValueError(
                "'cidr' and 'private_subnet_ids' describe an existing VPC: with "
                "'create', set 'create.cidr' instead"
            )
        return self

    @property
    def vpc_cidr(self) -> str:
        """The VPC's IPv4 CIDR, created or existing."""
        return self.create.cidr if self.create is not None else str(self.cidr)


# -- domain and auth ----------------------------------------------------------------------------


Hostname = Annotated[
    str,
    StringConstraints(
        pattern=rule(
            r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
            "a fully qualified lower-case DNS name such as api.example.com",
        ),
        max_length=253,
    ),
    Field(description="Fully qualified lower-case DNS name."),
]


class Domain(_Model):
    """The public custom domain in front of every service API."""

    name: Hostname = Field(description="The custom domain name, e.g. api.example.com.")
    hosted_zone_id: str = Field(
        pattern=rule(
            r"^Z[A-Z0-9]{1,31}$",
            "a Route 53 hosted zone id: Z and upper-case letters or digits",
        ),
        description="Route 53 hosted zone id of the domain's zone.",
    )
    hosted_zone_name: Hostname = Field(description="The hosted zone's name, e.g. example.com.")
    certificate_arn: str | None = Field(
        None,
        description="An existing ACM certificate for the name. Default: one is created and "
        "validated by DNS in the hosted zone.",
    )

    @field_validator("certificate_arn")
    @classmethod
    def _certificate_arn(cls, value: str | None) -> str | None:
        if value is not None and not CERTIFICATE_ARN.match(value):
            raise ValueError(
                "not an ACM certificate ARN: expected "
                "arn:aws:acm:<region>:<account>:certificate/<uuid>"
            )
        return value

    @model_validator(mode="after")
    def _name_in_zone(self) -> Domain:
        if self.name != self.hosted_zone_name and not self.name.endswith(
            "." + self.hosted_zone_name
        ):
            raise ValueError(
                f"name {self.name!r} is not inside hosted zone {self.hosted_zone_name!r}"
            )
        return self


class Auth(_Model):
    """How callers' JWTs are verified (by the shared token authorizer)."""

    issuer: str = Field(
        pattern=rule(r"^https://\S+$", "an https:// URL"),
        description="The exact 'iss' of accepted tokens (https URL).",
    )
    audience: tuple[Annotated[str, StringConstraints(min_length=1)], ...] = Field(
        min_length=1,
        description="Accepted 'aud' values; a token must carry one of them.",
    )
    jwks_uri: str = Field(
        pattern=rule(r"^https://\S+$", "an https:// URL"),
        description="The issuer's JWKS endpoint (https URL).",
    )
    client_id_claim: str = Field(
        "client_id",
        min_length=1,
        description="Claim that names the client. Default: client_id.",
    )
    cache_ttl_seconds: int = Field(
        300,
        ge=0,
        le=3600,
        description="API Gateway authorizer result cache TTL, 0-3600 s. Default: 300.",
    )


# -- tiers and clients -----------------------------------------------------------------------


class Quota(_Model):
    """A request quota per client over a period."""

    limit: int = Field(ge=1, description="Requests allowed per period.")
    period: Literal["DAY", "WEEK", "MONTH"] = Field(description="DAY, WEEK or MONTH.")
    offset: int = Field(0, ge=0, description="Days into the period the quota resets. Default: 0.")


class Tier(_Model):
    """A usage plan: the throttle (and optional quota) every client of the tier gets."""

    rate_limit: float = Field(gt=0, description="Steady-state requests per second per client.")
    burst_limit: int = Field(ge=0, description="Burst capacity per client, in requests.")
    quota: Quota | None = Field(None, description="Optional quota. Default: none.")


class Client(_Model):
    """An API client: one API key, in one tier."""

    id: Annotated[
        str,
        StringConstraints(
            pattern=rule(
                r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
                "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64",
            )
        ),
        Field(description="Client id, as the token's client claim carries it."),
    ]
    tier: str = Field(description="Name of a tier declared under 'tiers'.")


# -- backends and services -------------------------------------------------------------------


class LoadBalancer(_Model):
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


class Backend(_Model):
    """Where a service's traffic goes: a load balancer declared under 'load_balancers', a port."""

    load_balancer: str = Field(description="Name of a load balancer under 'load_balancers'.")
    port: Port


def validate_base_path(value: str) -> str:
    """Check a custom-domain base path (an API mapping key); return it unchanged."""
    if value.startswith("/") or value.endswith("/"):
        raise ValueError("must not start or end with '/' (write 'billing/v2', not '/billing/v2/')")
    if len(value) > BASE_PATH_MAX_LENGTH:
        raise ValueError(f"longer than {BASE_PATH_MAX_LENGTH} characters")
    for segment in value.split("/"):
        if not BASE_PATH_SEGMENT.match(segment):
            raise ValueError(
                f"segment {segment!r} is not allowed: each '/'-separated segment is letters, "
                "digits, '.', '_' or '-', starting with a letter or digit"
            )
    return value


class RouteThrottle(_Model):
    """A throttle for one route or one service's stage."""

    rate_limit: float = Field(gt=0, description="Requests per second.")
    burst_limit: int = Field(ge=0, description="Burst, in requests.")


class RouteSpec(_Model):
    """One route of a service's route list, with its settings."""

    route: str = Field(description="'<METHOD> <path>', e.g. 'GET /items/{id}'.")
    throttle: RouteThrottle | None = Field(None, description="Stage throttle for this route.")
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

    def to_route(self) -> Route:
        """The route as the constructs take it."""
        return parse_route(
            self.route,
            RouteOptions(
                throttle=MethodThrottle(self.throttle.rate_limit, self.throttle.burst_limit)
                if self.throttle
                else None,
                cache_ttl_seconds=self.cache_ttl_seconds,
                timeout_ms=self.timeout_ms,
                scopes=self.scopes,
                mock=self.mock,
                example=self.example,
            ),
        )


class Service(_Model):
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
    throttle: RouteThrottle | None = Field(
        None, description="This service's stage throttle. Default: the gateway's stage throttle."
    )
    cache_size_gb: Literal["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] | None = (
        Field(None, description="Stage cache cluster size, for routes that cache. Default: none.")
    )
    binary_media_types: tuple[str, ...] = Field(
        (), description="Media types passed through as binary, e.g. application/pdf."
    )
    forward_context: dict[str, str] | None = Field(
        None,
        description="Headers the service receives from the authorizer's context: header -> "
        "context key. Default: X-Client-Id: clientId.",
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


class Throttle(_Model):
    """A stage's default throttle, for all callers together."""

    rate_limit: float = Field(500, gt=0, description="Requests per second. Default: 500.")
    burst_limit: int = Field(1000, ge=0, description="Burst, in requests. Default: 1000.")


class StageSettings(_Model):
    """Settings every service API's stage gets."""

    name: Slug | None = Field(None, description="Stage name. Default: the environment's name.")
    throttle: Throttle = Field(default_factory=Throttle, description="Default stage throttle.")
    access_log_retention_days: int = Field(
        90,
        description="Access log retention in days (a CloudWatch Logs value). Default: 90.",
    )

    @field_validator("access_log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            raise ValueError(
                "not a CloudWatch Logs retention period; use one of "
                + ", ".join(map(str, LOG_RETENTION_DAYS))
            )
        return value


# -- the whole file ----------------------------------------------------------------------------


class Gateway(_Model):
    """A gateway file: one environment of one gateway."""

    name: Slug = Field(description="Gateway name: prefix of every stack and SSM parameter.")
    environment: Slug = Field(description="Environment name, e.g. dev, prod.")
    account: AccountId
    region: Region
    availability_zones: tuple[str, ...] = Field(
        min_length=1,
        max_length=6,
        description="The region's availability zones to use (what a synth would look up).",
    )
    network: Network | None = Field(
        None, description="The VPC for gateway-created load balancers. Default: none."
    )
    domain: Domain
    auth: Auth
    stage: StageSettings = Field(default_factory=StageSettings)
    cloudwatch_role: bool = Field(
        True,
        description="Set API Gateway's CloudWatch Logs role for the account and region (a "
        "per-region singleton). Turn off when another stack already owns it. Default: on.",
    )
    tiers: dict[Slug, Tier] = Field(min_length=1, description="Usage-plan tiers by name.")
    clients: tuple[Client, ...] = Field((), description="API clients. Default: none.")
    load_balancers: dict[Slug, LoadBalancer] = Field(
        min_length=1, description="Service backends by name."
    )
    services: tuple[Service, ...] = Field(min_length=1, description="The services behind the API.")

    @field_validator("account", mode="before")
    @classmethod
    def _quoted_account(cls, value: object) -> object:
        if isinstance(value, int):
            raise ValueError(
                'write the account id in quotes ("012345678901"): YAML reads it as a number '
                "otherwise, and drops leading zeros"
            )
        return value

    @field_validator("availability_zones")
    @classmethod
    def _zones(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        region = info.data.get("region")
        for zone in value:
            if region and not re.fullmatch(re.escape(region) + r"[a-z]", zone):
                raise ValueError(f"{zone!r} is not an availability zone of {region}")
        if len(set(value)) != len(value):
            raise ValueError("lists a zone twice")
        return value

    @model_validator(mode="after")
    def _references(self) -> Gateway:
        # The loader runs the same checks on the raw file so that they are reported together
        # with every other error; this keeps a Gateway built in code to the same rules.
        issues = check_references(self.model_dump(mode="python"))
        if issues:
            raise PydanticCustomError(
                REFERENCE_ERROR,
                "{issues}",
                {"issues": "; ".join(f"{issue.location}: {issue.message}" for issue in issues)},
            )
        return self

    @property
    def stage_name(self) -> str:
        """The stage name every service API deploys to."""
        return self.stage.name or self.environment

    def services_on(self, load_balancer: str) -> tuple[Service, ...]:
        """The services whose backend is the named load balancer."""
        return tuple(s for s in self.services if s.backend.load_balancer == load_balancer)
