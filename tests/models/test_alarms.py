"""The one alarm-threshold model: its defaults (one table), its rules, and a service's partial
thresholds merged over the gateway's."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway_stack.constructs.monitoring import AlarmThresholds as ConstructThresholds
from gateway_stack.gateway.config import parse_gateway
from gateway_stack.gateway.config.monitoring import ServiceAlarms
from gateway_stack.models.alarms import AlarmOverrides, AlarmThresholds


def test_the_defaults_are_the_documented_ones() -> None:
    thresholds = AlarmThresholds()
    assert thresholds.model_dump() == {
        "server_error_rate_percent": 5,
        "client_error_rate_percent": 25,
        "latency_p99_timeout_percent": 80,
        "latency_p99_ms": None,
        "min_requests": 50,
        "evaluation_periods": 3,
        "datapoints_to_alarm": 2,
    }
    assert thresholds.latency_threshold_ms(29000) == 23200


def test_the_gateway_file_and_the_constructs_share_the_model(
    gateway_data: dict[str, Any],
) -> None:
    assert ConstructThresholds is AlarmThresholds
    del gateway_data["monitoring"]
    assert parse_gateway(gateway_data).monitoring.alarms == AlarmThresholds()


def test_a_fixed_latency_threshold_replaces_the_share_of_the_timeout() -> None:
    fixed = AlarmThresholds(latency_p99_ms=2000)
    assert (fixed.latency_p99_ms, fixed.latency_p99_timeout_percent) == (2000, None)
    assert fixed.latency_threshold_ms(5000) == 2000
    # A dump loads back to the same thresholds (the gateway file as the model writes it).
    assert AlarmThresholds.model_validate(fixed.model_dump()) == fixed
    with pytest.raises(ValueError, match="over the API's integration timeout"):
        fixed.latency_threshold_ms(1500)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"server_error_rate_percent": 0}, r"server_error_rate_percent\n.*greater than 0"),
        ({"client_error_rate_percent": 101}, r"client_error_rate_percent\n.*equal to 100"),
        ({"min_requests": 0}, r"min_requests\n.*greater than or equal to 1"),
        ({"latency_p99_ms": 0}, r"latency_p99_ms\n.*greater than or equal to 1"),
        ({"evaluation_periods": 289}, r"evaluation_periods\n.*less than or equal to 288"),
        (
            {"evaluation_periods": 2, "datapoints_to_alarm": 3},
            r"datapoints_to_alarm \(3\) must be at most evaluation_periods \(2\)",
        ),
        (
            {"latency_p99_ms": 900, "latency_p99_timeout_percent": 50},
            "give latency_p99_ms .* or latency_p99_timeout_percent .*, not both",
        ),
        ({"min_request": 10}, r"min_request\n.*Extra inputs are not permitted"),
    ],
)
def test_bad_thresholds_name_the_field_and_the_rule(values: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        AlarmThresholds(**values)


def test_overrides_replace_only_what_they_give() -> None:
    gateway = AlarmThresholds(server_error_rate_percent=2, min_requests=100, latency_p99_ms=4000)
    merged = gateway.with_overrides(AlarmOverrides(client_error_rate_percent=40))
    assert merged == AlarmThresholds(
        server_error_rate_percent=2,
        client_error_rate_percent=40,
        min_requests=100,
        latency_p99_ms=4000,
    )
    assert gateway.with_overrides(AlarmOverrides()) == gateway


def test_a_latency_override_replaces_the_gateways_whichever_way_each_is_given() -> None:
    fixed = AlarmThresholds(latency_p99_ms=4000)
    share = fixed.with_overrides(AlarmOverrides(latency_p99_timeout_percent=50))
    assert (share.latency_p99_timeout_percent, share.latency_p99_ms) == (50, None)
    shared = AlarmThresholds(latency_p99_timeout_percent=60)
    own = shared.with_overrides(AlarmOverrides(latency_p99_ms=900))
    assert (own.latency_p99_timeout_percent, own.latency_p99_ms) == (None, 900)
    assert own.latency_threshold_ms(1000) == 900


def test_overrides_that_contradict_the_gateways_values_are_refused() -> None:
    gateway = AlarmThresholds(evaluation_periods=5, datapoints_to_alarm=4)
    with pytest.raises(ValidationError, match=r"datapoints_to_alarm \(4\) must be at most"):
        gateway.with_overrides(AlarmOverrides(evaluation_periods=3))


def test_overrides_follow_the_thresholds_rules() -> None:
    with pytest.raises(ValidationError, match=r"min_requests\n.*greater than or equal to 1"):
        AlarmOverrides(min_requests=0)
    with pytest.raises(ValidationError, match="not both"):
        AlarmOverrides(latency_p99_ms=900, latency_p99_timeout_percent=50)


def test_every_threshold_can_be_overridden_per_service() -> None:
    assert set(AlarmOverrides.model_fields) == set(AlarmThresholds.model_fields)
    assert set(ServiceAlarms.model_fields) == {*AlarmThresholds.model_fields, "enabled"}


def test_a_service_of_the_gateway_file_merges_its_alarms_over_the_gateways(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["monitoring"]["alarms"] = {"server_error_rate_percent": 2, "min_requests": 10}
    gateway_data["services"][0]["alarms"] = {"min_requests": 200}
    gateway = parse_gateway(gateway_data)
    orders = gateway.services[0]
    merged = orders.alarms.over(gateway.monitoring.alarms)
    assert (merged.server_error_rate_percent, merged.min_requests) == (2, 200)
    assert merged.client_error_rate_percent == 25  # neither gives it: the one default
