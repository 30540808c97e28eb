"""The gateway file: its typed model, its loader and its JSON Schema."""

from gateway_stack.gateway.config.loader import (
    GatewayFile,
    GatewayFileError,
    load_gateway,
    load_gateway_file,
    parse_gateway,
)
from gateway_stack.gateway.config.model import (
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
from gateway_stack.gateway.config.schema import gateway_schema
from gateway_stack.gateway.config.services import Backend, LoadBalancer, RouteSpec, Service

__all__ = [
    "Auth",
    "Backend",
    "Client",
    "Domain",
    "Gateway",
    "GatewayFile",
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
    "load_gateway_file",
    "parse_gateway",
]
