"""An independent model of API Gateway REST routing, and request samples for a permission map.

Used to check policies: every sample request is routed to the route that owns it (most specific
resource, literal > {param} > {proxy+} segment by segment; then the exact verb, else ANY), and
the policy must allow it exactly when the token holds that route's scopes.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

VERBS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _segments(path: str) -> list[str]:
    return [] if path == "/" else path[1:].split("/")


def _regex(path: str) -> re.Pattern[str]:
    parts = []
    for segment in _segments(path):
        if segment.endswith("+}"):
            parts.append(r"[^/]+(?:/[^/]+)*")
        elif segment.startswith("{"):
            parts.append(r"[^/]+")
        else:
            parts.append(re.escape(segment))
    return re.compile("/".join(parts))


def _specificity(path: str) -> tuple[int, ...]:
    return tuple(0 if s.endswith("+}") else 1 if s.startswith("{") else 2 for s in _segments(path))


def owner(routes: list[dict[str, Any]], verb: str, path: str) -> dict[str, Any] | None:
    """The route a request for ``verb /path`` reaches (path without its leading slash)."""
    if path.endswith("/"):
        path = path[:-1]  # assumed to route like the path without the trailing slash
    resources = {r["path"] for r in routes if _regex(r["path"]).fullmatch(path)}
    if not resources:
        return None
    best = max(resources, key=_specificity)
    on_resource = [r for r in routes if r["path"] == best]
    for route in on_resource:
        if route["method"] == verb:
            return route
    for route in on_resource:
        if route["method"] in ("*", "ANY"):
            return route
    return None


def permitted(route: dict[str, Any], scopes: set[str]) -> bool:
    return set(route["scopes"]) <= scopes


def sample_paths(routes: list[dict[str, Any]], limit: int = 40) -> set[str]:
    """Concrete request paths that exercise every template, and paths between templates."""
    literals = sorted(
        {s for r in routes for s in _segments(r["path"]) if not s.startswith("{")}
    ) or ["x"]
    one = ["1", "zz", *literals[:4]]
    many = ["p", "p/q", "p/q/r", *(f"{lit}/z" for lit in literals[:3]), *literals[:3]]
    samples: set[str] = {""}
    for route in routes:
        choices = []
        for segment in _segments(route["path"]):
            if segment.endswith("+}"):
                choices.append(many)
            elif segment.startswith("{"):
                choices.append(one)
            else:
                choices.append([segment])
        for combo in itertools.islice(itertools.product(*choices), limit):
            path = "/".join(combo)
            samples.update({path, f"{path}/extra", f"{path}/{literals[0]}", f"{path}/1/2"})
            if path:
                samples.add(f"{path}/")  # a trailing slash
    return samples
