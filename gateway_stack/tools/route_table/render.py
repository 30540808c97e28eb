"""The route table as Markdown (what ``make routes`` prints) or JSON (``JSON=1``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from pydantic import BaseModel

from gateway_stack.tools.route_table.model import ANY_CLIENT, RouteRow

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


def cells(row: RouteRow) -> tuple[str, ...]:
    """A row's cells, in :data:`COLUMNS` order."""
    return (
        "<br>".join(row.urls) or "(none)",
        row.method,
        row.service,
        str(row.backend),
        row.authorizer,
        row.scopes_text,
        row.api_key,
        row.throttles,
        row.cache_text,
    )


def render_markdown(rows: Sequence[RouteRow]) -> str:
    """The table as Markdown, with a legend; a note when there is no route."""
    if not rows:
        return "No routes: the assembly has no REST API with operations."
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
        *("| " + " | ".join(cell(c) for c in cells(row)) + " |" for row in rows),
    ]
    services = len({(row.stack, row.api) for row in rows})
    counted = f"{len(rows)} route{'s' * (len(rows) != 1)} of {services} API{'s' * (services != 1)}"
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


def render_json(rows: Sequence[RouteRow]) -> str:
    """The table as a JSON list of routes (every field, with its structure)."""
    return json.dumps([asdict(row) for row in rows], indent=2, default=_plain)


def _plain(value: object) -> object:
    """A model in a row (a :class:`Throttle`) as the JSON object of its fields."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
