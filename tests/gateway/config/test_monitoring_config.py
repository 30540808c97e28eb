"""The gateway file's ``monitoring`` section and services' ``alarms``: defaults, merging, and
mistakes named with file, field and rule; the constructs' own checks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
import yaml

from gateway_stack.constructs.monitoring import AlarmThresholds, ServiceMonitoring
from gateway_stack.constructs.service_api import BackendRef, ServiceApi, StageConfig
from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config import GatewayFileError, load_gateway, parse_gateway
from gateway_stack.gateway.config.monitoring import ServiceAlarms
from gateway_stack.gateway.plan import GatewayPlanError, plan_gateway
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi import GatewaySettings, PrivateIntegration, from_routes
from gateway_stack.openapi.routes import RouteOptions, parse_route

ROOT = Path(__file__).resolve().parents[3]


def errors_of(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi")
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(GatewayFileError) as caught:
        load_gateway(path)
    return [m.removeprefix(f"{path}: ") for m in caught.value.messages]


def test_monitoring_is_on_by_default_with_the_documented_thresholds(
    gateway_data: dict[str, Any],
) -> None:
    del gateway_data["monitoring"]
    for service in gateway_data["services"]:
        service.pop("alarms", None)
    gateway = parse_gateway(gateway_data)
    assert gateway.monitoring.dashboards is True
    assert gateway.monitoring.alarm_topic_arn is None
    assert (
        gateway.monitoring.authorizer_alarms.errors,
        gateway.monitoring.authorizer_alarms.throttles,
    ) == (1, 1)
    # The thresholds' one table of defaults (pinned in tests/models/test_alarms.py).
    (deployment,) = plan_gateway(gateway, ROOT / "config").deployments
    for service in deployment.services:
        assert service.alarms == AlarmThresholds()


def test_a_service_override_keeps_the_gateways_other_values() -> None:
    defaults = AlarmThresholds(server_error_rate_percent=2, min_requests=100, latency_p99_ms=4000)
    merged = ServiceAlarms(client_error_rate_percent=40).over(defaults)
    assert (merged.server_error_rate_percent, merged.client_error_rate_percent) == (2, 40)
    assert (merged.min_requests, merged.latency_p99_ms) == (100, 4000)
    # A share of the timeout given by the service replaces the gateway's fixed value...
    assert ServiceAlarms(latency_p99_timeout_percent=50).over(defaults).latency_p99_ms is None
    # ... and a fixed value given by the service replaces the gateway's share.
    shared = AlarmThresholds(latency_p99_timeout_percent=60)
    fixed = ServiceAlarms(latency_p99_ms=900).over(shared)
    assert (fixed.latency_p99_ms, fixed.latency_p99_timeout_percent) == (900, None)
    # The sections survive a round trip (the file as the model dumps it loads the same).
    assert AlarmThresholds.model_validate(defaults.model_dump()) == defaults
    assert ServiceAlarms.model_validate(ServiceAlarms().model_dump()) == ServiceAlarms()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: d["monitoring"]["alarms"].update(server_error_rate_percent=0),
            "monitoring.alarms.server_error_rate_percent: must be greater than 0 (got 0)",
            id="rate-zero",
        ),
        pytest.param(
            lambda d: d["monitoring"]["alarms"].update(client_error_rate_percent=150),
            "monitoring.alarms.client_error_rate_percent: must be at most 100 (got 150)",
            id="rate-over-100",
        ),
        pytest.param(
            lambda d: d["monitoring"]["alarms"].update(min_requests=0),
            "monitoring.alarms.min_requests: must be at least 1 (got 0)",
            id="min-requests",
        ),
        pytest.param(
            lambda d: d["monitoring"]["alarms"].update(evaluation_periods=300),
            "monitoring.alarms.evaluation_periods: must be at most 288 (got 300)",
            id="periods-over-a-day",
        ),
        pytest.param(
            lambda d: d["monitoring"]["alarms"].update(evaluation_periods=2, datapoints_to_alarm=3),
            "monitoring.alarms: datapoints_to_alarm (3) must be at most evaluation_periods (2)",
            id="datapoints-over-periods",
        ),
        pytest.param(
            lambda d: d["services"][2]["alarms"].update(latency_p99_timeout_percent=50),
            "services[2].alarms: give latency_p99_ms (a fixed threshold) or "
            "latency_p99_timeout_percent (a share of the integration timeout), not both",
            id="latency-two-ways",
        ),
        pytest.param(
            lambda d: d["services"][0].update(alarms={"enabled": "maybe"}),
            "services[0].alarms.enabled: must be true or false (without quotes), not the text "
            "'maybe'",
            id="enabled-not-boolean",
        ),
        pytest.param(
            lambda d: d["services"][0].update(alarms={"latency_p99": 100}),
            "services[0].alarms.latency_p99: unknown key 'latency_p99' (did you mean "
            "'latency_p99_ms'?)",
            id="unknown-key",
        ),
        pytest.param(
            lambda d: d["monitoring"].update(alarm_topic_arn="arn:aws:sns:eu-west-1:1234:pager"),
            "monitoring.alarm_topic_arn: not an SNS topic ARN: expected arn:aws:sns:<region>:"
            "<account>:<topic name> (not FIFO)",
            id="topic-arn",
        ),
        pytest.param(
            lambda d: d["monitoring"].update(
                alarm_topic_arn="arn:aws:sns:eu-west-1:123456789012:pager.fifo"
            ),
            "monitoring.alarm_topic_arn: not an SNS topic ARN",
            id="fifo-topic",
        ),
        pytest.param(
            lambda d: d["monitoring"]["authorizer_alarms"].update(errors=0),
            "monitoring.authorizer_alarms.errors: must be at least 1 (got 0)",
            id="authorizer-errors",
        ),
    ],
)
def test_mistakes_name_the_field_and_the_rule(
    tmp_path: Path, gateway_data: dict[str, Any], change: Any, expected: str
) -> None:
    gateway_data["monitoring"].setdefault("authorizer_alarms", {})
    change(gateway_data)
    messages = errors_of(tmp_path, gateway_data)
    assert any(m.startswith(expected) for m in messages), messages


def test_a_service_override_that_contradicts_the_gateways_defaults_is_refused(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["monitoring"]["alarms"].update(evaluation_periods=5, datapoints_to_alarm=4)
    gateway_data["services"][1]["alarms"] = {"evaluation_periods": 3}
    messages = errors_of(tmp_path, gateway_data)
    (message,) = [m for m in messages if m.startswith("services[1].alarms")]
    text, _, line = message.rpartition(" (line ")
    assert text == (
        "services[1].alarms: with monitoring.alarms, datapoints_to_alarm (4) must be at most "
        "evaluation_periods (3): an alarm fires when datapoints_to_alarm of evaluation_periods "
        "periods breach"
    )
    # The line is the service's alarms mapping, where the override is.
    lines = (tmp_path / "gateway.yaml").read_text().splitlines()
    assert lines[int(line.rstrip(")")) - 1].strip() == "evaluation_periods: 3"


def test_a_latency_threshold_over_the_timeout_is_refused_by_the_plan(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["services"][1]["alarms"] = {"latency_p99_ms": 6000}  # inventory: 5000 ms
    with pytest.raises(GatewayPlanError) as caught:
        plan_gateway(parse_gateway(gateway_data), ROOT / "config")
    assert caught.value.messages == (
        "<gateway>: services[1].alarms.latency_p99_ms: 6000 ms is over service 'inventory''s "
        "longest integration timeout (5000 ms): requests time out before the alarm could fire; "
        "set at most 5000",
    )


# -- the constructs, as a service team uses them ------------------------------------------------


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        ({"server_error_rate_percent": 0}, r"server_error_rate_percent\n.*greater than 0"),
        ({"latency_p99_timeout_percent": 120}, r"latency_p99_timeout_percent\n.*or equal to 100"),
        ({"min_requests": 0}, r"min_requests\n.*greater than or equal to 1"),
        ({"evaluation_periods": 289}, r"evaluation_periods\n.*less than or equal to 288"),
        ({"datapoints_to_alarm": 4}, r"datapoints_to_alarm \(4\) must be at most evaluation_"),
    ],
)
def test_thresholds_in_code_are_checked(thresholds: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        AlarmThresholds(**thresholds)


def test_the_latency_threshold_is_a_share_of_the_timeout_or_a_fixed_value() -> None:
    assert AlarmThresholds().latency_threshold_ms(29000) == 23200
    assert AlarmThresholds(latency_p99_timeout_percent=50).latency_threshold_ms(5000) == 2500
    assert AlarmThresholds(latency_p99_ms=1200).latency_threshold_ms(5000) == 1200


def test_the_integration_timeout_is_the_longest_of_the_apis_routes() -> None:
    settings = GatewaySettings(integration=PrivateIntegration(port=8080, timeout_ms=3000))
    routes = [
        parse_route("GET /a"),  # the integration's 3000
        parse_route("POST /b", RouteOptions(timeout_ms=8000)),
        parse_route("PUT /b", RouteOptions(mock=True, example={})),  # a mock: not counted
    ]
    assert from_routes(routes, settings, "t").longest_timeout_ms == 8000
    mocks = [parse_route("GET /m", RouteOptions(mock=True, example={}))]
    assert from_routes(mocks, settings, "t").longest_timeout_ms == 29000


def _team_api(*, mapped: bool, timeout_ms: int = 8000) -> ServiceApi:
    app = cdk.App()
    stack = cdk.Stack(
        app, "acme-dev-svc-team", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    api = ServiceApi(
        stack,
        "Team",
        service_name="team",
        api_name_prefix="acme-dev-",
        backend=BackendRef(vpc_link_id="vpclink", host="nlb.example.com"),
        integration=PrivateIntegration(port=8080, timeout_ms=timeout_ms),
        stage=StageConfig(name="dev"),
        routes=[
            parse_route("GET /items"),
            parse_route("POST /items", RouteOptions(timeout_ms=12000)),
        ],
    )
    if mapped:
        api.add_api_mapping("api.example.com", "team")
    return api


def test_service_monitoring_reads_the_timeout_and_base_paths_from_the_api() -> None:
    api = _team_api(mapped=True)
    monitoring = ServiceMonitoring(
        api.node.scope, "Monitoring", api=api, names=GatewayNames("acme", "dev")
    )
    assert monitoring.integration_timeout_ms == 12000  # the POST route's own timeout
    assert monitoring.alarms is not None
    assert monitoring.alarms.latency_threshold_ms == 9600
    assert (monitoring.metrics.api_name, monitoring.metrics.stage) == ("acme-dev-team", "dev")


def test_service_monitoring_takes_the_timeout_when_given() -> None:
    api = _team_api(mapped=True)
    monitoring = ServiceMonitoring(
        api.node.scope,
        "Monitoring",
        api=api,
        names=GatewayNames("acme", "dev"),
        integration_timeout_ms=20000,
    )
    assert monitoring.integration_timeout_ms == 20000
    assert monitoring.alarms is not None
    assert monitoring.alarms.latency_threshold_ms == 16000


def test_service_monitoring_needs_the_apis_base_paths() -> None:
    api = _team_api(mapped=False)
    with pytest.raises(GatewayStackError, match=r"create it after ServiceApi\.add_api_mapping"):
        ServiceMonitoring(api.node.scope, "Monitoring", api=api, names=GatewayNames("acme", "dev"))
