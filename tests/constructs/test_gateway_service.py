"""GatewayService: a service attached to the platform with everything its policy requires."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from gateway_stack import (
    AlarmThresholds,
    BackendRef,
    GatewayService,
    MethodThrottle,
    PlanThrottle,
    PlatformRef,
    PrivateIntegration,
    RouteOptions,
    StageConfig,
    parse_route,
)

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
SCOPED = [
    parse_route("GET /items", RouteOptions(scopes=("items:read",))),
    parse_route("POST /items", RouteOptions(scopes=("items:write",))),
]


def attach(context: dict[str, Any], **props: Any) -> tuple[cdk.Stack, GatewayService]:
    stack = cdk.Stack(cdk.App(context=context), "acme-dev-svc-items", env=ENV)
    platform = PlatformRef(stack, "Platform", gateway="acme", environment="dev")
    options: dict[str, Any] = {
        "platform": platform,
        "service_name": "items",
        "base_path": "items",
        "backend": "commerce",
        "integration": PrivateIntegration(port=8080),
        "stage": StageConfig(name="dev"),
        "routes": SCOPED,
        "tiers": ["bronze", "gold"],
    }
    options.update(props)
    return stack, GatewayService(stack, "Items", **options)


def ssm_parameter(template: Template, name: str) -> str:
    """The logical id of the stack parameter that reads SSM parameter ``name``."""
    (logical_id,) = template.find_parameters("*", {"Default": name})
    return logical_id


def test_the_api_is_what_the_platform_requires(cdk_context: dict[str, Any]) -> None:
    stack, _ = attach(cdk_context)
    template = Template.from_stack(stack)
    (api,) = template.find_resources("AWS::ApiGateway::RestApi").values()
    body = api["Properties"]["Body"]
    assert api["Properties"]["Name"] == "acme-dev-items"
    assert api["Properties"]["DisableExecuteApiEndpoint"] is True
    assert body["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    authorizer = body["components"]["securitySchemes"]["gateway-authorizer"]
    assert authorizer["x-amazon-apigateway-authorizer"]["authorizerUri"] == (
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer/invocations"
    )
    assert authorizer["x-amazon-apigateway-authorizer"]["authorizerResultTtlInSeconds"] == 300
    for method in ("get", "post"):  # every route: the authorizer and the client's key
        assert body["paths"]["/items"][method]["security"] == [
            {"gateway-authorizer": [], "api-key": []}
        ]
    # The stage variables reach the platform's load balancer, read from SSM at deploy time.
    link = ssm_parameter(template, "/gateway-stack/acme/dev/load-balancers/commerce/vpc-link-id")
    template.has_resource_properties(
        "AWS::ApiGateway::Stage", {"Variables": Match.object_like({"vpcLinkId": {"Ref": link}})}
    )


def test_mapped_on_the_platforms_domain_behind_its_web_acl(cdk_context: dict[str, Any]) -> None:
    stack, _ = attach(cdk_context)
    template = Template.from_stack(stack)
    domain = ssm_parameter(template, "/gateway-stack/acme/dev/domain/name")
    template.resource_count_is("AWS::ApiGatewayV2::ApiMapping", 1)
    template.has_resource_properties(
        "AWS::ApiGatewayV2::ApiMapping", {"DomainName": {"Ref": domain}, "ApiMappingKey": "items"}
    )
    acl = ssm_parameter(template, "/gateway-stack/acme/dev/waf/web-acl-arn")
    template.has_resource_properties("AWS::WAFv2::WebACLAssociation", {"WebACLArn": {"Ref": acl}})


def test_each_domain_name_given_gets_a_mapping(cdk_context: dict[str, Any]) -> None:
    stack, _ = attach(cdk_context, domain_names=["api.example.com", "api.example.org"])
    mappings = Template.from_stack(stack).find_resources("AWS::ApiGatewayV2::ApiMapping")
    assert sorted(m["Properties"]["DomainName"] for m in mappings.values()) == [
        "api.example.com",
        "api.example.org",
    ]


def test_the_permission_map_and_plan_membership(cdk_context: dict[str, Any]) -> None:
    stack, _ = attach(
        cdk_context,
        plan_overrides={"gold": [PlanThrottle(MethodThrottle(rate_limit=50, burst_limit=100))]},
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::SSM::Parameter",
        {"Value": Match.string_like_regexp('"scopes":\\["items:read"\\]')},
    )
    (membership,) = template.find_resources("Custom::UsagePlanMembership").values()
    properties = membership["Properties"]
    assert properties["ServiceToken"] == (
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-plan-membership"
    )
    assert properties["UsagePlanIds"] == [
        {"Ref": ssm_parameter(template, f"/gateway-stack/acme/dev/plans/{tier}/id")}
        for tier in ("bronze", "gold")
    ]
    assert '"rateLimit": 50' in str(stack.resolve(properties["Throttles"]))


def test_monitoring_notifies_the_platforms_topic(cdk_context: dict[str, Any]) -> None:
    stack, service = attach(cdk_context, alarms=AlarmThresholds(latency_p99_ms=1500))
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "AlarmName": "acme-dev-items-latency-p99",
            "Threshold": 1500,
            "AlarmActions": ["arn:aws:sns:eu-west-1:123456789012:acme-dev-alarms"],
        },
    )
    assert service.monitoring.dashboard is not None


def test_apig2_is_acknowledged_with_the_validation_it_does(cdk_context: dict[str, Any]) -> None:
    _, service = attach(cdk_context)
    reasons = [
        entry.data
        for entry in service.api.api.node.metadata
        if "AwsSolutions-APIG2" in str(entry.data)
    ]
    assert reasons, "APIG2 not acknowledged"
    assert "validators are in its OpenAPI body" in str(reasons[0])


def test_without_request_validation_apig2_is_the_teams_to_decide(
    cdk_context: dict[str, Any],
) -> None:
    _, service = attach(cdk_context, validate_requests=False)
    assert not [e for e in service.api.api.node.metadata if "AwsSolutions-APIG2" in str(e.data)]


def test_options_leave_out_what_the_team_turns_off(cdk_context: dict[str, Any]) -> None:
    stack, service = attach(
        cdk_context,
        tiers=[],
        web_acl=False,
        alarms=None,
        dashboard=False,
        backend=BackendRef(vpc_link_id="link1", host="nlb.internal"),
    )
    template = Template.from_stack(stack)
    template.resource_count_is("Custom::UsagePlanMembership", 0)
    template.resource_count_is("AWS::WAFv2::WebACLAssociation", 0)
    template.resource_count_is("AWS::CloudWatch::Alarm", 0)
    template.resource_count_is("AWS::CloudWatch::Dashboard", 0)
    assert service.plan_membership is None
    template.has_resource_properties(
        "AWS::ApiGateway::Stage", {"Variables": Match.object_like({"vpcLinkId": "link1"})}
    )


def test_overrides_for_a_tier_not_joined_are_refused(cdk_context: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"plan_overrides names tiers .*\(silver\)"):
        attach(
            cdk_context,
            plan_overrides={"silver": [PlanThrottle(MethodThrottle(rate_limit=5, burst_limit=5))]},
        )
