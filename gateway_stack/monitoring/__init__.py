"""Dashboards and alarms: a gateway-wide dashboard and the authorizer's alarms in the platform
stack (:class:`GatewayMonitoring`), a dashboard and alarms per service API in its own stack
(:class:`ServiceMonitoring`). See ``docs/monitoring.md``."""

from .alarms import AlarmThresholds, ApiAlarms, AuthorizerAlarms
from .gateway_dashboard import GatewayDashboard
from .gateway_monitoring import GatewayMonitoring
from .metrics import ApiMetrics, AuthorizerMetrics, GatewaySearch, ThrottledRequests
from .service_dashboard import ServiceDashboard
from .service_monitoring import ServiceMonitoring
from .throttles import AuthorizerFailuresFilter, ThrottledRequestsFilter
from .topic import AlarmTopic, alarm_topic_arn

__all__ = [
    "AlarmThresholds",
    "AlarmTopic",
    "ApiAlarms",
    "ApiMetrics",
    "AuthorizerAlarms",
    "AuthorizerFailuresFilter",
    "AuthorizerMetrics",
    "GatewayDashboard",
    "GatewayMonitoring",
    "GatewaySearch",
    "ServiceDashboard",
    "ServiceMonitoring",
    "ThrottledRequests",
    "ThrottledRequestsFilter",
    "alarm_topic_arn",
]
