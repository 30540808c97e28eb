"""Tiers, clients and their keys (platform), and each stage's membership in the plans."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from tests.gateway.platform.regions import routed_platform
from tests.gateway.platform.regions import template as region_template
from tests.gateway.stacks import build, templates


@pytest.fixture(scope="module")
def example(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


def test_each_tier_is_a_usage_plan_named_after_gateway_environment_and_tier(
    example: dict[str, Template],
) -> None:
    platform = example["acme-dev-platform"]
    platform.resource_count_is("AWS::ApiGateway::UsagePlan", 2)
    platform.has_resource_properties(
        "AWS::ApiGateway::UsagePlan",
        {
            "UsagePlanName": "acme-dev-bronze",
            "Throttle": {"RateLimit": 10, "BurstLimit": 20},
            "Quota": {"Limit": 100000, "Period": "MONTH", "Offset": 0},
        },
    )
    platform.has_resource_properties(
        "AWS::ApiGateway::UsagePlan",
        {"UsagePlanName": "acme-dev-gold", "Throttle": {"RateLimit": 200, "BurstLimit": 400}},
    )
    for plan in platform.find_resources("AWS::ApiGateway::UsagePlan").values():
        assert "ApiStages" not in plan["Properties"]  # stages join from their own stacks


def test_each_client_has_one_key_named_for_the_authorizer_with_no_value(
    example: dict[str, Template],
) -> None:
    platform = example["acme-dev-platform"]
    keys = platform.find_resources("AWS::ApiGateway::ApiKey")
    assert sorted(k["Properties"]["Name"] for k in keys.values()) == [
        "acme-dev-mobile-app",
        "acme-dev-partner-globex",
    ]
    for key in keys.values():
        assert "Value" not in key["Properties"]
        assert key["Properties"]["Enabled"] is True
        assert key["DeletionPolicy"] == "Retain"
    platform.has_resource_properties(
        "AWS::ApiGateway::ApiKey",
        {
            "Name": "acme-dev-partner-globex",
            "CustomerId": "globex",
            "Tags": Match.array_with([{"Key": "partner", "Value": "globex"}]),
        },
    )
    platform.has_resource_properties(
        "AWS::ApiGateway::ApiKey",
        {"Name": "acme-dev-mobile-app", "Description": "The consumer mobile app"},
    )


def test_each_key_is_linked_to_its_tiers_plan(example: dict[str, Template]) -> None:
    platform = example["acme-dev-platform"]
    resources = platform.to_json()["Resources"]
    plans = {
        r["Properties"]["UsagePlanName"]: logical
        for logical, r in resources.items()
        if r["Type"] == "AWS::ApiGateway::UsagePlan"
    }
    keys = {
        logical: r["Properties"]["Name"]
        for logical, r in resources.items()
        if r["Type"] == "AWS::ApiGateway::ApiKey"
    }
    links = {
        keys[r["Properties"]["KeyId"]["Ref"]]: r["Properties"]["UsagePlanId"]["Ref"]
        for r in resources.values()
        if r["Type"] == "AWS::ApiGateway::UsagePlanKey"
    }
    assert links == {
        "acme-dev-mobile-app": plans["acme-dev-gold"],
        "acme-dev-partner-globex": plans["acme-dev-bronze"],
    }


def test_platform_publishes_plan_ids(example: dict[str, Template]) -> None:
    for tier in ("bronze", "gold"):
        example["acme-dev-platform"].has_resource_properties(
            "AWS::SSM::Parameter",
            {
                "Name": f"/gateway-stack/acme/dev/plans/{tier}/id",
                "Value": {"Ref": Match.string_like_regexp(f"^UsagePlansTiers{tier}")},
            },
        )


def test_the_membership_function_is_least_privilege(example: dict[str, Template]) -> None:
    platform = example["acme-dev-platform"]
    platform.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "acme-dev-plan-membership",
            "Runtime": "python3.14",
            "Handler": "handler.handler",
        },
    )
    platform.has_resource_properties("AWS::Lambda::EventInvokeConfig", {"MaximumRetryAttempts": 0})
    policies = [
        p
        for p in platform.find_resources("AWS::IAM::Policy").values()
        if "UsagePlansMembership" in json.dumps(p["Properties"]["Roles"])
    ]
    (policy,) = policies
    statements = {
        json.dumps(s["Action"]): s["Resource"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    }
    assert statements == {
        json.dumps(["apigateway:GET", "apigateway:PATCH"]): (
            "arn:aws:apigateway:eu-west-1::/usageplans/*"
        ),
        json.dumps("cloudformation:ListStackResources"): (
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/acme-dev-svc-*/*"
        ),
    }


def test_every_service_stage_joins_every_plan_from_its_own_stack(
    example: dict[str, Template],
) -> None:
    for service in ("orders", "inventory", "billing"):
        template = example[f"acme-dev-svc-{service}"]
        (membership,) = template.find_resources("Custom::UsagePlanMembership").values()
        properties = membership["Properties"]
        parameters = template.to_json()["Parameters"]
        plan_parameters = [parameters[p["Ref"]]["Default"] for p in properties["UsagePlanIds"]]
        assert plan_parameters == [
            "/gateway-stack/acme/dev/plans/bronze/id",
            "/gateway-stack/acme/dev/plans/gold/id",
        ]
        assert properties["ServiceToken"] == (
            "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-plan-membership"
        )
        assert properties["RestApiId"]["Ref"].startswith("ServiceApi")
        assert properties["StageName"]["Ref"].startswith("ServiceApiDeploymentStage")


def test_a_service_can_override_a_tiers_limits_on_its_stage(
    example: dict[str, Template],
) -> None:
    orders = example["acme-dev-svc-orders"]
    (membership,) = orders.find_resources("Custom::UsagePlanMembership").values()
    parts = membership["Properties"]["Throttles"]["Fn::Join"][1]
    (plan,) = [p for p in parts if isinstance(p, dict)]
    gold = orders.to_json()["Parameters"][plan["Ref"]]["Default"]
    assert gold == "/gateway-stack/acme/dev/plans/gold/id"
    text = "".join(p if isinstance(p, str) else "PLAN" for p in parts)
    assert json.loads(text) == {
        "PLAN": [
            {"rateLimit": 50, "burstLimit": 100, "methods": ["/*/*"]},  # the service's override
            {"rateLimit": 20, "burstLimit": 40, "methods": ["/orders/POST"]},  # the tier's route
        ]
    }
    (billing,) = (
        example["acme-dev-svc-billing"].find_resources("Custom::UsagePlanMembership").values()
    )
    assert "Throttles" not in billing["Properties"]


def test_every_api_takes_its_key_from_the_authorizer_and_requires_one(
    example: dict[str, Template],
) -> None:
    public = {("/health", "get")}  # inventory's public_routes: no authorizer, no key
    for service in ("orders", "inventory", "billing"):
        (api,) = (
            example[f"acme-dev-svc-{service}"].find_resources("AWS::ApiGateway::RestApi").values()
        )
        body = api["Properties"]["Body"]
        assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
        for path, item in body["paths"].items():
            for method, operation in item.items():
                if method == "options":  # CORS preflight: browsers send no token with it
                    assert "security" not in operation
                elif (path, method) in public:
                    assert operation["security"] == []
                elif method != "parameters":
                    assert operation["security"] == [{"gateway-authorizer": [], "api-key": []}]


def test_moving_a_client_to_another_tier_keeps_its_key(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    def platform(data: dict[str, Any]) -> dict[str, Any]:
        return templates(build(data, cdk_context))["acme-dev-platform"].to_json()["Resources"]

    before = platform(gateway_data)
    gateway_data["clients"][0]["tier"] = "bronze"
    after = platform(gateway_data)
    keys_before = {k: v for k, v in before.items() if v["Type"] == "AWS::ApiGateway::ApiKey"}
    keys_after = {k: v for k, v in after.items() if v["Type"] == "AWS::ApiGateway::ApiKey"}
    assert keys_after == keys_before  # same logical ids, same properties: no replacement
    links_before = {k: v for k, v in before.items() if v["Type"] == "AWS::ApiGateway::UsagePlanKey"}
    links_after = {k: v for k, v in after.items() if v["Type"] == "AWS::ApiGateway::UsagePlanKey"}
    assert links_after.keys() == links_before.keys()
    moved = [k for k in links_after if links_after[k] != links_before[k]]
    assert len(moved) == 1  # only the link of the client that moved changes


def test_adding_a_client_touches_no_service_stack(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    before = {n: t.to_json() for n, t in templates(build(gateway_data, cdk_context)).items()}
    gateway_data["clients"].append({"id": "new-partner", "tier": "bronze"})
    after = {n: t.to_json() for n, t in templates(build(gateway_data, cdk_context)).items()}
    for name, template in before.items():
        if name != "acme-dev-platform":
            assert after[name] == template, name


def test_a_tier_route_throttle_must_name_a_route_of_the_service(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    from gateway_stack.errors import GatewayStackError

    gateway_data["tiers"]["gold"]["route_throttles"] = {
        "orders DELETE /orders": {"rate_limit": 1, "burst_limit": 1}
    }
    with pytest.raises(GatewayStackError, match="service 'orders' has no route DELETE /orders"):
        build(gateway_data, cdk_context)


def test_an_added_regions_membership_function_reads_its_own_regions_service_stacks(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    platform = region_template(routed_platform(example_data, cdk_context, region="us-east-1"))
    (policy,) = [
        p
        for p in platform.find_resources("AWS::IAM::Policy").values()
        if "UsagePlansMembership" in json.dumps(p["Properties"]["Roles"])
    ]
    resources = [s["Resource"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert "arn:aws:cloudformation:us-east-1:123456789012:stack/acme-dev-us-east-1-svc-*/*" in (
        resources
    )
