"""Which execute-api resource patterns a token's policy allows and denies, given a permission map.

API Gateway caches the authorizer's answer per token and reuses it for every route of the API, so
the policy must describe *all* of the token's routes. A permitted route becomes an Allow pattern
with its parameters turned into ``*``. In execute-api ARNs ``*`` also matches ``/``, so
``GET/items/*`` (from ``/items/{id}``) matches ``GET/items/1/secret`` too: when an Allow pattern can
reach a request that API Gateway routes to a forbidden route, an explicit Deny pattern is added
(Deny overrides Allow).

Routing model (API Gateway REST): the resource is the most specific template matching the path,
comparing segment by segment (literal > ``{param}`` > ``{proxy+}``); on that resource the method is
the exact verb, else ``ANY``. A trailing ``/`` is assumed to route like the path without it when
checking that nothing forbidden is allowed (the safe assumption).

Guarantee, checked with ``route_language.intersects``: no request routed to a forbidden route is
allowed. Best effort: every request routed to a permitted route is allowed; where no glob can
separate a forbidden route from a permitted one (``*`` cannot say "one segment"), the Deny is kept,
a few permitted requests are denied, and ``imprecise`` is set so the caller can log it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from token_authorizer.arn import HTTP_VERBS
from token_authorizer.permissions import LITERAL, PARAM, PROXY, PermissionMap, RouteRule
from token_authorizer.route_language import Language, glob_language, intersects, route_language

_RANK = {LITERAL: 2, PARAM: 1, PROXY: 0}
_CACHE_SIZE = 256
Shape = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RoutePolicy:
    """Patterns relative to ``arn:...:{apiId}/{stage}/`` (e.g. ``GET/items/*``)."""

    allow: tuple[str, ...]
    deny: tuple[str, ...]
    imprecise: bool


@dataclass(frozen=True, slots=True)
class _Instance:
    """One (verb, resource) pair and the route that owns it."""

    verb: str
    shape: Shape
    route: RouteRule
    permitted: bool


def compare_priority(a: Shape, b: Shape) -> int | None:
    """>0 when ``a`` wins over ``b`` for paths both match, <0 when ``b`` wins, None if disjoint."""
    for (kind_a, text_a), (kind_b, text_b) in zip(a, b, strict=False):
        if kind_a == LITERAL and kind_b == LITERAL:
            if text_a != text_b:
                return None
        elif kind_a != kind_b:
            return 1 if _RANK[kind_a] > _RANK[kind_b] else -1
        elif kind_a == PROXY:
            return 0
    return 0 if len(a) == len(b) else None


def _pattern(verb: str, shape: Shape) -> str:
    return f"{verb}/" + "/".join(text if kind == LITERAL else "*" for kind, text in shape)


class _Analysis:
    def __init__(self, permission_map: PermissionMap, permitted_ids: frozenset[int]) -> None:
        shapes: dict[Shape, dict[str, RouteRule]] = {}
        for route in permission_map.routes:
            shapes.setdefault(route.segments, {})[route.method] = route
        ids = {id(route): index for index, route in enumerate(permission_map.routes)}
        self.instances: list[_Instance] = []
        for shape, methods in shapes.items():
            for verb in HTTP_VERBS:
                owner = methods.get(verb) or methods.get("ANY")
                if owner is not None:
                    permitted = ids[id(owner)] in permitted_ids
                    self.instances.append(_Instance(verb, shape, owner, permitted))
        self.higher: dict[Shape, list[Shape]] = {
            shape: [
                other
                for other in shapes
                if other != shape and (compare_priority(other, shape) or 0) > 0
            ]
            for shape in shapes
        }
        self.permitted = [i for i in self.instances if i.permitted]
        self.forbidden = [i for i in self.instances if not i.permitted]

    def routed(self, instance: _Instance, *, safe: bool) -> tuple[Language, list[Language]]:
        """The strings API Gateway routes to ``instance``: one positive, the higher negatives."""
        positive = route_language(instance.verb, instance.shape, trailing_slash=safe)
        negatives = [
            route_language(None, other, trailing_slash=safe)
            for other in self.higher[instance.shape]
        ]
        return positive, negatives

    def reaches(self, globs: list[str], instance: _Instance, *, safe: bool) -> bool:
        """True when some string routed to ``instance`` matches one of ``globs``."""
        positive, negatives = self.routed(instance, safe=safe)
        return any(intersects([glob_language(g), positive], negatives) for g in globs)

    def leaks(self, glob: str, instance: _Instance, denies: list[str]) -> bool:
        """True when ``glob`` allows a string routed to ``instance`` that ``denies`` miss."""
        positive, negatives = self.routed(instance, safe=True)
        excluded = negatives + [glob_language(d) for d in denies]
        return intersects([glob_language(glob), positive], excluded)

    def conflicts(self, denies: list[str]) -> bool:
        return any(self.reaches(denies, a, safe=False) for a in self.permitted)

    def harm(self, denies: list[str]) -> int:
        """How many permitted (verb, resource) pairs ``denies`` would partly block."""
        return sum(1 for a in self.permitted if self.reaches(denies, a, safe=False))


def _allow_patterns(analysis: _Analysis) -> list[str]:
    by_route: dict[int, list[_Instance]] = {}
    for instance in analysis.permitted:
        by_route.setdefault(id(instance.route), []).append(instance)
    patterns: list[str] = []
    for instances in by_route.values():
        shape = instances[0].shape
        if len(instances) == len(HTTP_VERBS):  # an ANY route that owns every verb
            candidate = _pattern("*", shape)
            if not any(analysis.reaches([candidate], f, safe=True) for f in analysis.forbidden):
                patterns.append(candidate)
                continue
        patterns.extend(_pattern(i.verb, shape) for i in instances)
    return list(dict.fromkeys(patterns))


def _refinements(glob: str) -> list[str]:
    """Narrower globs that together cover what ``glob`` matches beyond its own template.

    One ``*`` at a time is made to span at least two segments (``a/*`` -> ``a/*/*``), and a
    trailing ``/*`` is also tried with an empty match (``a/*`` -> ``a/``).
    """
    narrower = [glob[:i] + "*/*" + glob[i + 1 :] for i, char in enumerate(glob) if char == "*"]
    if glob.endswith("/*"):
        narrower.append(glob[:-1])
    return narrower


def _denies_for(
    analysis: _Analysis, forbidden: _Instance, needed: list[str]
) -> tuple[list[str], bool]:
    """Deny globs that cover what ``needed`` allows of ``forbidden``; True when lossy."""
    base = [_pattern(forbidden.verb, forbidden.shape)]
    if any(analysis.leaks(g, forbidden, base) for g in needed):
        base.append(base[0] + "/")  # the trailing-slash form of a non-wildcard route
    if not analysis.conflicts(base):
        return base, False

    def covers(denies: list[str]) -> bool:
        return not any(analysis.leaks(g, forbidden, denies) for g in needed)

    def relevant(denies: list[str]) -> list[str]:
        return [d for d in denies if analysis.reaches([d], forbidden, safe=True)]

    candidates = list(dict.fromkeys(c for g in needed for c in _refinements(g)))
    harm = {c: analysis.harm([c]) for c in candidates}
    chosen = [c for c in candidates if harm[c] == 0]
    if chosen and covers(chosen):
        return relevant(chosen), False
    for candidate in sorted((c for c in candidates if harm[c]), key=harm.__getitem__):
        if covers(chosen):
            break
        chosen.append(candidate)
    if covers(chosen) and analysis.harm(relevant(chosen)) < analysis.harm(base):
        return relevant(chosen), True
    return base, True


def build_route_policy(permission_map: PermissionMap, permitted_ids: frozenset[int]) -> RoutePolicy:
    analysis = _Analysis(permission_map, permitted_ids)
    allow = _allow_patterns(analysis)
    deny: list[str] = []
    imprecise = False
    for forbidden in analysis.forbidden:
        needed = [g for g in allow if analysis.reaches([g], forbidden, safe=True)]
        if needed and any(analysis.leaks(g, forbidden, deny) for g in needed):
            patterns, lossy = _denies_for(analysis, forbidden, needed)
            deny.extend(p for p in patterns if p not in deny)
            imprecise = imprecise or lossy
    return RoutePolicy(allow=tuple(allow), deny=tuple(deny), imprecise=imprecise)


class RoutePolicyCache:
    """Memoizes ``build_route_policy`` per map fingerprint and set of permitted routes."""

    def __init__(self, max_entries: int = _CACHE_SIZE) -> None:
        self._entries: OrderedDict[tuple[str, frozenset[int]], RoutePolicy] = OrderedDict()
        self._max_entries = max_entries

    def for_scopes(self, permission_map: PermissionMap, scopes: frozenset[str]) -> RoutePolicy:
        permitted = frozenset(
            index for index, route in enumerate(permission_map.routes) if route.scopes <= scopes
        )
        key = (permission_map.fingerprint, permitted)
        policy = self._entries.get(key)
        if policy is None:
            policy = build_route_policy(permission_map, permitted)
            self._entries[key] = policy
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return policy
