"""The alarm thresholds in force for a service, checked against its integration timeout."""

from __future__ import annotations

from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.plan.problems import Problems
from gateway_stack.models.alarms import AlarmThresholds


def alarm_thresholds(
    gateway: Gateway, index: int, longest_timeout_ms: int | None, problems: Problems
) -> AlarmThresholds | None:
    """The thresholds of service ``index``'s alarms: the gateway's ``monitoring.alarms`` with
    the service's ``alarms`` on top; ``None`` when the service switches its alarms off (or
    they contradict each other: a problem then).

    A fixed p99 latency threshold must not exceed the API's longest integration timeout
    (``longest_timeout_ms``, when known): requests would time out before the alarm fires.
    """
    service = gateway.services[index]
    if not service.alarms.enabled:
        return None
    where = ("services", index, "alarms")
    try:
        merged = service.alarms.over(gateway.monitoring.alarms)
    except ValueError as error:
        reason = error.errors()[0]["msg"] if hasattr(error, "errors") else str(error)
        problems.at(where, f"with monitoring.alarms, {reason.removeprefix('Value error, ')}")
        return None
    latency = merged.latency_p99_ms
    if longest_timeout_ms is not None and latency is not None and latency > longest_timeout_ms:
        own = service.alarms.latency_p99_ms is not None
        problems.at(
            (*where, "latency_p99_ms") if own else ("monitoring", "alarms", "latency_p99_ms"),
            f"{latency} ms is over service {service.name!r}'s longest integration timeout "
            f"({longest_timeout_ms} ms): requests time out before the alarm could fire; set at "
            f"most {longest_timeout_ms}"
            + ("" if own else f" (or give {problems.where(where)} its own threshold)"),
        )
    return merged
