"""``make clients``: the clients, their tiers and the limits they get, from the gateway file."""

from __future__ import annotations

from .config import Gateway


def render_clients(gateway: Gateway) -> str:
    """Tiers with their limits and clients, then per-service overrides, as Markdown."""
    prefix = gateway.api_key_name_prefix
    lines = [
        "| client | API key name | tier | rate/s | burst | quota | key enabled |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for client in sorted(gateway.clients, key=lambda c: c.id):
        tier = gateway.tiers[client.tier]
        quota = f"{tier.quota.limit}/{tier.quota.period}" if tier.quota else "none"
        lines.append(
            f"| {client.id} | {prefix}{client.id} | {client.tier} | {tier.rate_limit:g} "
            f"| {tier.burst_limit} | {quota} | {'yes' if client.enabled else 'no'} |"
        )
    overrides = [
        f"| {service.name} | {tier} | {limit.rate_limit:g} | {limit.burst_limit} |"
        for service in gateway.services
        for tier, limit in sorted(service.plan_throttles.items())
    ]
    if overrides:
        lines += [
            "",
            "Per-service overrides of a tier's limits (on that service's stage):",
            "",
            "| service | tier | rate/s | burst |",
            "|---|---|---:|---:|",
            *overrides,
        ]
    routes = [
        f"| {name} | {key} | {limit.rate_limit:g} | {limit.burst_limit} |"
        for name, tier in sorted(gateway.tiers.items())
        for key, limit in sorted(tier.route_throttles.items())
    ]
    if routes:
        lines += [
            "",
            "Per-route limits of a tier:",
            "",
            "| tier | route | rate/s | burst |",
            "|---|---|---:|---:|",
            *routes,
        ]
    unused = sorted(set(gateway.tiers) - {c.tier for c in gateway.clients})
    if unused:
        lines += ["", f"Tiers with no client: {', '.join(unused)}"]
    return "\n".join(lines)
