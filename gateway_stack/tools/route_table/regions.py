"""A route served in several regions, as one row of the table.

A multi-region gateway deploys each service's API once per region it is in; the route table
reads one :class:`RouteRow` per region. The Markdown table shows a route once with the regions
that serve it when everything a reader sees of it (method, service, backend, access, limits,
cache) is the same in each; a region where it differs gets a row of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gateway_stack.tools.route_table.model import RouteRow


@dataclass(frozen=True)
class RegionalRoute:
    """One route as deployed, alike, in one or more regions.

    Attributes:
        rows: the route's row in each of those regions, in the regions' order.
    """

    rows: tuple[RouteRow, ...]

    @property
    def first(self) -> RouteRow:
        """The row of the first region (its cells are every region's but the URLs)."""
        return self.rows[0]

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions that serve the route."""
        return tuple(dict.fromkeys(row.region for row in self.rows))

    @property
    def urls(self) -> tuple[str, ...]:
        """Every public URL: those of every region (the shared names) first, in the first
        region's order, then each region's own (its regional name, its ``execute-api`` URL)."""
        shared = [u for u in self.first.urls if all(u in row.urls for row in self.rows)]
        own = [u for row in self.rows for u in row.urls if u not in shared]
        return tuple(dict.fromkeys([*shared, *own]))


def _alike(row: RouteRow) -> tuple[object, ...]:
    """What must be equal for two regions' rows to share a table row: every shown cell but
    the URLs, and the route's identity."""
    return (
        row.service,
        row.api,
        row.stage,
        row.method,
        row.path,
        str(row.backend),
        row.authorizer,
        row.scopes_text,
        row.api_key,
        row.throttles,
        row.cache_text,
        row.cors_origin,
    )


def by_region(rows: Sequence[RouteRow], regions: Sequence[str] = ()) -> list[RegionalRoute]:
    """``rows`` (one per region of each route) as the table's rows: alike rows of different
    regions merged, in the order of each route's first row.

    Args:
        rows: the route table's rows.
        regions: the regions' order (the assembly's, home first). Default: the order in which
            they first appear in ``rows``.
    """
    order = {region: index for index, region in enumerate(regions)}
    for row in rows:
        order.setdefault(row.region, len(order))
    groups: dict[tuple[object, ...], list[RouteRow]] = {}
    for row in rows:
        group = groups.setdefault(_alike(row), [])
        if any(member.region == row.region for member in group):  # one row per region
            group = groups.setdefault((*_alike(row), row.stack), [])
        group.append(row)
    return [
        RegionalRoute(tuple(sorted(group, key=lambda row: order[row.region])))
        for group in groups.values()
    ]
