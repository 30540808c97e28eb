"""Dashboards: the gateway-wide one (by search, naming no service) and one per service."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from tests.gateway.dashboards import dashboards, lines, titles, widget
from tests.gateway.stacks import build, templates

#: CloudWatch search over the gateway's APIs: the prefix's tokens in a row, the stage exactly.
SEARCH = (
    'SEARCH(\'{{AWS/ApiGateway,ApiName,Stage}} MetricName="{}" ApiName=acme-dev '
    "Stage=\"dev\"', '{}', 300)"
)
AUTHORIZER = ("AWS/Lambda", {"FunctionName": "acme-dev-authorizer"})


@pytest.fixture(scope="module")
def all_templates(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


@pytest.fixture(scope="module")
def gateway(all_templates: dict[str, Template]) -> dict[str, Any]:
    (body,) = dashboards(all_templates["acme-dev-platform"]).values()
    return body


def service(all_templates: dict[str, Template], name: str) -> dict[str, Any]:
    found = dashboards(all_templates[f"acme-dev-svc-{name}"])
    assert list(found) == [f"acme-dev-{name}"]
    return found[f"acme-dev-{name}"]


def search(metric: str, statistic: str) -> str:
    return SEARCH.format(metric, statistic)


# -- the gateway-wide dashboard ------------------------------------------------------------------


def test_gateway_dashboard_is_named_after_the_gateway_and_shows_every_concern(
    all_templates: dict[str, Template], gateway: dict[str, Any]
) -> None:
    assert list(dashboards(all_templates["acme-dev-platform"])) == ["acme-dev"]
    assert titles(gateway) == [
        "Requests",
        "4XX responses",
        "5XX responses",
        "Latency, slowest API",
        "Latency p99 by API",
        "Integration latency, slowest API",
        "Integration latency p99 by API",
        "Cache",
        "Throttled requests (429) by base path",
        "Authorizer: errors",
        "Authorizer: duration",
        "Authorizer alarms",
    ]


@pytest.mark.parametrize(
    ("title", "metric"),
    [("Requests", "Count"), ("4XX responses", "4XXError"), ("5XX responses", "5XXError")],
)
def test_gateway_counts_are_a_total_and_one_line_per_api_found_by_search(
    gateway: dict[str, Any], title: str, metric: str
) -> None:
    assert lines(widget(gateway, title)) == [
        {"expression": f"SUM({search(metric, 'Sum')})", "label": "All APIs"},
        {"expression": search(metric, "Sum"), "label": None},
    ]


def test_gateway_latency_is_the_slowest_apis_percentiles_and_p99_by_api(
    gateway: dict[str, Any],
) -> None:
    for metric, title, label in (
        ("Latency", "Latency", "Latency"),
        ("IntegrationLatency", "Integration latency", "Integration"),
    ):
        assert lines(widget(gateway, f"{title}, slowest API")) == [
            {"expression": f"MAX({search(metric, p)})", "label": f"{label} {p}"}
            for p in ("p50", "p90", "p99")
        ]
        assert lines(widget(gateway, f"{title} p99 by API")) == [
            {"expression": search(metric, "p99"), "label": None}
        ]


def test_gateway_cache_and_throttled_requests(gateway: dict[str, Any]) -> None:
    assert lines(widget(gateway, "Cache")) == [
        {"expression": f"SUM({search('CacheHitCount', 'Sum')})", "label": "Cache hits"},
        {"expression": f"SUM({search('CacheMissCount', 'Sum')})", "label": "Cache misses"},
    ]
    # The access-log metric, in the gateway's own namespace, one line per base path.
    assert lines(widget(gateway, "Throttled requests (429) by base path")) == [
        {
            "expression": 'SEARCH(\'{"GatewayStack/acme-dev",BasePath} '
            "MetricName=\"ThrottledRequests\"', 'Sum', 300)",
            "label": None,
        }
    ]


def test_gateway_authorizer_widgets(
    all_templates: dict[str, Template], gateway: dict[str, Any]
) -> None:
    namespace, by_name = AUTHORIZER
    errors = lines(widget(gateway, "Authorizer: errors"))
    assert errors[0]["label"] == "Failures (500s for the authorizer, its bugs)"
    assert errors[0]["expression"] == "FILL(failed, 0) + FILL(internal, 0)"
    assert errors[1:] == [
        {"metric": (namespace, "Throttles", by_name), "stat": "Sum", "label": "Throttles"},
        {
            "metric": (
                "GatewayStack/Authorizer",
                "Unauthorized",
                {"service": "acme-dev-authorizer"},
            ),
            "stat": "Sum",
            "label": "401 answers",
        },
        {
            "metric": (namespace, "Errors", by_name),
            "stat": "Sum",
            "label": "Errors (401s included)",
        },
    ]
    assert lines(widget(gateway, "Authorizer: duration")) == [
        {"metric": (namespace, "Duration", by_name), "stat": p, "label": f"Duration {p}"}
        for p in ("p50", "p90", "p99")
    ]
    platform = all_templates["acme-dev-platform"]
    assert widget(gateway, "Authorizer alarms")["alarms"] == [
        f"${{{logical_id}.Arn}}" for logical_id in platform.find_resources("AWS::CloudWatch::Alarm")
    ]


def test_gateway_dashboard_names_no_service(all_templates: dict[str, Template]) -> None:
    (dashboard,) = (
        all_templates["acme-dev-platform"].find_resources("AWS::CloudWatch::Dashboard").values()
    )
    text = json.dumps(dashboard)
    for name in ("orders", "inventory", "billing"):
        assert name not in text


def test_gateway_search_uses_the_gateway_files_stage_name(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["stage"]["name"] = "live"
    (body,) = dashboards(templates(build(gateway_data, cdk_context))["acme-dev-platform"]).values()
    (total, _) = lines(widget(body, "Requests"))
    assert 'Stage="live"' in total["expression"]


# -- one dashboard per service --------------------------------------------------------------------


def test_service_dashboard_widgets(all_templates: dict[str, Template]) -> None:
    body = service(all_templates, "orders")
    assert titles(body) == [
        "Requests",
        "4XX and 5XX",
        "Error rates",
        "Latency",
        "Integration latency",
        "Cache",
        "Throttled requests (429)",
        "Authorizer (shared): errors",
        "Authorizer (shared): duration",
        "Alarms",
    ]
    assert "## acme-dev-orders (stage dev)" in body["widgets"][0]["properties"]["markdown"]


def test_service_dashboard_metrics_are_the_apis_own_by_name_and_stage(
    all_templates: dict[str, Template],
) -> None:
    body = service(all_templates, "inventory")
    api = {"ApiName": "acme-dev-inventory", "Stage": "dev"}

    def metric(name: str, stat: str, label: str) -> dict[str, Any]:
        return {"metric": ("AWS/ApiGateway", name, api), "stat": stat, "label": label}

    assert lines(widget(body, "Requests")) == [metric("Count", "Sum", "Requests")]
    assert lines(widget(body, "4XX and 5XX")) == [
        metric("4XXError", "Sum", "4XX"),
        metric("5XXError", "Sum", "5XX"),
    ]
    assert lines(widget(body, "Latency")) == [
        metric("Latency", p, f"Latency {p}") for p in ("p50", "p90", "p99")
    ]
    assert lines(widget(body, "Integration latency")) == [
        metric("IntegrationLatency", p, f"Integration {p}") for p in ("p50", "p90", "p99")
    ]
    assert lines(widget(body, "Cache")) == [
        metric("CacheHitCount", "Sum", "Cache hits"),
        metric("CacheMissCount", "Sum", "Cache misses"),
    ]
    assert lines(widget(body, "Throttled requests (429)")) == [
        {
            "metric": ("GatewayStack/acme-dev", "ThrottledRequests", {"BasePath": "inventory"}),
            "stat": "Sum",
            "label": "429 /inventory",
        }
    ]
    namespace, by_name = AUTHORIZER
    assert lines(widget(body, "Authorizer (shared): duration")) == [
        {"metric": (namespace, "Duration", by_name), "stat": p, "label": f"Duration {p}"}
        for p in ("p50", "p90", "p99")
    ]


def test_service_dashboard_draws_the_alarm_thresholds_and_the_timeout(
    all_templates: dict[str, Template],
) -> None:
    # inventory: timeout_ms 5000, the gateway's default thresholds (p99 at 80% of the timeout).
    body = service(all_templates, "inventory")
    rates = widget(body, "Error rates")
    assert [line["expression"] for line in lines(rates)] == [
        "IF(requests >= 50, 100 * errors4xxerror / requests, 0)",
        "IF(requests >= 50, 100 * errors5xxerror / requests, 0)",
    ]
    assert [(a["label"], a["value"]) for a in rates["annotations"]["horizontal"]] == [
        ("4XX alarm", 25),
        ("5XX alarm", 5),
    ]
    assert widget(body, "Latency")["annotations"]["horizontal"][0]["value"] == 4000
    timeout = widget(body, "Integration latency")["annotations"]["horizontal"][0]
    assert (timeout["label"], timeout["value"]) == ("integration timeout", 5000)
    # billing overrides: 1% of 5XX, p99 10 s.
    billing = service(all_templates, "billing")
    assert [a["value"] for a in widget(billing, "Error rates")["annotations"]["horizontal"]] == [
        25,
        1,
    ]
    assert widget(billing, "Latency")["annotations"]["horizontal"][0]["value"] == 10000


def test_service_dashboard_shows_its_alarms_states(all_templates: dict[str, Template]) -> None:
    body = service(all_templates, "orders")
    assert len(widget(body, "Alarms")["alarms"]) == 3
    template = all_templates["acme-dev-svc-orders"]
    ids = {
        f"${{{logical_id}.Arn}}" for logical_id in template.find_resources("AWS::CloudWatch::Alarm")
    }
    assert set(widget(body, "Alarms")["alarms"]) == ids


def test_a_service_without_alarms_has_a_dashboard_without_thresholds(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["services"][1]["alarms"] = {"enabled": False}
    template = templates(build(gateway_data, cdk_context))["acme-dev-svc-inventory"]
    template.resource_count_is("AWS::CloudWatch::Alarm", 0)
    body = dashboards(template)["acme-dev-inventory"]
    assert "Alarms" not in titles(body)
    assert "annotations" not in widget(body, "Error rates")
    assert [line["expression"] for line in lines(widget(body, "Error rates"))] == [
        "IF(requests >= 1, 100 * errors4xxerror / requests, 0)",
        "IF(requests >= 1, 100 * errors5xxerror / requests, 0)",
    ]


def test_dashboards_can_be_switched_off(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["monitoring"]["dashboards"] = False
    for name, template in templates(build(gateway_data, cdk_context)).items():
        template.resource_count_is("AWS::CloudWatch::Dashboard", 0)
        # Alarms stay: dashboards and alarms are switched separately.
        assert template.find_resources("AWS::CloudWatch::Alarm"), name
