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

from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from gateway_stack.gateway.config.account import AccountQuotas, target_of
from gateway_stack.gateway.config.domain import Domain
from gateway_stack.gateway.config.issues import format_location
from gateway_stack.gateway.config.monitoring import Monitoring
from gateway_stack.gateway.config.network import Network
from gateway_stack.gateway.config.protection import LogKey, Waf
from gateway_stack.gateway.config.references import REFERENCE_ERROR, check_references
from gateway_stack.gateway.config.regions import RegionCode, RegionSettings, Routing
from gateway_stack.gateway.config.route_keys import parse_service_route
from gateway_stack.gateway.config.services import LoadBalancer, Service
from gateway_stack.gateway.config.views import REGION_ERROR, region_view
from gateway_stack.models.allowlist import Allowlist
from gateway_stack.models.cors import Cors
from gateway_stack.models.fields import (
    LOG_RETENTION_DAYS,
    AccountId,
    Region,
    Section,
    Slug,
    rule,
)
from gateway_stack.models.numbers import MAX_INT32, Switch, Whole
from gateway_stack.models.regions import partition_of, zone_problem
from gateway_stack.models.tags import Tags
from gateway_stack.models.target import Quotas, Target, current_target, deploying_to
from gateway_stack.models.throttle import (
    DEFAULT_STAGE_THROTTLE,
    Throttle,
    fill_throttle,
    partial_throttle_schema,
)

# -- domain and auth ----------------------------------------------------------------------------


class Auth(Section):
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
    api_key_name_prefix: str | None = Field(
        None,
        pattern=rule(r"^[A-Za-z0-9._-]{1,64}$", "letters, digits, '.', '_' or '-', at most 64"),
        description="Prefix of every client's API key name (the key is the prefix and the "
        "client id). Default: '<name>-<environment>-'.",
    )
    cache_ttl_seconds: Whole = Field(
        300,
        ge=0,
        le=3600,
        description="API Gateway authorizer result cache TTL, 0-3600 s. Default: 300.",
    )


# -- tiers and clients -----------------------------------------------------------------------


class Quota(Section):
    """A request quota per client over a period."""

    limit: Whole = Field(
        json_schema_extra={"minimum": 1, "maximum": MAX_INT32},
        description="Requests allowed per period, 1 to 2,147,483,647.",
    )
    period: Literal["DAY", "WEEK", "MONTH"] = Field(description="DAY, WEEK or MONTH.")
    offset: Whole = Field(
        0,
        ge=0,
        description="Days into the period the quota starts: 0 for DAY, 0-6 for WEEK, 0-27 for "
        "MONTH. Default: 0.",
    )

    @field_validator("limit")
    @classmethod
    def _limit(cls, value: int) -> int:
        if not 1 <= value <= MAX_INT32:
            raise ValueError(
                f"{value:,.6g} is outside 1 to {MAX_INT32:,}: API Gateway's quota limit is a "
                "32-bit integer (and 0 would refuse every request)"
            )
        return value

    @model_validator(mode="after")
    def _offset_within_period(self) -> Quota:
        limit = {"DAY": 0, "WEEK": 6, "MONTH": 27}[self.period]
        if self.offset > limit:
            raise ValueError(f"offset {self.offset} is outside 0-{limit} for a {self.period} quota")
        return self


class Tier(Throttle):
    """A usage plan: the throttle (``rate_limit`` and ``burst_limit``, applied to each client
    key on its own) and the optional quota every client of the tier gets; a throttle with more."""

    quota: Quota | None = Field(None, description="Optional quota. Default: none.")
    route_throttles: dict[str, Throttle] = Field(
        default_factory=dict,
        description="Limits for single routes in this tier, keyed '<service> <METHOD> <path>' "
        "(e.g. 'orders POST /orders'). Default: none.",
    )

    @field_validator("route_throttles")
    @classmethod
    def _route_keys(cls, value: dict[str, Throttle]) -> dict[str, Throttle]:
        for key in value:
            parse_service_route(key)
        return value


class Client(Section):
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
    enabled: Switch = Field(True, description="Whether the client's API key works. Default: yes.")
    customer_id: str | None = Field(
        None, max_length=256, description="AWS Marketplace customer id of the key. Default: none."
    )
    description: str | None = Field(None, max_length=512, description="The key's description.")
    tags: Tags = Field(
        default_factory=dict,
        description="Tags of the client's key: at most 50; keys 1-128 and values 0-256 "
        "characters of letters, digits, spaces and _ . : / = + - @; no aws: prefix.",
    )


class StageSettings(Section):
    """Settings every service API's stage gets."""

    name: Slug | None = Field(None, description="Stage name. Default: the environment's name.")
    throttle: Throttle = Field(
        DEFAULT_STAGE_THROTTLE,
        description="Default stage throttle, for all callers together; a key left out keeps "
        "its default (500 requests per second, bursts of 1000).",
        json_schema_extra=lambda schema: partial_throttle_schema(schema, DEFAULT_STAGE_THROTTLE),
    )
    access_log_retention_days: Whole = Field(
        90,
        description="Access log retention in days (a CloudWatch Logs value). Default: 90.",
    )
    access_log_kms_key: LogKey | None = Field(
        None,
        description="Encrypt every log group the gateway creates (access logs, its functions' "
        "logs, a created VPC's flow logs) with a KMS key: 'create' for a key of the platform "
        "stack, or an existing key's ARN (its policy must let CloudWatch Logs use it). "
        "Default: none (CloudWatch Logs' own encryption).",
    )

    @field_validator("throttle", mode="before")
    @classmethod
    def _throttle_defaults(cls, value: Any) -> Any:
        return fill_throttle(value, DEFAULT_STAGE_THROTTLE)

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


class Gateway(Section):
    """A gateway file: one environment of one gateway."""

    name: Slug = Field(description="Gateway name: prefix of every stack and SSM parameter.")
    environment: Slug = Field(description="Environment name, e.g. dev, prod.")
    account: AccountId
    region: Region
    availability_zones: tuple[str, ...] = Field(
        min_length=1,
        max_length=6,
        description="The region's availability zones to use (what a synth would look up): "
        "each the region's code and one letter, e.g. eu-west-1a.",
    )
    account_quotas: AccountQuotas = Field(
        default_factory=AccountQuotas,
        description="The account's API Gateway quotas in the region, when AWS raised them "
        "(throttle, integration timeout). Default: AWS's defaults.",
    )
    network: Network | None = Field(
        None, description="The VPC for gateway-created load balancers. Default: none."
    )
    domain: Domain
    allowlist: Allowlist | None = Field(
        None, description="What services may register (platform-owned). Default: anything."
    )
    auth: Auth
    stage: StageSettings = Field(default_factory=StageSettings)
    waf: Waf = Field(
        default_factory=Waf, description="The AWS WAF web ACL in front of every stage."
    )
    cors: Cors | None = Field(
        None,
        description="CORS headers on the gateway's own responses. Default: none.",
    )
    cloudwatch_role: Switch = Field(
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
    monitoring: Monitoring = Field(
        default_factory=Monitoring, description="Dashboards and alarms. Default: both on."
    )
    regions: dict[RegionCode, RegionSettings] | None = Field(
        None,
        min_length=1,
        description="More regions, by region code (not the home region, the top-level "
        "'region', whose stacks keep their single-region names): each with its availability "
        "zones and what differs from the top-level settings. Needs 'routing'. Default: none "
        "(one region).",
    )
    routing: Routing | None = Field(
        None,
        description="How DNS sends clients to the regions, and each region's health check. "
        "Required with 'regions', refused without. Default: none.",
    )

    @field_validator("account", mode="before")
    @classmethod
    def _quoted_account(cls, value: object) -> object:
        if isinstance(value, int):
            raise ValueError(
                'write the account id in quotes ("012345678901"): YAML reads it as a number '
                "otherwise, and drops leading zeros"
            )
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _against_own_target(cls, data: Any, handler: ModelWrapValidatorHandler[Gateway]) -> Gateway:
        # Values deep in the file (a certificate, a load balancer, a throttle) are checked
        # against the gateway's account, region and quotas by their own fields' validators.
        with deploying_to(target_of(data)):
            return handler(data)

    @field_validator("availability_zones")
    @classmethod
    def _zones(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        region = info.data.get("region")
        for zone in value:
            problem = zone_problem(zone, region) if region else None
            if problem:
                raise ValueError(problem)
        if len(set(value)) != len(value):
            raise ValueError("lists a zone twice")
        return value

    @field_validator("regions", mode="wrap")
    @classmethod
    def _regions_form(
        cls, value: Any, handler: ValidatorFunctionWrapHandler
    ) -> dict[str, RegionSettings] | None:
        # A region's values are checked for their form here, and in the region by its view
        # (_regions_valid): not against the home region's target.
        target = current_target()
        loose = Target(target.account if target else None, None, None, 0, Quotas())
        with deploying_to(loose):
            return handler(value)

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

    @model_validator(mode="after")
    def _regions_valid(self) -> Gateway:
        # The loader validates the raw file's views itself (with positions); this keeps a
        # Gateway built in code to the same rules.
        problems = []
        for region in self.added_regions:
            try:
                self.in_region(region)
            except ValidationError as error:
                problems += [
                    f"in {region}: {format_location(tuple(d['loc']))}: {d['msg']}"
                    for d in error.errors()
                ]
        if problems:
            raise PydanticCustomError(REGION_ERROR, "{problems}", {"problems": "; ".join(problems)})
        return self

    @property
    def added_regions(self) -> tuple[str, ...]:
        """The regions of ``regions``, in file order (none for a single-region gateway)."""
        return tuple(r for r in self.regions or {} if r != self.region)

    @property
    def all_regions(self) -> tuple[str, ...]:
        """Every region of the gateway: the home region (``region``) first."""
        return (self.region, *self.added_regions)

    def in_region(self, region: str) -> Gateway:
        """The single-region view of this gateway in ``region`` (the home region or one of
        ``regions``): that region's zones, network, load balancers, quotas and regional ARNs in
        place of the top-level ones, only its services, no ``regions`` or ``routing``. A
        single-region gateway's view of its region is itself.

        Raises:
            pydantic.ValidationError: the view breaks a rule in that region (a Gateway built
                by validation never does: it checks every view).
            ValueError: ``region`` is not one of the gateway's regions.
        """
        if region not in self.all_regions:
            raise ValueError(f"{region!r} is not one of the gateway's regions")
        if self.regions is None and self.routing is None:
            return self
        return Gateway.model_validate(region_view(self.model_dump(mode="python"), region))

    @property
    def partition(self) -> str:
        """The AWS partition of the region (aws, aws-cn, aws-us-gov)."""
        return partition_of(self.region) or "aws"

    @property
    def api_key_name_prefix(self) -> str:
        """The prefix of every client's API key name."""
        return self.auth.api_key_name_prefix or f"{self.name}-{self.environment}-"

    @property
    def stage_name(self) -> str:
        """The stage name every service API deploys to."""
        return self.stage.name or self.environment

    def services_on(self, load_balancer: str) -> tuple[Service, ...]:
        """The services whose backend is the named load balancer."""
        return tuple(s for s in self.services if s.backend.load_balancer == load_balancer)
