"""Base paths of API mappings on a custom domain: their form, and how they share the domain.

API Gateway sends a request to the API mapping with the **longest matching base path** (its
documentation on multi-level API mappings: ``orders`` and ``orders/v2/items`` may both exist, and
``/orders/v2/items/5`` goes to the second). So a base path may be a prefix level of another, but
the shorter one's API then never receives requests under the longer one: a route of the
``orders`` API whose path starts with ``/v2/items`` can never be called. That is an error here,
naming both services; a catch-all (``{proxy+}``) that merely overlaps is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gateway_stack.openapi.routes import PARAMETER_SEGMENT, Route

#: One base-path segment: what API Gateway accepts in an API mapping key.
BASE_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
BASE_PATH_MAX_LENGTH = 128


def validate_base_path(value: str) -> str:
    """Check a custom-domain base path (an API mapping key); return it unchanged.

    Raises:
        ValueError: what is wrong and what is allowed.
    """
    if value.startswith("/") or value.endswith("/"):
        raise ValueError("must not start or end with '/' (write 'billing/v2', not '/billing/v2/')")
    if len(value) > BASE_PATH_MAX_LENGTH:
        raise ValueError(f"longer than {BASE_PATH_MAX_LENGTH} characters")
    for segment in value.split("/"):
        if not BASE_PATH_SEGMENT.match(segment):
            raise ValueError(
                f"segment {segment!r} is not allowed: each '/'-separated segment is letters, "
                "digits, '.', '_' or '-', starting with a letter or digit"
            )
    return value


@dataclass(frozen=True)
class ShadowedRoute:
    """A route that a longer base path of another service makes unreachable.

    Attributes:
        service: the service whose route it is.
        base_path: that service's base path.
        route: the route.
        by_service: the service with the longer base path.
        by_base_path: its base path, which API Gateway matches first.
    """

    service: str
    base_path: str
    route: Route
    by_service: str
    by_base_path: str

    @property
    def message(self) -> str:
        """What is wrong, and what to do."""
        return (
            f"service {self.service!r} (base path {self.base_path!r}): route {self.route.key} "
            f"can never be called: API Gateway sends /{self.by_base_path}/... to service "
            f"{self.by_service!r}, whose base path {self.by_base_path!r} is the longer match. "
            "Rename the route, or move one of the base paths"
        )


def find_shadowed_routes(
    services: Mapping[str, tuple[str, Sequence[Route]]],
) -> list[ShadowedRoute]:
    """Routes that a longer base path of another service makes unreachable.

    Args:
        services: service name -> (base path, routes).
    """
    found = []
    for short_name, (short, routes) in services.items():
        for long_name, (long, _) in services.items():
            if not long.startswith(short + "/"):
                continue
            rest = long[len(short) + 1 :].split("/")
            found += [
                ShadowedRoute(short_name, short, route, long_name, long)
                for route in routes
                if _starts_with(route.path, rest)
            ]
    return found


def _starts_with(path: str, prefix: list[str]) -> bool:
    """True if every request to ``path`` has the literal segments ``prefix`` first."""
    segments = [s for s in path.split("/") if s]
    if len(segments) < len(prefix):
        return False
    return all(
        segment == want and not PARAMETER_SEGMENT.match(segment)
        for segment, want in zip(segments, prefix, strict=False)
    )
