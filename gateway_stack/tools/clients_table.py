"""``make clients``: the clients, their tiers and the limits they get, from the gateway file."""

from __future__ import annotations

from gateway_stack.gateway.config import Gateway


def render_clients(gateway: Gateway) -> str:
    """Clients with their key names, tiers and limits, then the overrides, as Markdown."""
    prefix = gateway.api_key_name_prefix
    rows = []
    for client in sorted(gateway.clients, key=lambda c: c.id):
        tier = gateway.tiers[client.tier]
        quota = f"{tier.quota.limit}/{tier.quota.period}" if tier.quota else "none"
        rows.append(
            f"| {client.id} | {prefix}{client.id} | {client.tier} | {tier.rate_limit:g} "
            f"| {tier.burst_limit} | {quota} | {'yes' if client.enabled else 'no'} |"
        )
    lines = _table(
        None,
        "| client | API key name | tier | rate/s | burst | quota | key enabled |",
        "|---|---|---|---:|---:|---|---|",
        rows,
    )
    lines += _table(
        "Per-service overrides of a tier's limits (on that service's stage):",
        "| service | tier | rate/s | burst |",
        "|---|---|---:|---:|",
        [
            f"| {service.name} | {tier} | {limit.rate_limit:g} | {limit.burst_limit} |"
            for service in gateway.services
            for tier, limit in sorted(service.plan_throttles.items())
        ],
    )
    lines += _table(
        "Per-route limits of a tier:",
        "| tier | route | rate/s | burst |",
        "|---|---|---:|---:|",
        [
            f"| {name} | {key} | {limit.rate_limit:g} | {limit.burst_limit} |"
            for name, tier in sorted(gateway.tiers.items())
            for key, limit in sorted(tier.route_throttles.items())
        ],
    )
    unused = sorted(set(gateway.tiers) - {c.tier for c in gateway.clients})
    if unused:
        lines += ["", f"Tiers with no client: {', '.join(unused)}"]
    return "\n".join(lines)


def _table(title: str | None, header: str, rule: str, rows: list[str]) -> list[str]:
    """A Markdown table with an optional title; nothing when there are no rows (but a title)."""
    if not rows and title is not None:
        return []
    return ([] if title is None else ["", title, ""]) + [header, rule, *rows]
