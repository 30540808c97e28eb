"""``ServiceDashboard``: one service API's CloudWatch dashboard, in the service's stack."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from constructs import Construct

from gateway_stack.constructs.monitoring.alarms import ApiAlarms
from gateway_stack.constructs.monitoring.metrics import PERCENTILES, ApiMetrics, AuthorizerMetrics
from gateway_stack.constructs.monitoring.widgets import (
    FULL_WIDTH,
    authorizer_graphs,
    graph,
    header,
    threshold,
)


class ServiceDashboard(Construct):
    """A dashboard of one service API stage, and of the authorizer it shares with the others.

    Widgets, three to a row under a title:

    1. **Requests** (``Count``); **4XX and 5XX** (counts); **error rates** (% of requests, with
       the alarms' thresholds);
    2. **Latency** p50/p90/p99 (with the p99 alarm's threshold); **integration latency**
       p50/p90/p99 (with the integration timeout); **cache** hits and misses;
    3. **Throttled requests** (429s, from the access log); the authorizer's **errors, throttles,
       failures and 401 answers**; the authorizer's **duration** p50/p90/p99;
    4. the alarms' states, when the service has alarms.

    Args:
        scope: parent construct.
        construct_id: construct id.
        dashboard_name: the dashboard's name (the API's name).
        api: the API stage's metrics.
        authorizer: the shared authorizer's metrics.
        throttled: the 429 metrics of the API (one per base path).
        integration_timeout_ms: the API's longest integration timeout.
        alarms: the API's alarms. Default: none (error rates are shown for every period).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        dashboard_name: str,
        api: ApiMetrics,
        authorizer: AuthorizerMetrics,
        throttled: Sequence[cw.IMetric],
        integration_timeout_ms: int,
        alarms: ApiAlarms | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cw.Dashboard(
            self,
            "Dashboard",
            dashboard_name=dashboard_name,
            default_interval=Duration.hours(6),
        )
        guard = alarms.thresholds.min_requests if alarms else 1
        rates = [
            api.error_rate(api.client_errors(), guard, "4XX %"),
            api.error_rate(api.server_errors(), guard, "5XX %"),
        ]
        rate_lines, latency_lines = [], []
        if alarms is not None:
            t = alarms.thresholds
            rate_lines = [
                threshold(t.client_error_rate_percent, "4XX alarm"),
                threshold(t.server_error_rate_percent, "5XX alarm"),
            ]
            latency_lines = [threshold(alarms.latency_threshold_ms, "p99 alarm")]
        self.dashboard.add_widgets(header(_title(api, alarms, guard)))
        self.dashboard.add_widgets(
            graph("Requests", [api.requests()], unit="requests"),
            graph("4XX and 5XX", [api.client_errors(), api.server_errors()], unit="responses"),
            graph("Error rates", rates, unit="% of requests", thresholds=rate_lines),
        )
        self.dashboard.add_widgets(
            graph(
                "Latency",
                [api.latency(p) for p in PERCENTILES],
                unit="ms",
                thresholds=latency_lines,
            ),
            graph(
                "Integration latency",
                [api.integration_latency(p) for p in PERCENTILES],
                unit="ms",
                thresholds=[threshold(integration_timeout_ms, "integration timeout")],
            ),
            graph("Cache", [api.cache_hits(), api.cache_misses()], unit="requests"),
        )
        self.dashboard.add_widgets(
            graph("Throttled requests (429)", throttled, unit="requests"),
            *authorizer_graphs(authorizer, "Authorizer (shared)"),
        )
        if alarms is not None:
            self.dashboard.add_widgets(
                cw.AlarmStatusWidget(
                    alarms=list(alarms.alarms), title="Alarms", width=FULL_WIDTH, height=3
                )
            )


def _title(api: ApiMetrics, alarms: ApiAlarms | None, guard: int) -> str:
    lines = [f"## {api.api_name} (stage {api.stage})"]
    if alarms is None:
        lines.append("No alarms for this service. Rates are of every 5-minute period.")
    else:
        t = alarms.thresholds
        lines.append(
            f"Alarms: 5XX above {t.server_error_rate_percent:g}% of requests, 4XX above "
            f"{t.client_error_rate_percent:g}%, p99 latency at or above "
            f"{alarms.latency_threshold_ms:g} ms; periods of 5 minutes with at least {guard} "
            "requests (quieter periods read as 0)."
        )
    return "\n\n".join(lines)
