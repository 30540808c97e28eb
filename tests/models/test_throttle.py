"""The one throttle model: its rules and their messages, in code and in a gateway file, and the
places that hold it (stage, route, tier, a service's plan override, the route table)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import ValidationError

from gateway_stack.constructs.stage import StageConfig
from gateway_stack.gateway.config import GatewayFileError, Tier, parse_gateway
from gateway_stack.gateway.config.schema import gateway_schema
from gateway_stack.models.throttle import DEFAULT_STAGE_THROTTLE, Throttle
from gateway_stack.openapi import (
    GatewaySettings,
    OpenApiDocumentError,
    PrivateIntegration,
    from_document,
    from_routes,
)
from gateway_stack.openapi.routes import RouteOptions, parse_route


def test_a_throttle_is_a_positive_rate_and_a_whole_burst() -> None:
    throttle = Throttle(rate_limit=0.5, burst_limit=1)
    assert (throttle.rate_limit, throttle.burst_limit) == (0.5, 1)
    assert str(throttle) == "0.5/1"
    assert str(Throttle(rate_limit=50, burst_limit=100)) == "50/100"
    # Frozen and hashable: a value, usable as a key and comparable.
    assert Throttle(rate_limit=50, burst_limit=100) == Throttle(rate_limit=50.0, burst_limit=100)
    assert len({Throttle(rate_limit=1, burst_limit=2), Throttle(rate_limit=1, burst_limit=2)}) == 1
    with pytest.raises(ValidationError, match="frozen"):
        throttle.rate_limit = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("values", "field", "rule"),
    [
        ({"rate_limit": 0, "burst_limit": 10}, "rate_limit", "greater than 0"),
        ({"rate_limit": -5, "burst_limit": 10}, "rate_limit", "greater than 0"),
        ({"rate_limit": math.inf, "burst_limit": 10}, "rate_limit", "finite number"),
        ({"rate_limit": 10, "burst_limit": -1}, "burst_limit", "lets no request through"),
        ({"rate_limit": 10, "burst_limit": 0}, "burst_limit", "lets no request through"),
        ({"rate_limit": 10, "burst_limit": 2.5}, "burst_limit", "a whole number, not 2.5"),
        ({"rate_limit": 10, "burst_limit": "20"}, "burst_limit", "not the text '20'"),
        ({"rate_limit": 10, "burst_limit": 2**31}, "burst_limit", "less than or equal to"),
        ({"rate_limit": 10}, "burst_limit", "Field required"),
        ({"rate_limit": True, "burst_limit": 10}, "rate_limit", "a number, not true"),
        ({"rate_limit": 10, "burst_limit": 5, "burst": 5}, "burst", "Extra inputs"),
    ],
)
def test_a_bad_throttle_in_code_names_the_field_and_the_rule(
    values: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(ValueError, match=rf"(?s)Throttle\n{field}\n.*{rule}"):
        Throttle(**values)


def test_the_stage_default_is_stated_once() -> None:
    assert Throttle(rate_limit=500, burst_limit=1000) == DEFAULT_STAGE_THROTTLE
    assert StageConfig(name="dev").throttle is DEFAULT_STAGE_THROTTLE


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            lambda d: d["stage"]["throttle"].update(rate_limit=0),
            "stage.throttle.rate_limit: must be greater than 0 (got 0)",
        ),
        (
            lambda d: d["tiers"]["gold"].update(burst_limit=-1),
            "tiers.gold.burst_limit: a burst of -1 lets no request through (every caller under "
            "this throttle would be answered 429): use 1 or more, usually at least the rate",
        ),
        (
            lambda d: d["services"][0].update(plan_throttles={"gold": {"rate_limit": 5}}),
            "services[0].plan_throttles.gold.burst_limit: required key is missing",
        ),
        (
            lambda d: d["services"][1].update(throttle={"rate_limit": 1, "burst_limit": 1.5}),
            "services[1].throttle.burst_limit: must be a whole number, not 1.5",
        ),
    ],
)
def test_a_bad_throttle_in_the_gateway_file_names_the_key_path_and_the_rule(
    gateway_data: dict[str, Any], where: Any, expected: str
) -> None:
    where(gateway_data)
    with pytest.raises(GatewayFileError) as caught:
        parse_gateway(gateway_data)
    assert expected in [m.partition(": ")[2] for m in caught.value.messages], caught.value.messages


def test_every_place_of_the_gateway_file_holds_the_one_throttle(
    gateway_data: dict[str, Any],
) -> None:
    gateway = parse_gateway(gateway_data)
    orders, inventory = gateway.services[0], gateway.services[1]
    gold = gateway.tiers["gold"]
    assert isinstance(gold, Throttle)  # a tier is a throttle with a quota and route limits
    assert isinstance(gold, Tier)
    assert type(gateway.stage.throttle) is Throttle
    assert orders.plan_throttles["gold"] == Throttle(rate_limit=50, burst_limit=100)
    assert gold.route_throttles["orders POST /orders"] == Throttle(rate_limit=20, burst_limit=40)
    routes = {route.key: route for route in inventory.route_list() or ()}
    reserve = routes["POST /items/{sku}/reservations"]
    assert reserve.options.throttle == Throttle(rate_limit=20, burst_limit=40)


def test_a_stage_throttle_given_in_part_keeps_the_default_of_the_other_key(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["stage"]["throttle"] = {"rate_limit": 100}
    assert parse_gateway(gateway_data).stage.throttle == Throttle(rate_limit=100, burst_limit=1000)
    gateway_data["stage"]["throttle"] = {"burst_limit": 20}
    assert parse_gateway(gateway_data).stage.throttle == Throttle(rate_limit=500, burst_limit=20)
    # The schema says so too: no key of the stage throttle is required.
    stage = gateway_schema()["$defs"]["StageSettings"]["properties"]["throttle"]
    assert "required" not in stage
    assert stage["properties"]["rate_limit"]["default"] == 500
    assert stage["properties"]["burst_limit"]["default"] == 1000


def test_a_route_lists_throttle_survives_the_trip_through_the_document() -> None:
    throttle = Throttle(rate_limit=5, burst_limit=10)
    route = parse_route("GET /items", RouteOptions(throttle=throttle))
    settings = GatewaySettings(integration=PrivateIntegration(port=80))
    definition = from_routes([route], settings, "items")
    (listed,) = definition.routes
    assert listed.options.throttle == throttle


def test_a_documents_throttle_is_checked_by_the_same_rules() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/items": {
                "get": {
                    "x-gateway-stack": {"throttle": {"rate_limit": 0, "burst_limit": 10}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    settings = GatewaySettings(integration=PrivateIntegration(port=80))
    with pytest.raises(OpenApiDocumentError) as caught:
        from_document(document, settings)
    assert "throttle: rate_limit: Input should be greater than 0 (got 0)" in str(caught.value)
    operation = document["paths"]["/items"]["get"]
    operation["x-gateway-stack"] = {"throttle": {"rate_limit": 5}}
    with pytest.raises(OpenApiDocumentError) as caught:
        from_document(document, settings)
    assert "throttle: burst_limit: Field required" in str(caught.value)
