"""Synth-time refusals name the gateway file, and the key (with its line) of the part of it that
made the construct they concern."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from gateway_stack.constructs.synth_errors import SynthError, synth_cleanly
from gateway_stack.gateway.app import build_gateway
from gateway_stack.gateway.config.loader import GatewayFile, load_gateway_file
from gateway_stack.gateway.plan import GatewayPlan, plan_gateway
from gateway_stack.tools.cli import FAIL_ON_VALIDATION_ERRORS
from gateway_stack.tools.synth_places import SynthPlaces
from tests.conftest import EXAMPLE

SOURCE = str(EXAMPLE)


@pytest.fixture(scope="module")
def loaded() -> tuple[GatewayFile, GatewayPlan]:
    file = load_gateway_file(EXAMPLE)
    plan = plan_gateway(file.gateway, file.path.parent, source=SOURCE, lines=file.lines)
    return file, plan


@pytest.fixture(scope="module")
def places(loaded: tuple[GatewayFile, GatewayPlan]) -> SynthPlaces:
    file, plan = loaded
    return SynthPlaces(plan, file.lines)


def line(loaded: tuple[GatewayFile, GatewayPlan], *loc: str | int) -> int:
    return loaded[0].lines[loc]


def test_a_service_stacks_construct_is_the_service_and_its_line(
    loaded: tuple[GatewayFile, GatewayPlan], places: SynthPlaces
) -> None:
    assert line(loaded, "services", 1) == 108
    assert places.locate("acme-dev-svc-inventory/Service/Api: bad") == (
        f"{SOURCE}: services[1] (service 'inventory', line 108): "
        "acme-dev-svc-inventory/Service/Api: bad"
    )


def test_a_platform_construct_is_the_key_it_is_built_from(
    loaded: tuple[GatewayFile, GatewayPlan], places: SynthPlaces
) -> None:
    assert line(loaded, "load_balancers", "billing") == 95
    assert places.locate("acme-dev-platform/Backends/billing/LoadBalancer: bad") == (
        f"{SOURCE}: load_balancers.billing (the platform stack, line 95): "
        "acme-dev-platform/Backends/billing/LoadBalancer: bad"
    )
    assert places.locate("acme-dev-platform/Domain/Certificate: bad").startswith(
        f"{SOURCE}: domain (the platform stack, line {line(loaded, 'domain')}): "
    )
    assert places.locate("stack acme-dev-platform has 471 resources").startswith(
        f"{SOURCE}: (the platform stack): "
    )


def test_a_message_naming_no_construct_still_names_the_file(places: SynthPlaces) -> None:
    assert places.locate("KeyMustResolveToString: ...") == f"{SOURCE}: KeyMustResolveToString: ..."


def test_a_message_that_names_its_file_is_left_as_it_is(places: SynthPlaces) -> None:
    document = str(EXAMPLE.parent / "openapi" / "orders.yaml")
    for message in (f"{document}: /paths/~1orders/get: bad", f"{SOURCE}: clients: bad"):
        assert places.locate(message) == message


def test_a_cdk_nag_finding_is_one_located_message_per_rule_and_construct(
    loaded: tuple[GatewayFile, GatewayPlan],
    places: SynthPlaces,
    cdk_context: dict[str, Any],
    tmp_path: Path,
) -> None:
    """As the gateway app runs it: the CDK neither throws nor prints the findings (the CLI's
    mode), the report in the output folder is read."""
    app = cdk.App(
        context=cdk_context,
        outdir=str(tmp_path),
        post_cli_context={FAIL_ON_VALIDATION_ERRORS: False},
    )
    stacks = build_gateway(app, loaded[1])
    s3.Bucket(stacks.services["inventory"], "Unencrypted")  # no access logs, no TLS policy
    with pytest.raises(SynthError) as refused:
        synth_cleanly(app)
    located = places.locate_all(refused.value.messages)
    where = f"{SOURCE}: services[1] (service 'inventory', line 108): "
    assert located == [
        f"{where}acme-dev-svc-inventory/Unencrypted/Resource: [AwsSolutions-S1] The S3 Bucket "
        "has server access logs disabled.",
        f"{where}acme-dev-svc-inventory/Unencrypted/Resource: [AwsSolutions-S10] The S3 Bucket "
        "or bucket policy does not require requests to use SSL.",
    ]
    report = json.loads((tmp_path / "validation-report.json").read_text())
    assert {p["conclusion"] for p in report["pluginReports"]} == {"failure", "success"}


def test_a_construct_failing_while_a_service_stack_is_built_names_the_service(
    loaded: tuple[GatewayFile, GatewayPlan], places: SynthPlaces, cdk_context: dict[str, Any]
) -> None:
    app = cdk.App(context=cdk_context)
    cdk.Stack(app, "acme-dev-svc-orders")  # a stack of the app's own, by the service's name
    with pytest.raises(SynthError) as refused:
        build_gateway(app, loaded[1])
    (message,) = places.locate_all(refused.value.messages)
    assert message.startswith(
        f"{SOURCE}: services[0] (service 'orders', line {line(loaded, 'services', 0)}): "
        "acme-dev-svc-orders: There is already a Construct with name 'acme-dev-svc-orders'"
    )
