"""The gateway file: its typed model, its loader and its JSON Schema."""

from .loader import GatewayFileError, load_gateway, parse_gateway
from .model import (
    Auth,
    Client,
    Domain,
    Gateway,
    Network,
    Quota,
    StageSettings,
    Throttle,
    Tier,
)
from .schema import gateway_schema
from .services import Backend, LoadBalancer, RouteSpec, Service

__all__ = [
    "Auth",
    "Backend",
    "Client",
    "Domain",
    "Gateway",
    "GatewayFileError",
    "LoadBalancer",
    "Network",
    "Quota",
    "RouteSpec",
    "Service",
    "StageSettings",
    "Throttle",
    "Tier",
    "gateway_schema",
    "load_gateway",
    "parse_gateway",
]
