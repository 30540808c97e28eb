"""Changes a pull request makes to the example gateway file, as functions of its parsed data.

Shared by the logical-id stability tests and the review tests: each takes a fresh copy of the
example's data (the ``gateway_data`` fixture) and changes it in place.
"""

from __future__ import annotations

from typing import Any

Data = dict[str, Any]


def service(data: Data, name: str) -> Data:
    """The entry of service ``name``."""
    found: Data = next(s for s in data["services"] if s["name"] == name)
    return found


def add_service(data: Data) -> None:
    """A new proxy service on a load balancer port already in use (the platform is unchanged)."""
    data["services"].append(
        {
            "name": "search",
            "base_path": "billing/v3",  # allowed by the example's "billing/v*"
            "backend": {"load_balancer": "billing", "port": 8443},
        }
    )


def remove_service(data: Data, name: str = "billing") -> None:
    """A service taken out of the file."""
    data["services"] = [s for s in data["services"] if s["name"] != name]


def reorder_services(data: Data) -> None:
    """The services listed the other way round."""
    data["services"].reverse()


def add_client(data: Data) -> None:
    """A new client in the bronze tier, listed first."""
    data["clients"].insert(0, {"id": "partner-initech", "tier": "bronze"})


def remove_client(data: Data, client: str = "mobile-app") -> None:
    """A client taken out of the file."""
    data["clients"] = [c for c in data["clients"] if c["id"] != client]


def reorder_clients(data: Data) -> None:
    """The clients listed the other way round."""
    data["clients"].reverse()


def add_route(data: Data) -> None:
    """A route added to inventory's route list, needing a scope."""
    service(data, "inventory")["routes"].insert(
        0, {"route": "DELETE /items/{sku}", "scopes": ["inventory:admin"]}
    )


def change_throttle(data: Data) -> None:
    """Gold clients get more of ``orders POST /orders``."""
    data["tiers"]["gold"]["route_throttles"]["orders POST /orders"] = {
        "rate_limit": 30,
        "burst_limit": 60,
    }


def change_backend(data: Data) -> None:
    """Inventory moves to another port of its load balancer."""
    service(data, "inventory")["backend"]["port"] = 8082


def rename_keys(data: Data) -> None:
    """A new API key name prefix: API Gateway replaces every client's key."""
    data["auth"]["api_key_name_prefix"] = "acme-"


def remove_alias(data: Data, name: str = "api.example.net") -> None:
    """A domain alias taken out of the file: its certificate, domain name, records and every
    service's mapping on it go."""
    data["domain"]["aliases"] = [a for a in data["domain"]["aliases"] if a["name"] != name]
