"""What a service team's app uses of the platform: PlatformRef and its own VPC link."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Annotations, Match, Template

from gateway_stack.constructs.backend import BackendRef
from gateway_stack.constructs.platform_ref import ALLOWLIST_CONTEXT, PlatformRef
from gateway_stack.errors import GatewayStackError

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
ALLOWLIST = {"base_paths": ["catalog", "orders/v*"]}


def platform(context: dict[str, Any], **extra: Any) -> PlatformRef:
    stack = cdk.Stack(cdk.App(context={**context, **extra}), "Svc", env=ENV)
    return PlatformRef(stack, "Platform", gateway="acme", environment="dev")


def test_an_allowed_base_path_passes(cdk_context: dict[str, Any]) -> None:
    ref = platform(cdk_context, **{ALLOWLIST_CONTEXT: json.dumps(ALLOWLIST)})
    ref.check_allowlist(base_path="orders/v3")


def test_a_base_path_outside_the_allowlist_is_refused(cdk_context: dict[str, Any]) -> None:
    ref = platform(cdk_context, **{ALLOWLIST_CONTEXT: json.dumps(ALLOWLIST)})
    with pytest.raises(GatewayStackError, match="base path 'payments' is not allowed"):
        ref.check_allowlist(base_path="payments")


def test_an_allowlist_that_is_not_json_is_a_message(cdk_context: dict[str, Any]) -> None:
    ref = platform(cdk_context, **{ALLOWLIST_CONTEXT: "{not json"})
    with pytest.raises(GatewayStackError, match="not the allowlist's JSON"):
        ref.check_allowlist(base_path="catalog")


def test_without_the_allowlist_the_check_is_skipped_with_a_note(
    cdk_context: dict[str, Any],
) -> None:
    ref = platform(cdk_context)
    ref.check_allowlist(base_path="anything")
    ssm.StringParameter(ref, "Something", string_value="x")  # a stack must hold a resource
    Annotations.from_stack(cdk.Stack.of(ref)).has_info(
        "/Svc/Platform", Match.string_like_regexp("allowlist not checked at synth")
    )


def test_the_platforms_functions_are_known_by_arn(cdk_context: dict[str, Any]) -> None:
    ref = platform(cdk_context)
    assert ref.authorizer().function_arn == (
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-authorizer"
    )
    assert ref.plan_membership_token() == (
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-plan-membership"
    )


def test_functions_need_an_explicit_environment(cdk_context: dict[str, Any]) -> None:
    stack = cdk.Stack(cdk.App(context=cdk_context), "Agnostic")
    ref = PlatformRef(stack, "Platform", gateway="acme", environment="dev")
    with pytest.raises(GatewayStackError, match="explicit account and region"):
        ref.authorizer()


def test_a_service_teams_own_vpc_link(cdk_context: dict[str, Any]) -> None:
    stack = cdk.Stack(cdk.App(context=cdk_context), "Svc", env=ENV)
    nlb = elbv2.NetworkLoadBalancer.from_network_load_balancer_attributes(
        stack,
        "Nlb",
        load_balancer_arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
        "loadbalancer/net/shop/0123456789abcdef",
        load_balancer_dns_name="shop-0123456789abcdef.elb.eu-west-1.amazonaws.com",
    )
    backend = BackendRef.from_network_load_balancer(stack, "Link", nlb, vpc_link_name="shop")
    assert backend.host == "shop-0123456789abcdef.elb.eu-west-1.amazonaws.com"
    Template.from_stack(stack).has_resource_properties(
        "AWS::ApiGateway::VpcLink",
        {
            "Name": "shop",
            "TargetArns": [
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                "loadbalancer/net/shop/0123456789abcdef"
            ],
        },
    )
    assert "Ref" in stack.resolve(backend.vpc_link_id)  # the link this stack creates
