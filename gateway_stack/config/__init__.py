"""The gateway file: its typed model, its loader and its JSON Schema."""

from .loader import GatewayFileError, load_gateway, parse_gateway
from .model import (
    Auth,
    Backend,
    Client,
    Domain,
    Gateway,
    LoadBalancer,
    Network,
    Quota,
    Service,
    StageSettings,
    Throttle,
    Tier,
)
from .schema import gateway_schema

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
    "Service",
    "StageSettings",
    "Throttle",
    "Tier",
    "gateway_schema",
    "load_gateway",
    "parse_gateway",
]
