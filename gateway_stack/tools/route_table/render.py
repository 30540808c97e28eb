"""The route table as Markdown (what ``make routes`` prints) or JSON (``JSON=1``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from pydantic import BaseModel

from gateway_stack.tools.route_table.model import ANY_CLIENT, RouteRow
from gateway_stack.tools.route_table.regions import RegionalRoute, by_region

COLUMNS = (
    "public URL",
    "method",
    "service",
    "backend",
    "authorizer",
    "scopes",
    "API key",
    "throttles (rate/s/burst)",
    "cache",
)
LEGEND = (
    "Throttles: the stage's limit for all clients together, a route's own stage limit, then "
    "each tier's limit per client key (plan: the tier's own limit where this stage overrides "
    f"it). Scopes `{ANY_CLIENT}`: any client the authorizer admits."
)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ") or "-"


#: The column a table spanning several regions adds after ``service``.
REGIONS_COLUMN = "regions"


def cells(row: RouteRow | RegionalRoute, *, regions: bool = False) -> tuple[str, ...]:
    """A row's cells, in :data:`COLUMNS` order; with ``regions``, the regions that serve it
    after the service (:data:`REGIONS_COLUMN`). Default: without."""
    urls = row.urls
    if isinstance(row, RegionalRoute):
        served = ", ".join(row.regions)
        row = row.first
    else:
        served = row.region
    return (
        "<br>".join(urls) or "(none)",
        row.method,
        row.service,
        *((served,) if regions else ()),
        str(row.backend),
        row.authorizer,
        row.scopes_text,
        row.api_key,
        row.throttles,
        row.cache_text,
    )


def render_markdown(rows: Sequence[RouteRow], regions: Sequence[str] = ()) -> str:
    """The table as Markdown, with a legend; a note when there is no route.

    Rows of more than one region: a route alike in several regions is one row, with a
    :data:`REGIONS_COLUMN` column naming them (see :mod:`.regions`), and the count says how
    many routes each region serves. ``regions``: their order (the assembly's, home first).
    Default: as they first appear in ``rows``.
    """
    if not rows:
        return "No routes: the assembly has no REST API with operations."
    order = _region_order(rows, regions)
    several = len(order) > 1
    table: Sequence[RouteRow | RegionalRoute] = by_region(rows, order) if several else rows
    columns = list(COLUMNS)
    if several:
        columns.insert(columns.index("service") + 1, REGIONS_COLUMN)
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(cell(c) for c in cells(r, regions=several)) + " |" for r in table),
    ]
    if several:
        routes = len({(row.service, row.api, row.stage, row.method, row.path) for row in rows})
        apis = len({(row.service, row.api) for row in rows})
        each = {region: sum(1 for row in rows if row.region == region) for region in order}
        counted = (
            f"{routes} route{'s' * (routes != 1)} of {apis} API{'s' * (apis != 1)} in "
            f"{len(each)} regions ("
            + ", ".join(f"{region}: {count}" for region, count in each.items())
            + ")"
        )
    else:
        services = len({(row.stack, row.api) for row in rows})
        counted = (
            f"{len(rows)} route{'s' * (len(rows) != 1)} of {services} API{'s' * (services != 1)}"
        )
    lines += ["", f"{counted}. {LEGEND}"]
    origins: dict[str, set[str]] = {}
    for row in rows:
        if row.cors_origin is not None:
            origins.setdefault(row.cors_origin, set()).add(row.service)
    for origin, services in sorted(origins.items()):
        lines += [
            "",
            f"CORS: the gateway answers `OPTIONS` preflight requests (a MOCK, no authorizer, no "
            f"API key) on every path of {', '.join(sorted(services))}, for origin `{origin}`.",
        ]
    return "\n".join(lines)


def _region_order(rows: Sequence[RouteRow], regions: Sequence[str] = ()) -> list[str]:
    """The regions of ``rows``: those of ``regions`` first, in its order, then the others as
    they first appear."""
    present = dict.fromkeys(row.region for row in rows)
    return [*(r for r in regions if r in present), *(r for r in present if r not in regions)]


def render_json(rows: Sequence[RouteRow]) -> str:
    """The table as a JSON list of routes (every field, with its structure): one entry per
    route and region (its ``region`` field), never merged."""
    return json.dumps([asdict(row) for row in rows], indent=2, default=_plain)


def _plain(value: object) -> object:
    """A model in a row (a :class:`Throttle`) as the JSON object of its fields."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
