"""The gateway file's route keys: ``"<service> <METHOD> <path>"`` (a tier's ``route_throttles``).

Parsed here and nowhere else: the model checks the form, the reference check the service, and
the plan the route.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway_stack.openapi.routes import Route, parse_route


@dataclass(frozen=True)
class ServiceRoute:
    """A route of one service, as a tier's ``route_throttles`` names it.

    Attributes:
        service: the service's name.
        route: the route (method and path).
    """

    service: str
    route: Route


def parse_service_route(text: str) -> ServiceRoute:
    """``"orders POST /orders"`` -> :class:`ServiceRoute`.

    Raises:
        ValueError: not ``<service> <METHOD> <path>``, or a method or path API Gateway cannot
            route.
    """
    service, _, route = text.strip().partition(" ")
    if not service or not route.strip():
        raise ValueError(f"{text!r} is not '<service> <METHOD> <path>'")
    return ServiceRoute(service, parse_route(route))


def service_of(text: str) -> str:
    """The service a route key names (its first word), whatever the rest holds."""
    return text.strip().partition(" ")[0]
