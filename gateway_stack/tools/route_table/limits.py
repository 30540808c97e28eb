"""A route's limits: the stage's throttles and cache, and each usage plan's limit per client.

* The stage's ``MethodSettings``: the stage-wide entry (``/*`` ``*``) and a route's own entry
  (``ResourcePath`` ``/~1items~1{sku}``, ``HttpMethod`` ``GET``) give the throttles and cache.
* The usage plans the stage is in: a membership resource of the stage's stack (any resource with
  ``RestApiId`` and ``UsagePlanIds``, e.g. ``Custom::UsagePlanMembership``, whose ``Throttles``
  override a plan's limits on some methods), or ``AWS::ApiGateway::UsagePlan`` resources that
  list the stage in their ``ApiStages``. Plan ids are followed through the platform's SSM
  parameters to the plans, in whichever stack creates them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from gateway_stack.assembly import CloudAssembly, StackTemplate
from gateway_stack.naming import GatewayNames
from gateway_stack.tools.route_table.model import Cache, Throttle, TierLimit

WHOLE_STAGE = "/*/*"
_PLACEHOLDER = "@@gateway-stack-reference-{}@@"


@dataclass(frozen=True)
class StageSettings:
    """The ``MethodSettings`` of one stage, by ``(resource path, method)``."""

    cache_cluster: bool
    settings: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, stage: dict[str, Any]) -> StageSettings:
        """Read a stage resource's properties."""
        settings = {}
        for entry in stage.get("MethodSettings", []):
            if isinstance(entry, dict):
                path = _resource_path(str(entry.get("ResourcePath", "/*")))
                settings[(path, str(entry.get("HttpMethod", "*")))] = entry
        return cls(bool(stage.get("CacheClusterEnabled")), settings)

    @property
    def stage_throttle(self) -> Throttle | None:
        """The stage-wide limit (all clients together)."""
        return _throttle(self.settings.get(("/*", "*"), {}))

    def route_entry(self, method: str, path: str) -> dict[str, Any] | None:
        """The route's own entry: its method's, else every method's of its resource."""
        exact = self.settings.get((path, "*" if method == "ANY" else method))
        return exact if exact is not None else self.settings.get((path, "*"))

    def route_throttle(self, method: str, path: str) -> Throttle | None:
        """The route's own stage limit, when its entry sets one that differs from the stage's
        (an entry that repeats the stage's limit, e.g. to cache the route, is no limit of its
        own)."""
        throttle = _throttle(self.route_entry(method, path) or {})
        return None if throttle == self.stage_throttle else throttle

    def cache(self, method: str, path: str, key: list[Any]) -> Cache | None:
        """The route's response cache: its entry's, else the stage-wide entry's."""
        entry = self.route_entry(method, path) or self.settings.get(("/*", "*"), {})
        if not (self.cache_cluster and entry.get("CachingEnabled")):
            return None
        names = tuple(str(k).removeprefix("method.request.") for k in key)
        return Cache(int(entry.get("CacheTtlInSeconds", 300)), names)


@dataclass(frozen=True)
class Plan:
    """A usage plan the stage is in, and this stage's overrides of its limits.

    Attributes:
        tier: the tier's name.
        throttle: the plan's own throttle.
        quota: the plan's quota, e.g. ``100000/MONTH``.
        overrides: method key (``/items/{sku}/GET``, ``/*/*``) -> the limit on this stage.
        known: the plan is in the assembly (else its own limits are unknown here).
    """

    tier: str
    throttle: Throttle | None
    quota: str | None
    overrides: dict[str, Throttle] = field(default_factory=dict)
    known: bool = True

    def limit(self, method: str, path: str) -> TierLimit:
        """The limit per client key of this plan on one route."""
        verb = "*" if method == "ANY" else method
        resource = path.rstrip("/")
        for key in (f"{resource}/{verb}", f"{resource}/*", WHOLE_STAGE):
            if key in self.overrides:
                override = self.overrides[key]
                return TierLimit(self.tier, override, self.quota, self.throttle, self.known)
        return TierLimit(self.tier, self.throttle, self.quota, known=self.known)


def plans(stack: StackTemplate, api_id: str, stage_id: str, assembly: CloudAssembly) -> list[Plan]:
    """The usage plans the stage joins, sorted by tier."""
    found = []
    api, stage = {"Ref": api_id}, {"Ref": stage_id}
    for _, resource in stack.resources.items():
        properties = resource.get("Properties", {})
        if properties.get("RestApiId") == api and "UsagePlanIds" in properties:
            overrides = _overrides(properties.get("Throttles"))
            for plan_id in properties.get("UsagePlanIds", []):
                plan = _plan(stack, plan_id, assembly)
                if plan is not None:
                    found.append(replace(plan, overrides=_for(overrides, plan_id)))
    for _, resource in stack.of_type("AWS::ApiGateway::UsagePlan"):  # plans listing the stage
        for api_stage in resource.get("Properties", {}).get("ApiStages", []):
            if api_stage.get("ApiId") == api and api_stage.get("Stage") == stage:
                plan = _read_plan(resource, None)
                overrides = {
                    key: throttle
                    for key, value in api_stage.get("Throttle", {}).items()
                    if (throttle := _throttle(value, "RateLimit", "BurstLimit")) is not None
                }
                found.append(replace(plan, overrides=overrides))
    return sorted(found, key=lambda plan: plan.tier)


def _plan(stack: StackTemplate, plan_id: Any, assembly: CloudAssembly) -> Plan | None:
    """The plan behind a plan id: a Ref to a plan, or to the SSM parameter that publishes one."""
    name = assembly.ssm_name(stack, plan_id)
    where, value = assembly.resolve(stack, plan_id)
    tier = GatewayNames.tier_of(name) if name else None
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        resource = where.resources.get(value["Ref"], {})
        if resource.get("Type") == "AWS::ApiGateway::UsagePlan":
            return _read_plan(resource, tier)
    return Plan(tier or assembly.describe(stack, plan_id), None, None, known=False)


def _read_plan(resource: dict[str, Any], tier: str | None) -> Plan:
    properties = resource.get("Properties", {})
    quota = properties.get("Quota")
    return Plan(
        tier or str(properties.get("UsagePlanName") or "usage plan"),
        _throttle(properties.get("Throttle") or {}, "RateLimit", "BurstLimit"),
        f"{quota.get('Limit')}/{quota.get('Period')}" if isinstance(quota, dict) else None,
    )


def _overrides(value: Any) -> dict[str, Any]:
    """The ``Throttles`` of a membership resource: plan id -> groups, where a plan id may be a
    reference (the resource takes the JSON as a string joined around deploy-time ids)."""
    references: list[Any] = []
    if isinstance(value, dict) and isinstance(value.get("Fn::Join"), list):
        separator, parts = value["Fn::Join"]
        text = ""
        for index, part in enumerate(parts):
            if index:
                text += separator
            if isinstance(part, str):
                text += part
            else:
                text += _PLACEHOLDER.format(len(references))
                references.append(part)
        value = text
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    keyed: dict[str, Any] = {}
    for key, groups in value.items():
        match = re.fullmatch(_PLACEHOLDER.format(r"(\d+)"), key)
        original = references[int(match.group(1))] if match else key
        keyed[json.dumps(original, sort_keys=True)] = groups
    return keyed


def _for(overrides: dict[str, Any], plan_id: Any) -> dict[str, Throttle]:
    groups = overrides.get(json.dumps(plan_id, sort_keys=True), [])
    limits = {}
    for group in groups if isinstance(groups, list) else [groups]:
        throttle = _throttle(group, "rateLimit", "burstLimit") if isinstance(group, dict) else None
        if throttle is not None:
            for method in group.get("methods", [WHOLE_STAGE]):
                limits[str(method)] = throttle
    return limits


def _resource_path(encoded: str) -> str:
    """``/~1items~1{sku}`` (a MethodSettings path: ``/`` then the JSON-pointer-escaped resource
    path) as ``/items/{sku}``; ``/*`` (every resource) stays."""
    if encoded == "/*":
        return encoded
    return encoded[1:].replace("~1", "/").replace("~0", "~") or "/"


def _throttle(
    entry: dict[str, Any], rate: str = "ThrottlingRateLimit", burst: str = "ThrottlingBurstLimit"
) -> Throttle | None:
    if not isinstance(entry, dict) or rate not in entry or burst not in entry:
        return None
    try:
        # What the template holds, as it holds it: read, not validated.
        return Throttle.model_construct(
            rate_limit=float(entry[rate]), burst_limit=int(entry[burst])
        )
    except (TypeError, ValueError):
        return None
