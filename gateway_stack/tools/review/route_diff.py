"""The route table's change: routes added, removed and changed, with what changed in words.

Routes are matched by stack, API, stage, method and path (:attr:`RouteRow.key`). A changed
route lists each aspect that changed - its public URLs, backend, access (authorizer, scopes, API
key), throttles (stage, route, each tier) and cache - with the value before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gateway_stack.tools.route_table import RouteRow

#: Aspects of a route a reviewer weighs, in the order they are listed.
ASPECTS = ("public URL", "backend", "auth", "throttle", "cache")


@dataclass(frozen=True)
class FieldChange:
    """One value of a route that changes.

    Attributes:
        aspect: one of :data:`ASPECTS`.
        field: what changes, e.g. ``scopes`` or ``tier gold``.
        before: the old value, as text (empty: there was none).
        after: the new value, as text (empty: there is none).
    """

    aspect: str
    field: str
    before: str
    after: str

    def __str__(self) -> str:
        label = "" if self.field == self.aspect else f"{self.field}: "
        if not self.before:
            return f"{label}+ {self.after}"
        if not self.after:
            return f"{label}- {self.before}"
        return f"{label}{self.before} → {self.after}"


@dataclass(frozen=True)
class RouteChange:
    """A route added, removed or changed.

    Attributes:
        kind: ``added``, ``removed`` or ``changed``.
        route: the route (as it will be; as it was, for a removed one).
        changes: what changed (for ``changed`` routes).
    """

    kind: str
    route: RouteRow
    changes: tuple[FieldChange, ...] = ()

    def aspects(self) -> list[str]:
        """The aspects that change, in :data:`ASPECTS` order."""
        return [a for a in ASPECTS if any(c.aspect == a for c in self.changes)]


def diff_routes(before: Sequence[RouteRow], after: Sequence[RouteRow]) -> list[RouteChange]:
    """The changes from ``before`` to ``after``: removed, then added, then changed routes, each
    in the tables' order."""
    old = {row.key: row for row in before}
    new = {row.key: row for row in after}
    changes = [RouteChange("removed", row) for key, row in old.items() if key not in new]
    changes += [RouteChange("added", row) for key, row in new.items() if key not in old]
    for key, row in new.items():
        if key in old:
            fields = field_changes(old[key], row)
            if fields:
                changes.append(RouteChange("changed", row, tuple(fields)))
    return changes


def field_changes(old: RouteRow, new: RouteRow) -> list[FieldChange]:
    """Every value that differs between two versions of one route."""
    found = []
    for aspect, name, read in _FIELDS:
        before, after = read(old), read(new)
        if before != after:
            found.append(FieldChange(aspect, name, before, after))
    for url in sorted(set(old.urls) - set(new.urls)):
        found.append(FieldChange("public URL", "URL", url, ""))
    for url in sorted(set(new.urls) - set(old.urls)):
        found.append(FieldChange("public URL", "URL", "", url))
    old_tiers = {tier.tier: tier.limit for tier in old.tiers}
    new_tiers = {tier.tier: tier.limit for tier in new.tiers}
    for tier in sorted(old_tiers.keys() | new_tiers.keys()):
        before, after = old_tiers.get(tier, ""), new_tiers.get(tier, "")
        if before != after:
            found.append(FieldChange("throttle", tier, before, after))
    return sorted(found, key=lambda change: ASPECTS.index(change.aspect))


_FIELDS: tuple[tuple[str, str, Callable[[RouteRow], str]], ...] = (
    ("backend", "backend", lambda row: str(row.backend)),
    ("backend", "host", lambda row: row.backend.host or ""),
    ("backend", "VPC link", lambda row: row.backend.vpc_link or ""),
    ("auth", "authorizer", lambda row: row.authorizer),
    ("auth", "scopes", lambda row: row.scopes_text),
    ("auth", "API key", lambda row: row.api_key),
    ("auth", "CORS origin", lambda row: row.cors_origin or "none"),
    ("throttle", "stage", lambda row: str(row.stage_throttle or "none")),
    ("throttle", "route", lambda row: str(row.route_throttle or "")),
    ("cache", "cache", lambda row: row.cache_text),
)
