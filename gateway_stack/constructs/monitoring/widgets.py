"""Widget helpers shared by the dashboards: one size of graph, three to a row."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cloudwatch as cw

from gateway_stack.constructs.monitoring.metrics import PERCENTILES, AuthorizerMetrics

#: A dashboard is 24 units wide: three graphs to a row.
GRAPH_WIDTH = 8
GRAPH_HEIGHT = 6
FULL_WIDTH = 24


def graph(
    title: str,
    left: Sequence[cw.IMetric],
    *,
    unit: str | None = None,
    thresholds: Sequence[cw.HorizontalAnnotation] = (),
) -> cw.GraphWidget:
    """A time-series graph of 8 x 6 units: ``left`` on the left axis, which starts at 0 and is
    labelled ``unit``, with ``thresholds`` as horizontal lines."""
    return cw.GraphWidget(
        title=title,
        left=list(left),
        left_y_axis=cw.YAxisProps(min=0, label=unit, show_units=False),
        left_annotations=list(thresholds),
        width=GRAPH_WIDTH,
        height=GRAPH_HEIGHT,
    )


def threshold(value: float, label: str) -> cw.HorizontalAnnotation:
    """A red horizontal line at a limit: an alarm's threshold, a timeout."""
    return cw.HorizontalAnnotation(value=value, label=label, color=cw.Color.RED)


def header(markdown: str, height: int = 2) -> cw.TextWidget:
    """A full-width text widget."""
    return cw.TextWidget(markdown=markdown, width=FULL_WIDTH, height=height)


def authorizer_graphs(authorizer: AuthorizerMetrics, title: str) -> tuple[cw.GraphWidget, ...]:
    """The shared authorizer's two graphs, ``<title>: errors`` (failures, throttles, 401
    answers, Lambda's errors) and ``<title>: duration`` (p50, p90, p99)."""
    return (
        graph(
            f"{title}: errors",
            [
                authorizer.failures(),
                authorizer.throttles(),
                authorizer.unauthorized(),
                authorizer.errors(),
            ],
            unit="invocations",
        ),
        graph(
            f"{title}: duration",
            [authorizer.duration(p) for p in PERCENTILES],
            unit="ms",
        ),
    )
