"""The quota guards count per account and region: a multi-region gateway's regions each have
their own VPC links and their own custom domain of the same name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2

from gateway_stack.constructs.guards import assembly_problems

ACCOUNT = "123456789012"


def _stack(app: cdk.App, name: str, region: str) -> cdk.Stack:
    return cdk.Stack(app, name, env=cdk.Environment(account=ACCOUNT, region=region))


def _mappings(stack: cdk.Stack, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        apigwv2.CfnApiMapping(
            stack, f"M{index}", api_id="a", domain_name="api.example.com", stage="s",
            api_mapping_key=f"p{index}",
        )  # fmt: skip


def _links(stack: cdk.Stack, count: int) -> None:
    for index in range(count):
        apigw.CfnVpcLink(stack, f"L{index}", name=f"l{index}", target_arns=["arn:nlb"])


def test_the_same_name_in_two_regions_has_a_quota_in_each(
    cdk_context: dict[str, Any], tmp_path: Path
) -> None:
    app = cdk.App(context=cdk_context, outdir=str(tmp_path))
    for region in ("eu-west-1", "us-east-1"):  # 150 + 150 on api.example.com: 150 per region
        stack = _stack(app, f"Svc-{region}", region)
        _mappings(stack, 150)
        _links(stack, 15)  # 30 VPC links in the account, 15 per region
    assert assembly_problems(app.synth()) == []


def test_a_region_over_its_quota_is_named(cdk_context: dict[str, Any], tmp_path: Path) -> None:
    app = cdk.App(context=cdk_context, outdir=str(tmp_path))
    home = _stack(app, "Home", "eu-west-1")
    _mappings(home, 10)
    # Two stacks of one region: their mappings and links add up.
    first, second = _stack(app, "UsA", "us-east-1"), _stack(app, "UsB", "us-east-1")
    _mappings(first, 101)
    _mappings(second, 100, start=101)
    _links(first, 11)
    _links(second, 10)
    problems = assembly_problems(app.synth())
    assert [problem.split(": API Gateway")[0] for problem in problems] == [
        f"21 REST API VPC links in {ACCOUNT}/us-east-1",
        f"201 API mappings on api.example.com in {ACCOUNT}/us-east-1",
    ]
