"""ResourceProperties of ``Custom::UsagePlanMembership``, parsed and validated.

CloudFormation passes every scalar as a string, so numbers are accepted as strings or numbers.
Throttle values are kept as the exact strings the patch operations send (canonical forms).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# API ids and usage plan ids are short alphanumeric strings; neither may hold ':' or '/', which
# would change the meaning of "{apiId}:{stage}" and of the patch paths built from them.
_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")
_STAGE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_HTTP_METHOD = re.compile(r"^(\*|[A-Z]{1,16})$")
_SEGMENT = re.compile(r"^[^\s/]+$")
MAX_PLANS = 50
MAX_METHODS_PER_PLAN = 100


class InvalidPropertiesError(ValueError):
    """The resource properties cannot be used; the message says which one and why."""


def escape_pointer_token(token: str) -> str:
    """One JSON Pointer reference token (RFC 6901): '~' becomes '~0', then '/' becomes '~1'."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class MethodThrottle:
    """A per-method override of a plan's limits on one stage."""

    resource_path: str  # "/items/{sku}", "/" for the root resource, "/*" for every resource
    http_method: str  # "GET", or "*" for every method
    rate_limit: str  # canonical decimal string, as sent in the patch operation
    burst_limit: str  # canonical integer string

    @property
    def key(self) -> str:
        """The method key as the usage plan's throttle map names it: "/items/{sku}/GET"."""
        return f"{self.resource_path.rstrip('/')}/{self.http_method}"


@dataclass(frozen=True)
class Membership:
    """One stage's membership: the plans it joins and its per-plan method throttles."""

    api_id: str
    stage: str
    plan_ids: tuple[str, ...]
    throttles: Mapping[str, tuple[MethodThrottle, ...]] = field(default_factory=dict)

    @property
    def member_id(self) -> str:
        """The usage plan's name for the stage, "{apiId}:{stage}"; also our PhysicalResourceId."""
        return f"{self.api_id}:{self.stage}"

    def throttles_for(self, plan_id: str) -> tuple[MethodThrottle, ...]:
        return self.throttles.get(plan_id, ())


def raw_member_id(properties: Mapping[str, Any] | None) -> str | None:
    """The id "{RestApiId}:{StageName}" from raw properties, without validating anything else."""
    if not isinstance(properties, Mapping):
        return None
    api_id, stage = properties.get("RestApiId"), properties.get("StageName")
    if isinstance(api_id, str) and isinstance(stage, str) and api_id and stage:
        return f"{api_id}:{stage}"
    return None


def parse_membership(properties: Mapping[str, Any] | None) -> Membership:
    """Validate ResourceProperties; raises ``InvalidPropertiesError`` naming the bad property."""
    if not isinstance(properties, Mapping):
        raise InvalidPropertiesError("ResourceProperties must be an object")
    api_id = _required_string(properties, "RestApiId", _ID, "an API Gateway REST API id")
    stage = _required_string(properties, "StageName", _STAGE, "a stage name ([A-Za-z0-9_-])")
    plan_ids = _plan_ids(properties.get("UsagePlanIds"))
    throttles = _throttles(properties.get("Throttles"), plan_ids)
    return Membership(api_id, stage, plan_ids, throttles)


def parse_plan_ids(properties: Mapping[str, Any] | None) -> tuple[str, ...]:
    """Only ``UsagePlanIds`` (Delete needs nothing else)."""
    if not isinstance(properties, Mapping):
        raise InvalidPropertiesError("ResourceProperties must be an object")
    return _plan_ids(properties.get("UsagePlanIds"))


def _required_string(
    properties: Mapping[str, Any], name: str, pattern: re.Pattern[str], what: str
) -> str:
    value = properties.get(name)
    if not isinstance(value, str) or not pattern.match(value):
        raise InvalidPropertiesError(f"{name} must be {what}, got {value!r}")
    return value


def _plan_ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InvalidPropertiesError(
            f"UsagePlanIds must be a list of usage plan ids, got {value!r}"
        )
    if len(value) > MAX_PLANS:
        raise InvalidPropertiesError(f"UsagePlanIds lists {len(value)} plans; at most {MAX_PLANS}")
    plan_ids: list[str] = []
    for plan_id in value:
        if not isinstance(plan_id, str) or not _ID.match(plan_id):
            raise InvalidPropertiesError(f"UsagePlanIds holds an invalid plan id: {plan_id!r}")
        if plan_id not in plan_ids:  # a repeated id is the same membership
            plan_ids.append(plan_id)
    return tuple(plan_ids)


def _throttles(value: Any, plan_ids: tuple[str, ...]) -> dict[str, tuple[MethodThrottle, ...]]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):  # what UsagePlanMembership sends: plan ids are tokens, not keys
        try:
            value = json.loads(value)
        except ValueError as error:
            raise InvalidPropertiesError(f"Throttles is not valid JSON: {error}") from None
    if not isinstance(value, Mapping):
        raise InvalidPropertiesError("Throttles must map usage plan ids to throttle settings")
    throttles: dict[str, tuple[MethodThrottle, ...]] = {}
    for plan_id, settings in value.items():
        if plan_id not in plan_ids:
            raise InvalidPropertiesError(
                f"Throttles names usage plan {plan_id!r}, which UsagePlanIds does not list"
            )
        throttles[plan_id] = _plan_throttles(plan_id, settings)
    return throttles


def _plan_throttles(plan_id: str, settings: Any) -> tuple[MethodThrottle, ...]:
    """One group of settings, or a list of groups with different limits for their methods."""
    groups = settings if isinstance(settings, list) else [settings]
    if not groups:
        raise InvalidPropertiesError(f"Throttles[{plan_id!r}] lists no settings")
    result: list[MethodThrottle] = []
    seen: set[str] = set()
    for index, group in enumerate(groups):
        where = f"Throttles[{plan_id!r}]" + (f"[{index}]" if isinstance(settings, list) else "")
        for throttle in _group_throttles(where, group):
            if throttle.key in seen:
                raise InvalidPropertiesError(f"{where}.methods repeats {throttle.key!r}")
            seen.add(throttle.key)
            result.append(throttle)
    return tuple(result)


def _group_throttles(where: str, settings: Any) -> tuple[MethodThrottle, ...]:
    if not isinstance(settings, Mapping):
        raise InvalidPropertiesError(
            f"{where} must be an object with rateLimit, burstLimit, methods"
        )
    unknown = sorted(set(settings) - {"rateLimit", "burstLimit", "methods"})
    if unknown:
        raise InvalidPropertiesError(f"{where} has unknown keys: {', '.join(unknown)}")
    rate = format_rate_limit(settings.get("rateLimit"), f"{where}.rateLimit")
    burst = format_burst_limit(settings.get("burstLimit"), f"{where}.burstLimit")
    methods = settings.get("methods")
    if not isinstance(methods, list) or not methods:
        raise InvalidPropertiesError(f"{where}.methods must be a non-empty list like '/items/GET'")
    if len(methods) > MAX_METHODS_PER_PLAN:
        raise InvalidPropertiesError(f"{where}.methods lists more than {MAX_METHODS_PER_PLAN}")
    result: list[MethodThrottle] = []
    seen: set[str] = set()
    for spec in methods:
        resource_path, http_method = split_method(spec, f"{where}.methods")
        throttle = MethodThrottle(resource_path, http_method, rate, burst)
        if throttle.key in seen:
            raise InvalidPropertiesError(f"{where}.methods repeats {spec!r}")
        seen.add(throttle.key)
        result.append(throttle)
    return tuple(result)


def split_method(spec: Any, where: str = "method") -> tuple[str, str]:
    """Split a method spec at its last '/'.

    "/items/{sku}/GET" -> ("/items/{sku}", "GET"); "/GET" -> ("/", "GET"); "/*/*" -> ("/*", "*").
    """
    if not isinstance(spec, str) or not spec.startswith("/"):
        raise InvalidPropertiesError(f"{where}: {spec!r} is not '/resource/path/METHOD'")
    resource_path, _, http_method = spec.rpartition("/")
    if not _HTTP_METHOD.match(http_method):
        raise InvalidPropertiesError(f"{where}: {spec!r} does not end in an HTTP method or '*'")
    if resource_path == "":
        return "/", http_method
    segments = resource_path.split("/")[1:]
    if not all(_SEGMENT.match(segment) for segment in segments):
        raise InvalidPropertiesError(f"{where}: {spec!r} has an empty or blank path segment")
    return resource_path, http_method


def format_rate_limit(value: Any, where: str) -> str:
    """A non-negative finite number (string or number) as a canonical decimal string."""
    number = _number(value, where)
    if number.is_integer():
        return str(int(number))
    return repr(number)


def format_burst_limit(value: Any, where: str) -> str:
    """A non-negative whole number (string or number) as a canonical integer string."""
    number = _number(value, where)
    if not number.is_integer():
        raise InvalidPropertiesError(f"{where} must be a whole number, got {value!r}")
    return str(int(number))


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidPropertiesError(f"{where} must be a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise InvalidPropertiesError(f"{where} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise InvalidPropertiesError(f"{where} must be a finite number >= 0, got {value!r}")
    return number
