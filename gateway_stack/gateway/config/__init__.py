"""The gateway file: its typed model, its loader and its JSON Schema.

The model's classes load with this package; the loader (:func:`load_gateway`,
:func:`load_gateway_file`, :func:`parse_gateway`, :class:`GatewayFileError`, with its YAML
parser) loads on first use, so code that only builds from a model never loads it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gateway_stack.gateway.config.model import (
    Auth,
    Client,
    Domain,
    Gateway,
    Network,
    Quota,
    StageSettings,
    Tier,
)
from gateway_stack.gateway.config.regions import HealthCheck, RegionSettings, Routing
from gateway_stack.gateway.config.services import Backend, LoadBalancer, RouteSpec, Service

if TYPE_CHECKING:
    from gateway_stack.gateway.config.loader import (
        GatewayFile,
        GatewayFileError,
        load_gateway,
        load_gateway_file,
        parse_gateway,
    )
    from gateway_stack.gateway.config.schema import gateway_schema

_LAZY = {
    "GatewayFile": "gateway_stack.gateway.config.loader",
    "GatewayFileError": "gateway_stack.gateway.config.loader",
    "load_gateway": "gateway_stack.gateway.config.loader",
    "load_gateway_file": "gateway_stack.gateway.config.loader",
    "parse_gateway": "gateway_stack.gateway.config.loader",
    "gateway_schema": "gateway_stack.gateway.config.schema",
}

__all__ = [
    "Auth",
    "Backend",
    "Client",
    "Domain",
    "Gateway",
    "GatewayFile",
    "GatewayFileError",
    "HealthCheck",
    "LoadBalancer",
    "Network",
    "Quota",
    "RegionSettings",
    "RouteSpec",
    "Routing",
    "Service",
    "StageSettings",
    "Tier",
    "gateway_schema",
    "load_gateway",
    "load_gateway_file",
    "parse_gateway",
]


def __getattr__(name: str) -> Any:
    """Load the loader's names on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
