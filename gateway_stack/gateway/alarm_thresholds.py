"""What the gateway file's ``monitoring`` section and services' ``alarms`` mean to the
constructs: the thresholds in force for a service."""

from __future__ import annotations

from gateway_stack.constructs.monitoring.alarms import AlarmThresholds
from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import Gateway, Service


def service_alarm_thresholds(gateway: Gateway, service: Service) -> AlarmThresholds | None:
    """The thresholds of ``service``'s alarms: the gateway's ``monitoring.alarms`` with the
    service's ``alarms`` on top; ``None`` when the service switches its alarms off.

    Raises:
        GatewayStackError: the merged thresholds contradict each other.
    """
    if not service.alarms.enabled:
        return None
    where = f"services[{gateway.services.index(service)}].alarms"
    try:
        merged = service.alarms.over(gateway.monitoring.alarms)
    except ValueError as error:
        reason = error.errors()[0]["msg"] if hasattr(error, "errors") else str(error)
        raise GatewayStackError(
            [f"{where}: with monitoring.alarms, {reason.removeprefix('Value error, ')}"]
        ) from None
    return AlarmThresholds(**merged.model_dump(exclude_none=True))
