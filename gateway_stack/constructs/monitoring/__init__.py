"""Dashboards and alarms of a service API in its own stack (:class:`ServiceMonitoring`), and the
metrics, alarms and filters they are made of; the platform's gateway-wide dashboard builds on the
same pieces (:mod:`gateway_stack.gateway.platform.monitoring`). See ``docs/monitoring.md``."""

from gateway_stack.constructs.monitoring.alarms import AlarmThresholds, ApiAlarms, AuthorizerAlarms
from gateway_stack.constructs.monitoring.metrics import (
    ApiMetrics,
    AuthorizerMetrics,
    GatewaySearch,
    ThrottledRequests,
)
from gateway_stack.constructs.monitoring.service_dashboard import ServiceDashboard
from gateway_stack.constructs.monitoring.service_monitoring import ServiceMonitoring
from gateway_stack.constructs.monitoring.throttles import (
    AuthorizerFailuresFilter,
    ThrottledRequestsFilter,
)
from gateway_stack.constructs.monitoring.topic import AlarmTopic, alarm_topic_arn

__all__ = [
    "AlarmThresholds",
    "AlarmTopic",
    "ApiAlarms",
    "ApiMetrics",
    "AuthorizerAlarms",
    "AuthorizerFailuresFilter",
    "AuthorizerMetrics",
    "GatewaySearch",
    "ServiceDashboard",
    "ServiceMonitoring",
    "ThrottledRequests",
    "ThrottledRequestsFilter",
    "alarm_topic_arn",
]
