"""What the gateway file's ``monitoring`` section and services' ``alarms`` mean to the
constructs: the thresholds in force for a service."""

from __future__ import annotations

from pydantic import ValidationError

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import Gateway, Service
from gateway_stack.models.alarms import AlarmThresholds


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
        return service.alarms.over(gateway.monitoring.alarms)
    except ValidationError as error:
        reason = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise GatewayStackError([f"{where}: with monitoring.alarms, {reason}"]) from None
