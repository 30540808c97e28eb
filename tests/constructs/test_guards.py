"""Quota guards on the written cloud assembly: nested assemblies (Stages) included, and domain
names named for what they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigatewayv2 as apigwv2

from gateway_stack.constructs.guards import assembly_problems
from gateway_stack.constructs.synth_errors import SynthError, synth_cleanly
from gateway_stack.limits import STACK_RESOURCE_BUDGET


def test_a_stage_holding_an_oversize_stack_fails_the_synth(
    cdk_context: dict[str, Any], tmp_path: Path
) -> None:
    app = cdk.App(context=cdk_context, outdir=str(tmp_path))
    stage = cdk.Stage(app, "Prod")
    big = cdk.Stack(stage, "Big")
    for index in range(STACK_RESOURCE_BUDGET + 1):
        cdk.CfnWaitConditionHandle(big, f"Handle{index}")
    small = cdk.Stack(app, "Small")  # a top-level stack next to the Stage: within budget
    cdk.CfnWaitConditionHandle(small, "Handle")
    with pytest.raises(SynthError) as raised:
        synth_cleanly(app)
    assert raised.value.messages == (
        "stack Prod-Big has 451 resources (most: 451 AWS::CloudFormation::WaitConditionHandle): "
        "over the budget of 450 that keeps headroom below CloudFormation's 500 per stack. Move "
        "what makes the most into a stack of its own (services, routes into OpenAPI bodies, "
        "clients into another gateway).",
    )


def _mappings(stack: cdk.Stack, domain_name: str) -> None:
    for index in range(201):
        apigwv2.CfnApiMapping(
            stack, f"M{index}", api_id="a", domain_name=domain_name, stage="s",
            api_mapping_key=f"p{index}",
        )  # fmt: skip


def test_mappings_on_a_domain_name_resource_or_from_ssm_are_named_as_such(
    cdk_context: dict[str, Any], tmp_path: Path
) -> None:
    app = cdk.App(context=cdk_context, outdir=str(tmp_path))
    own = cdk.Stack(app, "Own")
    domain = apigwv2.CfnDomainName(own, "Domain", domain_name="api.example.org")
    _mappings(own, domain.ref)
    published = cdk.Stack(app, "Published")
    name = cdk.aws_ssm.StringParameter.value_for_string_parameter(published, "/dns/name")
    _mappings(published, name)
    problems = assembly_problems(app.synth())
    assert [problem.split(": API Gateway")[0] for problem in problems] == [
        "201 API mappings on <Domain> in stack Own",
        "201 API mappings on the domain in SSM parameter /dns/name",
    ]
