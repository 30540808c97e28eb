"""``GatewayDashboard``: the dashboard of a whole gateway environment, in the platform stack."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from constructs import Construct

from gateway_stack.constructs.monitoring.metrics import (
    PERCENTILES,
    AuthorizerMetrics,
    GatewaySearch,
    ThrottledRequests,
)
from gateway_stack.constructs.monitoring.widgets import (
    FULL_WIDTH,
    GRAPH_HEIGHT,
    GRAPH_WIDTH,
    authorizer_graphs,
    graph,
    header,
)
from gateway_stack.gateway.platform.health_check import (
    ROUTE53_METRICS_REGION,
    RegionHealthCheck,
    health_check_metric,
)


class GatewayDashboard(Construct):
    """Every service API of the gateway, and the shared authorizer, on one dashboard.

    It lists no service: each API graph is a CloudWatch ``SEARCH`` on the gateway's API name
    prefix and stage (:class:`.GatewaySearch`), so a new service
    shows up without a change to the platform stack. Widgets, three to a row under a title:

    1. **requests**, **4XX** and **5XX**: the gateway's total and one line per API;
    2. **latency** of the slowest API (the highest p50/p90/p99 of any API, period by period),
       **p99 latency by API**, **integration latency** of the slowest API;
    3. **integration latency p99 by API**, **cache** hits and misses (totals), **throttled
       requests** (429s) by base path;
    4. the authorizer's **errors, throttles, failures and 401 answers**, its **duration**
       p50/p90/p99, and the state of its alarms (when there are any).

    Percentiles of several APIs cannot be added up: the gateway-wide latency lines are the
    worst API's, and the per-API lines say which one it is.

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        dashboard_name: the dashboard's name (``GatewayNames.dashboard``).
        apis: the gateway's API metrics, by search.
        throttled: the gateway's 429 metrics.
        authorizer: the shared authorizer's metrics.
        authorizer_alarms: the authorizer's alarms, whose state the dashboard shows. Default:
            none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        dashboard_name: str,
        apis: GatewaySearch,
        throttled: ThrottledRequests,
        authorizer: AuthorizerMetrics,
        authorizer_alarms: Sequence[cw.IAlarm] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cw.Dashboard(
            self,
            "Dashboard",
            dashboard_name=dashboard_name,
            default_interval=Duration.hours(6),
        )
        self.dashboard.add_widgets(
            header(
                f"## Gateway {dashboard_name}: every API\n\n"
                f"APIs named `{apis.api_name_prefix}-*`, stage `{apis.stage}`, found by search: "
                "a new service appears here by itself. Each service has its own dashboard, "
                f"named like its API (`{apis.api_name_prefix}-<service>`)."
            )
        )
        self.dashboard.add_widgets(
            *(
                graph(
                    title,
                    [apis.total(metric, "All APIs"), apis.by_api(metric, "Sum")],
                    unit=unit,
                )
                for title, metric, unit in (
                    ("Requests", "Count", "requests"),
                    ("4XX responses", "4XXError", "responses"),
                    ("5XX responses", "5XXError", "responses"),
                )
            )
        )
        self.dashboard.add_widgets(
            graph(
                "Latency, slowest API",
                [apis.slowest("Latency", p, f"Latency {p}") for p in PERCENTILES],
                unit="ms",
            ),
            graph("Latency p99 by API", [apis.by_api("Latency", "p99")], unit="ms"),
            graph(
                "Integration latency, slowest API",
                [apis.slowest("IntegrationLatency", p, f"Integration {p}") for p in PERCENTILES],
                unit="ms",
            ),
        )
        self.dashboard.add_widgets(
            graph(
                "Integration latency p99 by API",
                [apis.by_api("IntegrationLatency", "p99")],
                unit="ms",
            ),
            graph(
                "Cache",
                [
                    apis.total("CacheHitCount", "Cache hits"),
                    apis.total("CacheMissCount", "Cache misses"),
                ],
                unit="requests",
            ),
            graph(
                "Throttled requests (429) by base path", [throttled.by_base_path()], unit="requests"
            ),
        )
        self.dashboard.add_widgets(
            *authorizer_graphs(authorizer, "Authorizer"),
            *(
                [
                    cw.AlarmStatusWidget(
                        alarms=list(authorizer_alarms),
                        title="Authorizer alarms",
                        width=FULL_WIDTH // 3,
                        height=6,
                    )
                ]
                if authorizer_alarms
                else []
            ),
        )

    def add_region_health(self, health: RegionHealthCheck, region: str) -> None:
        """A row for the region's Route 53 health check: its status (1 healthy, 0 unhealthy)
        and that of each check it combines, the share of Route 53's checkers that reach the
        region's own name, and the state of the alarm it watches (when there is one).

        Route 53 publishes these metrics in us-east-1 only; the graphs read them there,
        whatever region the dashboard is in.

        Args:
            health: the region's health check.
            region: the region's code, for the title.
        """
        self.dashboard.add_widgets(
            header(
                f"## Region {region}: Route 53 health check `{health.name}`\n\n"
                "While it is unhealthy, Route 53 leaves this region out of the gateway's "
                f"names (metrics from {ROUTE53_METRICS_REGION}, where Route 53 publishes them; "
                "runbook: docs/regions-dns.md)."
            )
        )
        widgets: list[cw.IWidget] = [
            graph(
                "Health check status (1 healthy)",
                [
                    health_check_metric(check, "HealthCheckStatus", "Minimum", label)
                    for label, check in health.checks
                ],
                unit="status",
            ),
            graph(
                "Checkers reaching the region (%)",
                [
                    health_check_metric(
                        health.endpoint, "HealthCheckPercentageHealthy", "Average", "HTTPS"
                    )
                ],
                unit="%",
            ),
        ]
        if health.alarm is not None:
            widgets.append(
                cw.AlarmStatusWidget(
                    alarms=[health.alarm],
                    title="Alarm the health check watches",
                    width=GRAPH_WIDTH,
                    height=GRAPH_HEIGHT,
                )
            )
        self.dashboard.add_widgets(*widgets)
