"""``make routes``: the route table of a synthesized gateway, read from ``cdk.out``.

What will deploy, not what the gateway file says: one row per route of each deployed stage, with
its public URLs, method, service, backend, authorizer, scopes, API key, throttles (stage, route,
tier) and cache. See docs/review.md.
"""

from gateway_stack.tools.route_table.model import Backend, Cache, RouteRow, Throttle, TierLimit
from gateway_stack.tools.route_table.reader import read_route_table, route_table
from gateway_stack.tools.route_table.render import render_json, render_markdown

__all__ = [
    "Backend",
    "Cache",
    "RouteRow",
    "Throttle",
    "TierLimit",
    "read_route_table",
    "render_json",
    "render_markdown",
    "route_table",
]
